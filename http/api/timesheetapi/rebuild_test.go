package timesheetapi_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	rm "backoffice/readmodel/timesheets"
)

// TestRebuildGivesTheSameTimesheetRows: the rows the live projectors wrote
// (one event at a time, so every change after the first goes through the
// upsert) equal, column by column, those a rebuild writes (whole streams
// per batch, new rows by COPY, in one transaction), and the indexes come
// back as they were.
func TestRebuildGivesTheSameTimesheetRows(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()

	// Commands through the API: real metadata (occurred at with
	// nanoseconds), lines, a remark, an offer, a rejection, a correction.
	e.must(200, "PUT", w05+"/lines/100", "worker1", map[string]any{"hours": []string{"8", "7,5", "7:30", "8", "8", "", ""}})
	e.must(201, "POST", w05+"/remarks", "worker1", map[string]any{"text": "Dinsdag later begonnen"})
	e.must(200, "POST", w05+"/offer", "worker1", nil)
	e.must(200, "POST", w05+"/reject", "client1", map[string]any{"reason": "Dinsdag klopt niet"})
	e.must(200, "PUT", w05+"/lines/100", "worker1", map[string]any{"minutes": []int{480, 480, 450, 480, 480, 0, 0}})

	// Generated histories in every status, appended round by round: each
	// round adds the next event of every stream and waits for the
	// projectors, so the live projector meets each row again.
	var streams [][]eventstore.RecordedEvent
	w := ts.ISOWeek{Year: 2025, Week: 44}
	for p := range 12 {
		at := now.Add(time.Duration(p)*1234567*time.Nanosecond + 2500*time.Nanosecond)
		wk := w
		for age := 6; age > 0; age-- {
			streams = append(streams, historyOf(t, p, wk, age, at))
			wk = wk.Next()
		}
	}
	var last eventstore.Position
	for round := 0; ; round++ {
		appended := false
		for _, evs := range streams {
			if round >= len(evs) {
				continue
			}
			r := evs[round]
			expected := eventstore.NoStream()
			if round > 0 {
				expected = eventstore.Exact(uint64(round - 1))
			}
			res, err := e.store.Append(ctx, r.Stream, expected,
				eventstore.EventData{ID: r.ID, Type: r.Type, Data: r.Data, Metadata: r.Metadata})
			if err != nil {
				t.Fatal(err)
			}
			last, appended = res.Position, true
		}
		if !appended {
			break
		}
		// The append's position, not HeadPosition: the head is the last
		// event visible to every reader, which may lag the last append.
		if err := e.rt.WaitFor(ctx, last); err != nil {
			t.Fatal(err)
		}
	}

	snapshot := func() []string {
		t.Helper()
		var out []string
		for _, q := range []string{
			`SELECT row_to_json(t)::text FROM ts_timesheets t ORDER BY stream`,
			// A count that went back to 0 keeps its row live; a rebuild
			// that folds the stream in one batch never writes it.
			`SELECT row_to_json(t)::text FROM ts_status_counts t WHERE n <> 0 ORDER BY scope_kind, scope_id, status`,
			`SELECT row_to_json(t)::text FROM ts_placements t ORDER BY placement_id`,
			`SELECT indexdef FROM pg_indexes WHERE tablename IN ('ts_timesheets', 'ts_status_counts', 'ts_placements') ORDER BY indexname`,
		} {
			rows, err := e.pool.Query(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			got, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, got...)
		}
		return out
	}
	live := snapshot()
	if n := len(live); n < 12*6+1 {
		t.Fatalf("only %d rows and indexes projected", n)
	}
	for _, name := range []string{rm.NamePlacements, rm.NameTimesheets} {
		if err := e.rt.Rebuild(ctx, name, nil); err != nil {
			t.Fatal(err)
		}
	}
	rebuilt := snapshot()
	if !slices.Equal(live, rebuilt) {
		for i := range min(len(live), len(rebuilt)) {
			if live[i] != rebuilt[i] {
				t.Fatalf("row %d differs after the rebuild:\n live    %s\n rebuilt %s", i, live[i], rebuilt[i])
			}
		}
		t.Fatalf("%d rows live, %d after the rebuild", len(live), len(rebuilt))
	}
	// A log this short is rebuilt in one transaction, the rows written by
	// COPY ... FREEZE: every page of the table is all-visible (the final
	// ANALYZE counts them), so neither the first readers nor an autovacuum
	// pass have anything left to mark.
	var pages, visible int
	if err := e.pool.QueryRow(ctx, `SELECT relpages, relallvisible FROM pg_class WHERE oid = 'ts_timesheets'::regclass`).Scan(&pages, &visible); err != nil {
		t.Fatal(err)
	}
	if pages == 0 || visible != pages {
		t.Errorf("ts_timesheets after the rebuild: %d of %d pages all-visible, want all", visible, pages)
	}
	// Done means queryable: the columns the lists, reports, reminders and
	// missing-hours overview filter, join or sort on have planner
	// statistics as soon as Rebuild returns (the display columns need none,
	// migration 0313; nor does stream, whose equality the planner estimates
	// from the primary key, migration 0314).
	var withStats []string
	rows, err := e.pool.Query(ctx, `SELECT attname FROM pg_stats WHERE tablename = 'ts_timesheets' ORDER BY attname`)
	if err != nil {
		t.Fatal(err)
	}
	if withStats, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"client_id", "entered_by", "intermediary_id", "iso_week", "iso_year", "next_party",
		"placement_id", "status", "week_start", "worker_id"} {
		if !slices.Contains(withStats, c) {
			t.Errorf("no statistics on ts_timesheets.%s after the rebuild (have %v)", c, withStats)
		}
	}
	for _, c := range []string{"total_minutes", "revision", "updated_at", "offered_hash", "stream", "hour_totals"} {
		if slices.Contains(withStats, c) {
			t.Errorf("statistics on the display column ts_timesheets.%s", c)
		}
	}

	// Rebuilt again from the same log: the same rows, and the statistics
	// of the first rebuild kept (its TRUNCATE keeps them), not taken again.
	var analyzed int64
	countAnalyzes := `SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'ts_timesheets'`
	if err := e.pool.QueryRow(ctx, countAnalyzes).Scan(&analyzed); err != nil {
		t.Fatal(err)
	}
	if err := e.rt.Rebuild(ctx, rm.NameTimesheets, nil); err != nil {
		t.Fatal(err)
	}
	if again := snapshot(); !slices.Equal(live, again) {
		t.Fatalf("%d rows live, %d after the second rebuild (or rows differ)", len(live), len(again))
	}
	var analyzedAgain int64
	var stats int
	if err := e.pool.QueryRow(ctx, countAnalyzes).Scan(&analyzedAgain); err != nil {
		t.Fatal(err)
	}
	if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM pg_stats WHERE tablename = 'ts_timesheets'`).Scan(&stats); err != nil {
		t.Fatal(err)
	}
	if analyzedAgain != analyzed || stats != len(withStats) {
		t.Errorf("second rebuild of the same log: ts_timesheets ANALYZEd %d times (want %d), statistics on %d columns (want %d)",
			analyzedAgain, analyzed, stats, len(withStats))
	}
}
