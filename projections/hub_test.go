package projections_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"backoffice/eventstore"
	"backoffice/eventstore/memory"
	"backoffice/projections"
)

// countingStore counts the subscriptions to $all.
type countingStore struct {
	eventstore.Store
	subscriptions atomic.Int32
}

func (s *countingStore) SubscribeAll(ctx context.Context, from eventstore.Position) (eventstore.Subscription, error) {
	s.subscriptions.Add(1)
	return s.Store.SubscribeAll(ctx, from)
}

// TestOneReaderFeedsEveryProjector: a process reads $all once, however
// many projectors it runs, and each still gets every event in order
// (sums refuses gaps and duplicates).
func TestOneReaderFeedsEveryProjector(t *testing.T) {
	store, pool := &countingStore{Store: memory.New()}, newPool(t)
	ctx := context.Background()
	appendEvents(t, store, 300, 3, 0)
	if _, err := pool.Exec(ctx, `CREATE TABLE sums_b (LIKE sums); CREATE TABLE sums_c (LIKE sums)`); err != nil {
		t.Fatal(err)
	}
	rt := newRuntime(t, store, pool, projections.Config{BatchSize: 16},
		&sums{name: "a"}, &sums{name: "b", table: "sums_b"}, &sums{name: "c", table: "sums_c"})
	start(t, rt)
	var pos eventstore.Position
	for i := range 40 {
		pos = appendEvents(t, store, 5, 3, 300+5*i)
	}
	if err := rt.WaitFor(ctx, pos); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"sums", "sums_b", "sums_c"} {
		assertSumsIn(t, pool, store, table)
	}
	if n := store.subscriptions.Load(); n != 1 {
		t.Fatalf("%d subscriptions to $all for 3 projectors, want 1", n)
	}
}

// TestLazyCheckpoint: a projector that handles none of the live events
// does not commit a checkpoint per batch, WaitFor still sees it at once,
// and after a restart it resumes from its stored checkpoint without
// applying anything twice.
func TestLazyCheckpoint(t *testing.T) {
	store, pool := memory.New(), newPool(t)
	ctx := context.Background()
	reg := prometheus.NewRegistry()
	cfg := projections.Config{Registerer: reg, LazyCheckpointEvents: 25, LazyCheckpoint: 1 << 40}
	rt := newRuntime(t, store, pool, cfg, &sums{}, noteRows{})
	stop := start(t, rt)
	first := appendNote(t, store, "first")
	if err := rt.WaitFor(ctx, first); err != nil {
		t.Fatal(err)
	}
	before := commits(t, reg, "test_notes")
	var pos eventstore.Position
	for i := range 100 {
		pos = appendEvents(t, store, 1, 3, 5*i+4) // only test.ignored: noteRows handles none
		if err := rt.WaitFor(ctx, pos); err != nil {
			t.Fatal(err)
		}
	}
	after := commits(t, reg, "test_notes")
	// 100 one-event batches: one commit per 25 events, not 100.
	if n := after - before; n > 4 {
		t.Fatalf("%d checkpoint commits for 100 events it does not handle, want at most 4", n)
	}
	// A few more, one at a time, until the stored checkpoint is behind
	// what was read (fewer than LazyCheckpointEvents since the last commit
	// at most): the status must count from what was read, not from what
	// was stored.
	var st projections.ProjectorStatus
	for i := range 2 * cfg.LazyCheckpointEvents {
		pos = appendEvents(t, store, 1, 3, 5*(100+i)+4)
		if err := rt.WaitFor(ctx, pos); err != nil {
			t.Fatal(err)
		}
		if st = status(t, rt, "test_notes"); st.Checkpoint.Before(pos) {
			break
		}
	}
	if !st.Checkpoint.Before(pos) || st.Behind || st.Lag != 0 {
		t.Fatalf("status with a lazy checkpoint: %+v (stored checkpoint behind, not behind in reading)", st)
	}
	if sumsCommits := commits(t, reg, "test_sums"); sumsCommits < 100 {
		t.Fatalf("the projector handling the events committed %d times, want one per event", sumsCommits)
	}
	stop()

	last := appendNote(t, store, "last")
	rt2 := newRuntime(t, store, pool, projections.Config{}, &sums{}, noteRows{})
	start(t, rt2)
	if err := rt2.WaitFor(ctx, last); err != nil {
		t.Fatal(err)
	}
	var notes, distinct int
	if err := pool.QueryRow(ctx, `SELECT count(*), count(DISTINCT (pos_commit, pos_prepare)) FROM rows`).Scan(&notes, &distinct); err != nil {
		t.Fatal(err)
	}
	if notes != 2 || distinct != 2 {
		t.Fatalf("%d note rows (%d distinct), want 2", notes, distinct)
	}
}

