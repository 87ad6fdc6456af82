package projections_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"backoffice/eventstore"
	"backoffice/eventstore/memory"
	"backoffice/projections"
)

func TestCatchUpThenLive(t *testing.T) {
	store, pool := memory.New(), newPool(t)
	appendEvents(t, store, 1500, 7, 0)
	rt := newRuntime(t, store, pool, projections.Config{BatchSize: 200, RouterCatchUp: true}, &sums{})
	start(t, rt)
	head, _ := store.HeadPosition(context.Background())
	if err := rt.WaitFor(context.Background(), head); err != nil {
		t.Fatal(err)
	}
	assertSums(t, pool, store)

	pos := appendEvents(t, store, 30, 7, 1500)
	if err := rt.WaitFor(context.Background(), pos, "test_sums"); err != nil {
		t.Fatal(err)
	}
	assertSums(t, pool, store)
	st := runningStatus(t, rt, "test_sums")
	if !st.Local || st.Checkpoint != pos || st.Head != pos || st.Behind || st.Lag != 0 || st.State != projections.StateRunning {
		t.Fatalf("status %+v", st)
	}
	if err := rt.Ready(); err != nil {
		t.Fatal(err)
	}
}

func TestResumesFromCheckpoint(t *testing.T) {
	store, pool := memory.New(), newPool(t)
	pos := appendEvents(t, store, 500, 5, 0)
	rt := newRuntime(t, store, pool, projections.Config{}, &sums{})
	stop := start(t, rt)
	if err := rt.WaitFor(context.Background(), pos); err != nil {
		t.Fatal(err)
	}
	stop()

	pos = appendEvents(t, store, 100, 5, 500)
	p := newResumeProbe()
	rt2 := newRuntime(t, store, pool, projections.Config{}, p)
	start(t, rt2)
	if err := rt2.WaitFor(context.Background(), pos); err != nil {
		t.Fatal(err)
	}
	assertSums(t, pool, store)
	p.assertResumedAt(t, 100, eventstore.Position{Commit: 501, Prepare: 501})
}

func TestRebuild(t *testing.T) {
	store, pool := memory.New(), newPool(t)
	pos := appendEvents(t, store, 800, 4, 0)
	rt := newRuntime(t, store, pool, projections.Config{BatchSize: 100}, &sums{})

	// Without Run: takes the lock itself.
	var last [2]int
	if err := rt.Rebuild(context.Background(), "test_sums", func(done, total int) { last = [2]int{done, total} }); err != nil {
		t.Fatal(err)
	}
	if last != [2]int{800, 800} {
		t.Fatalf("progress ended at %v", last)
	}
	assertSums(t, pool, store)

	// While running: damage the read model, rebuild, it is whole again
	// and the projector goes on live.
	start(t, rt)
	if err := rt.WaitFor(context.Background(), pos); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(context.Background(), `UPDATE sums SET total = -1`); err != nil {
		t.Fatal(err)
	}
	if err := rt.Rebuild(context.Background(), "test_sums", nil); err != nil {
		t.Fatal(err)
	}
	assertSums(t, pool, store)
	pos = appendEvents(t, store, 10, 4, 800)
	if err := rt.WaitFor(context.Background(), pos); err != nil {
		t.Fatal(err)
	}
	assertSums(t, pool, store)
	if err := rt.Rebuild(context.Background(), "nope", nil); !errors.Is(err, projections.ErrUnknownProjector) {
		t.Fatalf("unknown projector: %v", err)
	}
}

func TestFailingProjectorStopsAndRetriesWithoutSkipping(t *testing.T) {
	store, pool := memory.New(), newPool(t)
	pos := appendEvents(t, store, 300, 3, 0)
	failAt := eventstore.Position{Commit: 137, Prepare: 137}
	var attempts atomic.Int32
	observed := make(chan struct{})
	p := &sums{hook: func(ctx context.Context, e eventstore.RecordedEvent) error {
		if e.Position != failAt {
			return nil
		}
		switch attempts.Add(1) {
		case 1:
			return errors.New("boom 1")
		case 2:
			<-observed // keep it failing until the test has seen the failure
			return errors.New("boom 2")
		case 3:
			return errors.New("boom 3")
		}
		return nil
	}}
	rt := newRuntime(t, store, pool, projections.Config{BatchSize: 50}, p)
	start(t, rt)
	eventually(t, "failure reported", func() bool { return rt.Ready() != nil })
	st := status(t, rt, "test_sums")
	if st.State != projections.StateFailed || st.LastError == "" || st.Checkpoint.After(failAt) {
		t.Fatalf("status while failing: %+v", st)
	}
	close(observed)
	if err := rt.WaitFor(context.Background(), pos); err != nil {
		t.Fatal(err)
	}
	assertSums(t, pool, store)
	if n := attempts.Load(); n != 4 {
		t.Fatalf("event %s tried %d times, want 4", failAt, n)
	}
	if err := rt.Ready(); err != nil {
		t.Fatalf("still not ready: %v", err)
	}
}

