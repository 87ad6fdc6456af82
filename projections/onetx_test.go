package projections_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"backoffice/eventstore"
	"backoffice/eventstore/memory"
	"backoffice/projections"
)

// TestRebuildInOneTransaction: a log shorter than OneTransactionBelow is
// rebuilt in one transaction, so a rebuild that stops half-way (cancelled,
// or its session gone as in a crash) leaves the read model and its
// checkpoint as they were before it, not emptied or half-built.
func TestRebuildInOneTransaction(t *testing.T) {
	store, pool := memory.New(), newPool(t)
	ctx := context.Background()
	appendEvents(t, store, 2000, 40, 0)
	var handled atomic.Int64
	var kill atomic.Bool
	p := &sums{hook: func(ctx context.Context, _ eventstore.RecordedEvent) error {
		if handled.Add(1) == 700 && kill.Load() {
			// The rebuild's session ends between two of its statements.
			_, err := pool.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
				WHERE datname = current_database() AND state = 'idle in transaction' AND pid <> pg_backend_pid()`)
			return err
		}
		return nil
	}}
	rt := newRuntime(t, store, pool, projections.Config{CatchUpBatchSize: 200}, p)
	if err := rt.Rebuild(ctx, p.Name(), nil); err != nil {
		t.Fatal(err)
	}
	assertSums(t, pool, store)
	c0, p0, err := storedCheckpoint(ctx, pool, p.Name())
	if err != nil {
		t.Fatal(err)
	}
	unchanged := func(t *testing.T) {
		t.Helper()
		assertSums(t, pool, store)
		c, pr, err := storedCheckpoint(ctx, pool, p.Name())
		if err != nil {
			t.Fatal(err)
		}
		if c != c0 || pr != p0 {
			t.Fatalf("checkpoint %d/%d after the stopped rebuild, want %d/%d as before it", c, pr, c0, p0)
		}
	}

	t.Run("cancelled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		err := rt.Rebuild(cctx, p.Name(), func(done, _ int) {
			if done >= 600 {
				cancel()
			}
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Rebuild = %v, want it cancelled", err)
		}
		unchanged(t)
	})
	t.Run("session ended", func(t *testing.T) {
		handled.Store(0)
		kill.Store(true)
		defer kill.Store(false)
		if err := rt.Rebuild(ctx, p.Name(), nil); err == nil {
			t.Fatal("Rebuild succeeded on a session ended half-way")
		}
		unchanged(t)
	})
}
