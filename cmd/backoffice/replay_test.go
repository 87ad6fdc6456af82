package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/commands"
	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	"backoffice/internal/apitest"
	"backoffice/internal/pgtest"
)

// TestAuditReplay rebuilds the read models into new schemas as of two
// moments of one timesheet (480 minutes, then 600): each schema shows its
// moment, and the live read models are untouched.
func TestAuditReplay(t *testing.T) {
	t.Parallel()
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

	// The 600 minutes changed to 900 behind the application's back: the
	// replay refuses (it built read models showing 900 as recorded); a
	// moment before the change still replays.
	if _, err := pool.Exec(ctx, `ALTER TABLE eventstore_events DISABLE TRIGGER eventstore_append_only;
		UPDATE eventstore_events SET data = replace(data::text, '600', '900')::json WHERE stream = '`+ts.StreamName("p1", w)+`' AND revision = 2;
		ALTER TABLE eventstore_events ENABLE TRIGGER eventstore_append_only`); err != nil {
		t.Fatal(err)
	}
	err = run(ctx, []string{"audit", "replay", "--as-of", second.String(), "--schema", "asof_tampered"}, getenv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "the ledger is NOT intact up to "+second.String()+", nothing was replayed: stream \""+ts.StreamName("p1", w)+"\" revision 2") {
		t.Fatalf("replay of a tampered ledger: %v", err)
	}
	var schemas int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'asof_tampered%' OR nspname LIKE 'replay_wip_%'`).Scan(&schemas); err != nil || schemas != 0 {
		t.Fatalf("the refused replay left %d schemas (%v)", schemas, err)
	}
	if err := run(ctx, []string{"audit", "replay", "--as-of", first.String(), "--schema", "asof_before_change"}, getenv, io.Discard, io.Discard); err != nil {
		t.Fatalf("replay as of a moment before the changed event: %v", err)
	}
}

// writeFunc is an io.Writer that hands every write to a function: the
// replay's progress lines are where a test looks in between pages.
type writeFunc func(string)

func (f writeFunc) Write(p []byte) (int, error) { f(string(p)); return len(p), nil }

// TestAuditReplayInterrupted: a replay interrupted halfway (Ctrl-C and
// SIGTERM cancel the command's context) left its half-built schema, and
// the retry asked for a DROP SCHEMA by hand; a hard kill (-9) the same.
// Now the replay builds under a work-in-progress name and renames it at
// the end: an interrupted one removes it and exits non-zero, a killed
// one's leftover is removed by the next replay (not while another replay
// still builds it), and between its pages the replay holds no transaction
// with an xid, which would hold back every live projector of the
// PostgreSQL event store (eventstore/postgres `visible`).
func TestAuditReplayInterrupted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	getenv, pool, store := migrated(t)
	appendThreeSets(t, store)
	schemas := func() string { t.Helper(); return replaySchemas(t, pool) }
	replay := func(ctx context.Context, schema string, stderr io.Writer) (string, error) {
		var out bytes.Buffer
		err := run(ctx, []string{"audit", "replay", "--as-of", "999999999-1", "--schema", schema}, getenv, &out, stderr)
		return out.String(), err
	}

	// Interrupted during the first projector's rebuild.
	cctx, cancel := context.WithCancel(ctx)
	_, err := replay(cctx, "asof_a", writeFunc(func(s string) {
		if strings.Contains(s, "events (") {
			cancel()
		}
	}))
	cancel()
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("an interrupted replay: %v, want an error saying so", err)
	}
	if left := schemas(); left != "" {
		t.Fatalf("an interrupted replay left %v", left)
	}

	// The retry works; no session of the database holds an xid whenever
	// the replay reports progress (after each page's commit).
	var progress int
	var held []string
	out, err := replay(ctx, "asof_a", writeFunc(func(s string) {
		if !strings.Contains(s, "events (") {
			return
		}
		progress++
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()`).Scan(&n); err != nil || n != 0 {
			held = append(held, fmt.Sprintf("%q: %d sessions with an xid (%v)", s, n, err))
		}
	}))
	if err != nil || !strings.Contains(out, "schema asof_a holds the read models") {
		t.Fatalf("the retry: %v, %q", err, out)
	}
	if progress == 0 || len(held) > 0 {
		t.Fatalf("%d progress reports; a transaction with an xid stayed open across pages: %v", progress, held)
	}

	// A killed replay's leftover (its own target's and another's) goes
	// with the next replay; one whose replay still runs (holds the lock)
	// stays, and a second replay into that target is refused.
	busy, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Release()
	if _, err := busy.Exec(ctx, `SELECT pg_advisory_lock(hashtextextended($1, 0))`, replayLockKey+wipSchema("asof_busy")); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{wipSchema("asof_b"), wipSchema("asof_gone"), wipSchema("asof_busy")} {
		if _, err := pool.Exec(ctx, "CREATE SCHEMA "+s+"; CREATE TABLE "+s+".ts_timesheets (x int)"); err != nil {
			t.Fatal(err)
		}
	}
	var said bytes.Buffer
	if out, err := replay(ctx, "asof_b", &said); err != nil || !strings.Contains(out, "schema asof_b holds") {
		t.Fatalf("a replay after a killed one: %v, %q", err, out)
	}
	if n := strings.Count(said.String(), "removed the leftover schema"); n != 2 {
		t.Fatalf("the replay said %q, want 2 leftovers removed", said.String())
	}
	if got, want := schemas(), "asof_a asof_b "+wipSchema("asof_busy"); got != want {
		t.Fatalf("schemas %q, want %q", got, want)
	}
	if _, err := replay(ctx, "asof_busy", io.Discard); err == nil || !strings.Contains(err.Error(), "another audit replay into schema asof_busy is running") {
		t.Fatalf("a replay into a target being built: %v", err)
	}
	if _, err := replay(ctx, wipSchema("x"), io.Discard); err == nil {
		t.Fatal("a --schema with the work-in-progress prefix was accepted")
	}
}

