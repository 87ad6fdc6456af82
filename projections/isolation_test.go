package projections_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/eventstore"
	"backoffice/eventstore/memory"
	"backoffice/projections"
)

// noteRows is a batch projector that stores the text of test.note events
// (and a row per test.added): a note PostgreSQL cannot store (a NUL) makes
// its batch fail, like the poison events of issue 10.
type noteRows struct{}

func (noteRows) Name() string          { return "test_notes" }
func (noteRows) Handles(t string) bool { return t == "test.added" || t == "test.note" }
func (p noteRows) Handle(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent) error {
	return p.HandleBatch(ctx, tx, []eventstore.RecordedEvent{e})
}
func (noteRows) HandleBatch(ctx context.Context, tx pgx.Tx, events []eventstore.RecordedEvent) error {
	var commits, prepares, revs []int64
	var streams, texts []string
	for _, e := range events {
		var d struct {
			Note string `json:"note"`
		}
		if err := json.Unmarshal(e.Data, &d); err != nil {
			return err
		}
		commits, prepares = append(commits, int64(e.Position.Commit)), append(prepares, int64(e.Position.Prepare))
		streams, revs, texts = append(streams, e.Stream), append(revs, int64(e.Revision)), append(texts, e.Type+d.Note)
	}
	_, err := tx.Exec(ctx, `INSERT INTO rows (pos_commit, pos_prepare, stream, revision, type)
		SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::text[])`,
		commits, prepares, streams, revs, texts)
	return err
}
func (noteRows) Reset(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `TRUNCATE rows`)
	return err
}

func appendNote(t *testing.T, store eventstore.Store, note string) eventstore.Position {
	t.Helper()
	data, _ := json.Marshal(map[string]string{"note": note})
	res, err := store.Append(context.Background(), "notes", eventstore.Any(),
		eventstore.EventData{ID: uuid.New(), Type: "test.note", Data: data})
	if err != nil {
		t.Fatal(err)
	}
	return res.Position
}