// commits is the number of batches the projector committed in this process.
func commits(t *testing.T, reg *prometheus.Registry, name string) uint64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "backoffice_projection_batch_commit_seconds" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "projector" && l.GetValue() == name {
					return m.GetHistogram().GetSampleCount()
				}
			}
		}
	}
	return 0
}

// typedNotes is noteRows declaring its types, so that catch-up and rebuild
// read only those from a store that filters in SQL.
type typedNotes struct{ noteRows }

func (typedNotes) EventTypes() []string { return []string{"test.added", "test.note"} }

// TestTypeFilteredCatchUpAndRebuild: from the PostgreSQL store, a projector
// that lists its event types catches up and rebuilds through the filtered
// read, with the same rows as the log holds and its checkpoint at the head.
func TestTypeFilteredCatchUpAndRebuild(t *testing.T) {
	pool, store := pgStore(t)
	ctx := context.Background()
	appendEvents(t, store, 230, 3, 0)
	for i := range 7 {
		appendNote(t, store, fmt.Sprintf("note %d", i))
	}
	head := appendEvents(t, store, 40, 3, 230) // ends on events it does not handle? the last is test.added or ignored
	want := func() int {
		n := 0
		for page, err := range eventstore.Pages(ctx, store, eventstore.Start, 1000) {
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range page {
				if e.Type == "test.added" || e.Type == "test.note" {
					n++
				}
			}
		}
		return n
	}()
	count := func() int {
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM rows`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	rt := newRuntime(t, store, pool, projections.Config{CatchUpBatchSize: 16, BatchSize: 16}, typedNotes{})
	if err := rt.Rebuild(ctx, "test_notes", nil); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != want {
		t.Fatalf("rebuild: %d rows, want %d", n, want)
	}
	if st := status(t, rt, "test_notes"); st.Checkpoint != head {
		t.Fatalf("checkpoint after rebuild %s, want the head %s", st.Checkpoint, head)
	}
	if _, err := pool.Exec(ctx, `TRUNCATE rows; DELETE FROM projection_checkpoints`); err != nil {
		t.Fatal(err)
	}
	start(t, rt)
	if err := rt.WaitFor(ctx, head); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != want {
		t.Fatalf("catch-up: %d rows, want %d", n, want)
	}
}

// TestSlowProjectorDoesNotHoldUpTheOthers: a projector that hangs on an
// event is dropped from the shared feed once its buffer is full; the others
// keep advancing, and once it moves again it catches up from the log.
func TestSlowProjectorDoesNotHoldUpTheOthers(t *testing.T) {
	store, pool := memory.New(), newPool(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `CREATE TABLE sums_b (LIKE sums)`); err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	var once atomic.Bool
	slow := &sums{name: "slow", hook: func(ctx context.Context, _ eventstore.RecordedEvent) error {
		if once.CompareAndSwap(false, true) {
			select { // hangs on the first event until released
			case <-release:
			case <-ctx.Done():
			}
		}
		return nil
	}}
	rt := newRuntime(t, store, pool, projections.Config{BatchSize: 50}, slow, &sums{name: "b", table: "sums_b"})
	start(t, rt)
	eventually(t, "both running", func() bool {
		return status(t, rt, "slow").State == projections.StateRunning && status(t, rt, "b").State == projections.StateRunning
	})
	var pos eventstore.Position
	for i := range 30 {
		pos = appendEvents(t, store, 100, 4, 100*i)
	}
	if err := rt.WaitFor(ctx, pos, "b"); err != nil {
		t.Fatalf("the hung projector held the others up: %v", err)
	}
	close(release)
	if err := rt.WaitFor(ctx, pos); err != nil {
		t.Fatal(err)
	}
	assertSumsIn(t, pool, store, "sums")
	assertSumsIn(t, pool, store, "sums_b")
}