// TestAuditReplaySignals runs the replay as a real process: SIGTERM
// halfway (after its first progress line) ends it with exit 1 and the
// message, and nothing is left; SIGKILL leaves its work-in-progress schema
// (and no schema under the auditor's name), which the next replay removes
// without any SQL by hand.
func TestAuditReplaySignals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cs := pgtest.NewDB(t)
	env, getenv := testEnv(t, cs)
	if err := run(ctx, []string{"migrate"}, getenv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	pool := pgtest.Pool(t, cs)
	store := pgtest.EventStore(t, pool)
	appendThreeSets(t, store)
	schemas := func() string { t.Helper(); return replaySchemas(t, pool) }
	replay := func(schema string) []string {
		return []string{"audit", "replay", "--as-of", "999999999-1", "--schema", schema}
	}

	c := startChild(t, env, "events (", replay("asof_term")...)
	c.waitSeen(t)
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := c.exitCode(t); code != 1 || !strings.Contains(c.errText(), "backoffice: audit replay interrupted: nothing was kept") {
		t.Fatalf("SIGTERM: exit %d, stderr:\n%s", code, c.errText())
	}
	if left := schemas(); left != "" {
		t.Fatalf("SIGTERM left %q", left)
	}

	c = startChild(t, env, "events (", replay("asof_kill")...)
	c.waitSeen(t)
	if err := c.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	if code := c.exitCode(t); code != -1 {
		t.Fatalf("SIGKILL: exit %d", code)
	}
	if left := schemas(); left != wipSchema("asof_kill") {
		t.Fatalf("after SIGKILL: %q, want only the work-in-progress schema", left)
	}
	// The killed process's session locks go when its backend notices the
	// closed connection.
	for deadline := time.Now().Add(time.Minute); ; {
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
			WHERE l.locktype = 'advisory' AND d.datname = current_database()`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d advisory locks of the killed replay remain", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	var out, said bytes.Buffer
	if err := run(ctx, replay("asof_kill"), getenv, &out, &said); err != nil {
		t.Fatalf("the replay after a kill: %v\n%s", err, said.String())
	}
	if !strings.Contains(said.String(), "removed the leftover schema "+wipSchema("asof_kill")) || schemas() != "asof_kill" {
		t.Fatalf("after the retry: %q; it said %q", schemas(), said.String())
	}
}

// appendThreeSets appends three test events to timesheet-p1 and waits
// until readers see them.
func appendThreeSets(t *testing.T, store eventstore.Store) {
	t.Helper()
	for i := range 3 {
		if _, err := store.Append(context.Background(), "timesheet-p1", eventstore.Any(), eventstore.EventData{ID: uuid.New(), Type: "test.set",
			Data: json.RawMessage(`{"minutes":480}`), Metadata: eventstore.Metadata{ActorID: "acc-1", OccurredAt: time.Now()}}); err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
	}
	pgtest.AwaitReadable(t, store, 3)
}

// replaySchemas names the as-of and work-in-progress replay schemas,
// sorted, space-separated.
func replaySchemas(t *testing.T, pool *pgxpool.Pool) string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'asof%' OR nspname LIKE 'replay_wip_%' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(names, " ")
}