// TestFailingProjectorIsIsolated: a projector that cannot store one event
// stops right before it (the events before it in the same batch are kept),
// names the event and the reason in Status (also from another process,
// through the checkpoint table) and in Ready, while the other projectors
// keep advancing and appends keep working.
func TestFailingProjectorIsIsolated(t *testing.T) {
	store, pool := memory.New(), newPool(t)
	ctx := context.Background()
	before := appendEvents(t, store, 200, 4, 0)
	poison := appendNote(t, store, "bad \x00 note")
	appendEvents(t, store, 100, 4, 200)

	// One batch holds the whole backlog: the failing event sits in the middle.
	rt := newRuntime(t, store, pool, projections.Config{BatchSize: 1000, StuckAfter: time.Nanosecond, WaitTimeout: time.Hour}, &sums{}, noteRows{})
	start(t, rt)
	eventually(t, "notes projector failed", func() bool {
		st := status(t, rt, "test_notes")
		return st.State == projections.StateFailed && st.Failure != nil
	})
	live := appendEvents(t, store, 50, 4, 300) // a command after the failure
	if err := rt.WaitFor(ctx, live, "test_sums"); err != nil {
		t.Fatalf("the other projector stopped too: %v", err)
	}
	// Waiting for every projector answers once the healthy one passed,
	// naming the stuck one, instead of waiting for it until WaitTimeout
	// (an hour here: without that it would hang).
	var te *projections.WaitTimeoutError
	if err := rt.WaitFor(ctx, live); !errors.As(err, &te) || !slices.Equal(te.Pending, []string{"test_notes"}) {
		t.Fatalf("WaitFor past a stuck projector = %v", err)
	}
	want := expectedSums(t, store)
	delete(want, "notes") // not an event sums handles
	if got := readSums(t, pool); !maps.Equal(got, want) {
		t.Fatalf("read model differs from the log:\n got %v\nwant %v", got, want)
	}

	st := status(t, rt, "test_notes")
	f := st.Failure
	if f.Position != poison.String() || f.Type != "test.note" || f.Stream != "notes" || f.Revision != 0 ||
		!strings.Contains(f.Reason, "SQLSTATE 22021") || f.EventID == "" {
		t.Fatalf("failure record: %+v", f)
	}
	// The checkpoint sits on the last event it handled before the failing
	// one (the very last event before it, 200, is of a type it ignores).
	lastHandled, err := store.ReadAll(ctx, eventstore.Position{Commit: 198, Prepare: 198}, 1)
	if err != nil || lastHandled[0].Type != "test.added" || !lastHandled[0].Position.Before(before) {
		t.Fatalf("fixture: %v %+v", err, lastHandled)
	}
	if st.Checkpoint != lastHandled[0].Position {
		t.Fatalf("checkpoint %s, want the last event handled before the failing one (%s)", st.Checkpoint, lastHandled[0].Position)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM rows`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 160 { // the test.added events before the poison one (every 5th is ignored)
		t.Fatalf("%d rows kept before the failing event, want 160", n)
	}
	if err := rt.Ready(); err == nil || !strings.Contains(err.Error(), "test_notes") || !strings.Contains(err.Error(), poison.String()) {
		t.Fatalf("Ready = %v", err)
	}
	if s := status(t, rt, "test_sums"); s.State == projections.StateFailed || s.Failure != nil {
		t.Fatalf("healthy projector: %+v", s)
	}

	// Another process (`projections status`) sees the same record.
	other := newRuntime(t, store, pool, projections.Config{}, &sums{}, noteRows{})
	if f2 := status(t, other, "test_notes").Failure; f2 == nil || f2.Position != poison.String() || f2.Reason != f.Reason {
		t.Fatalf("failure seen from another process: %+v", f2)
	}
}

// TestRebuildAnalyzesWrittenTables: a rebuild refreshes the planner
// statistics of the tables the projector writes (and only those), so that
// lookups after the reset's TRUNCATE use their indexes.
func TestRebuildAnalyzesWrittenTables(t *testing.T) {
	store, pool := memory.New(), newPool(t)
	ctx := context.Background()
	appendEvents(t, store, 500, 4, 0)
	rt := newRuntime(t, store, pool, projections.Config{BatchSize: 50}, &sums{})
	if err := rt.Rebuild(ctx, "test_sums", nil); err != nil {
		t.Fatal(err)
	}
	assertSums(t, pool, store)
	wantAnalyzedSumsOnly(t, pool)
}

// TestRebuildAnalyzesQuicklyAsTablesGrow: pages smaller than the log
// ANALYZE the written tables quickly while they grow (on a connection of
// the pool, beside the next pages) and fully at the end: more than one
// ANALYZE of sums by the time Rebuild returns, none of rows.
func TestRebuildAnalyzesQuicklyAsTablesGrow(t *testing.T) {
	store, pool := memory.New(), newPool(t)
	ctx := context.Background()
	appendEvents(t, store, 500, 4, 0)
	// In pages (a log this short is otherwise rebuilt in one transaction,
	// which has no quick ANALYZEs: TestRebuildInOneTransaction).
	rt := newRuntime(t, store, pool, projections.Config{CatchUpBatchSize: 200, OneTransactionBelow: 1}, &sums{})
	if err := rt.Rebuild(ctx, "test_sums", nil); err != nil {
		t.Fatal(err)
	}
	assertSums(t, pool, store)
	wantAnalyzedSumsOnly(t, pool)
	var n int64
	if err := pool.QueryRow(ctx, `SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'sums'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n < 2 {
		t.Fatalf("sums ANALYZEd %d times by a rebuild of 2,000 events in pages of up to 200, want the quick ones and the full one", n)
	}
}

// TestRebuildOfAShortLogAnalyzes: a log shorter than one page (no quick
// ANALYZE while it grows) still ends with its tables ANALYZEd.
func TestRebuildOfAShortLogAnalyzes(t *testing.T) {
	store, pool := memory.New(), newPool(t)
	appendEvents(t, store, 500, 4, 0)
	rt := newRuntime(t, store, pool, projections.Config{CatchUpBatchSize: 10000}, &sums{})
	if err := rt.Rebuild(context.Background(), "test_sums", nil); err != nil {
		t.Fatal(err)
	}
	assertSums(t, pool, store)
	wantAnalyzedSumsOnly(t, pool)
}

// TestCatchUpAnalyzesGrowingTables: catching up a long backlog into a
// table the planner has no statistics for ANALYZEs it as it grows (else
// every page's key lookups scan it whole); a table the projector does not
// write is left alone.
func TestCatchUpAnalyzesGrowingTables(t *testing.T) {
	store, pool := memory.New(), newPool(t)
	ctx := context.Background()
	head := appendEvents(t, store, 2000, 500, 0)
	rt := newRuntime(t, store, pool, projections.Config{BatchSize: 200}, &sums{})
	start(t, rt)
	if err := rt.WaitFor(ctx, head, "test_sums"); err != nil {
		t.Fatal(err)
	}
	assertSums(t, pool, store)
	wantAnalyzedSumsOnly(t, pool)
}

// wantAnalyzedSumsOnly: the table the projector wrote (sums) was ANALYZEd,
// the one it did not write (rows) was not.
func wantAnalyzedSumsOnly(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	var sumsAnalyzed, rowsAnalyzed bool
	if err := pool.QueryRow(context.Background(), `SELECT
		(SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'sums'),
		(SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'rows')`).Scan(&sumsAnalyzed, &rowsAnalyzed); err != nil {
		t.Fatal(err)
	}
	if !sumsAnalyzed || rowsAnalyzed {
		t.Fatalf("analyzed: sums %v (want true), rows %v (want false)", sumsAnalyzed, rowsAnalyzed)
	}
}