func TestWaitForTimesOut(t *testing.T) {
	store, pool := memory.New(), newPool(t)
	block := make(chan struct{})
	p := &sums{hook: func(ctx context.Context, _ eventstore.RecordedEvent) error {
		select {
		case <-block:
		case <-ctx.Done():
		}
		return nil
	}}
	rt := newRuntime(t, store, pool, projections.Config{WaitTimeout: 20 * time.Millisecond}, p)
	stop := start(t, rt)
	pos := appendEvents(t, store, 3, 1, 0)
	err := rt.WaitFor(context.Background(), pos)
	var te *projections.WaitTimeoutError
	if !errors.Is(err, projections.ErrWaitTimeout) || !errors.As(err, &te) || len(te.Pending) != 1 || te.Pending[0] != "test_sums" || te.Position != pos {
		t.Fatalf("WaitFor = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := rt.WaitFor(ctx, pos); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled WaitFor = %v", err)
	}
	close(block)
	if err := rt.WaitFor(context.Background(), pos); err != nil {
		// WaitTimeout is short here: retry until it passes.
		eventually(t, "projection passes", func() bool { return rt.WaitFor(context.Background(), pos) == nil })
	}
	stop()
	// A projector not running here is followed through the checkpoint table.
	rt2 := newRuntime(t, store, pool, projections.Config{WaitTimeout: time.Minute}, &sums{name: "other"})
	if err := rt2.WaitFor(context.Background(), pos, "test_sums"); err != nil {
		t.Fatal(err)
	}
}

func TestLockTakeover(t *testing.T) {
	store, pool := memory.New(), newPool(t)
	pos := appendEvents(t, store, 400, 4, 0)
	a := newRuntime(t, store, pool, projections.Config{BatchSize: 64}, &sums{})
	b := newRuntime(t, store, pool, projections.Config{BatchSize: 64}, &sums{})
	stopA := start(t, a)
	if err := a.WaitFor(context.Background(), pos); err != nil {
		t.Fatal(err)
	}
	start(t, b)
	eventually(t, "b in standby", func() bool { return status(t, b, "test_sums").State == projections.StateStandby })

	// b follows a's progress through the checkpoint table.
	pos = appendEvents(t, store, 100, 4, 400)
	if err := b.WaitFor(context.Background(), pos); err != nil {
		t.Fatal(err)
	}
	if st := status(t, b, "test_sums"); st.Local || st.State != projections.StateStandby {
		t.Fatalf("b while a runs: %+v", st)
	}

	stopA() // a dies: its lock session ends
	eventually(t, "b takes over", func() bool { return status(t, b, "test_sums").Local })
	pos = appendEvents(t, store, 100, 4, 500)
	if err := b.WaitFor(context.Background(), pos); err != nil {
		t.Fatal(err)
	}
	assertSums(t, pool, store)
}

// TestKilledMidBatch cancels the runtime at random points, many times, while
// events keep arriving; the read model must equal a clean rebuild.
func TestKilledMidBatch(t *testing.T) {
	store, pool := memory.New(), newPool(t)
	appendEvents(t, store, 2000, 13, 0)
	next := 2000
	rng := rand.New(rand.NewPCG(1, uint64(time.Now().UnixNano())))
	for i := 0; i < 50; i++ {
		run := startKillable(t, store, pool, rng.Int64N(400)+1,
			projections.Config{BatchSize: 1 + rng.IntN(300), RouterCatchUp: i%2 == 1})
		// Also kill from outside at a random moment (this ends the
		// iteration when the hook's event never comes).
		delay := time.Duration(rng.IntN(5000)) * time.Microsecond
		go func() {
			time.Sleep(delay)
			run.cancel()
		}()
		if i%5 == 0 {
			appendEvents(t, store, 50, 13, next)
			next += 50
		}
		if err := <-run.done; err != nil {
			t.Fatal(err)
		}
		run.cancel()
	}
	assertKillsLeftNoTrace(t, context.Background(), store, pool)
}
