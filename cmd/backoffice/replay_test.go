package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"backoffice/commands"
	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	"backoffice/internal/apitest"
)

// TestAuditReplay rebuilds the read models into new schemas as of two
// moments of one timesheet (480 minutes, then 600): each schema shows its
// moment, and the live read models are untouched.
func TestAuditReplay(t *testing.T) {
	ctx := context.Background()
	getenv, pool, store := migrated(t)
	now := time.Date(2026, 2, 2, 8, 0, 0, 0, time.UTC)
	meta := commands.Meta{Actor: domain.Actor{AccountID: "seed", Role: domain.RoleBackoffice}}
	revs := map[string]uint64{}
	save := func(stream string, evs ...domain.Event) eventstore.Position {
		t.Helper()
		st := commands.Stream{Name: stream}
		if r, ok := revs[stream]; ok {
			st.Revision, st.Exists = r, true
		}
		res, err := commands.Save(ctx, store, st, meta, now, evs...)
		revs[stream] = res.Revision
		if err != nil {
			t.Fatal(err)
		}
		return res.Position
	}
	apitest.SeedOneTenant(t, store, now, apitest.Agreement(domain.RoleClient))
	normal := ts.HourType{Code: "100", Name: "Normale uren", Percentage: 100} // the agreement's
	w := ts.ISOWeek{Year: 2026, Week: 5}
	first := save(ts.StreamName("p1", w), &ts.Opened{PlacementID: "p1", Week: w, WeekStart: w.Start(), WeekEnd: w.End(), EnteredBy: domain.RoleWorker,
		NormalHourType: normal, EntryDeadline: ts.EntryDeadline(w), ApprovalDeadline: ts.ApprovalDeadline(w), ClientID: "c1", IntermediaryID: "i1", WorkerID: "w1"},
		&ts.LineSet{Line: ts.Line{HourType: normal, Minutes: [7]ts.Minutes{480}}})
	second := save(ts.StreamName("p1", w), &ts.LineSet{Line: ts.Line{HourType: normal, Minutes: [7]ts.Minutes{600}}})
	firstEv, err := store.ReadStream(ctx, ts.StreamName("p1", w), eventstore.ReadStreamOptions{From: 1, Max: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		schema, asOf string
		want         int
	}{
		{"asof_first", first.String(), 480},
		{"asof_second", second.String(), 600},
		{"asof_time", firstEv[0].Created.Format(time.RFC3339Nano), 480},
	} {
		var out bytes.Buffer
		if err := run(ctx, []string{"audit", "replay", "--as-of", c.asOf, "--schema", c.schema}, getenv, &out, io.Discard); err != nil {
			t.Fatalf("replay as of %s: %v", c.asOf, err)
		}
		if !strings.Contains(out.String(), "schema "+c.schema+" holds the read models as of position") {
			t.Fatalf("replay said %q", out.String())
		}
		var total int
		if err := pool.QueryRow(ctx, `SELECT (SELECT sum(m) FROM unnest(line_minutes[1:7]) m)::int FROM `+c.schema+`.ts_timesheets WHERE placement_id = 'p1'`).Scan(&total); err != nil {
			t.Fatal(err)
		}
		if total != c.want {
			t.Fatalf("%s: %d minutes, want %d", c.schema, total, c.want)
		}
		var clients int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM `+c.schema+`.clients`).Scan(&clients); err != nil || clients != 1 {
			t.Fatalf("%s: %d clients (%v), want the identity read model too", c.schema, clients, err)
		}
	}
	var live int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM public.ts_timesheets`).Scan(&live); err != nil || live != 0 {
		t.Fatalf("the live read model changed: %d rows, %v", live, err)
	}
	for _, args := range [][]string{
		{"--as-of", first.String(), "--schema", "asof_first"}, // exists
		{"--as-of", first.String(), "--schema", "public"},
		{"--as-of", first.String(), "--schema", "Robert'); DROP"},
		{"--as-of", "gisteren", "--schema", "asof_x"},
		{"--as-of", "2000-01-01T00:00:00Z", "--schema", "asof_y"}, // before the first event
		{"--schema", "asof_z"},
	} {
		if err := run(ctx, append([]string{"audit", "replay"}, args...), getenv, io.Discard, io.Discard); err == nil {
			t.Fatalf("replay %v was accepted", args)
		}
	}
}
