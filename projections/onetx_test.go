package projections_test

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"
	"time"

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

// TestOneTransactionRebuildRestoresDeferredIndexes: indexes a rebuild in
// pages dropped and, failing half-way, left recorded are built again by a
// later rebuild in one transaction (here with DeferIndexesFrom raised past
// the log) before it returns.
func TestOneTransactionRebuildRestoresDeferredIndexes(t *testing.T) {
	store, pool := memory.New(), newPool(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `CREATE INDEX sums_total ON sums (total); CREATE INDEX sums_n ON sums (n) WHERE n > 1`); err != nil {
		t.Fatal(err)
	}
	before := indexDefs(t, pool)
	appendEvents(t, store, 200, 4, 0)
	p := &deferring{}
	p.fail.Store(true)
	paged := newRuntime(t, store, pool, projections.Config{BatchSize: 50, DeferIndexesFrom: 1}, p)
	if err := paged.Rebuild(ctx, p.Name(), nil); err == nil {
		t.Fatal("the rebuild did not fail")
	}
	if got := indexDefs(t, pool); len(got) != 1 || !deferredRecord(t, pool, p.Name()) {
		t.Fatalf("after the failed rebuild: indexes %v, recorded %v", got, deferredRecord(t, pool, p.Name()))
	}
	p.fail.Store(false)
	one := newRuntime(t, store, pool, projections.Config{BatchSize: 50, DeferIndexesFrom: 1 << 40}, p)
	if err := one.Rebuild(ctx, p.Name(), nil); err != nil {
		t.Fatal(err)
	}
	assertSums(t, pool, store)
	if got := indexDefs(t, pool); !slices.Equal(got, before) || deferredRecord(t, pool, p.Name()) {
		t.Fatalf("after the rebuild in one transaction: indexes %v (want %v), recorded %v", got, before, deferredRecord(t, pool, p.Name()))
	}
}

// TestRebuildInOneTransactionKeepsStatistics: rebuilding the same log
// again leaves a table's planner statistics (its TRUNCATE keeps them) and
// takes no ANALYZE; a log whose rebuild changes the table's row count by
// more than a tenth is ANALYZEd again, as is a table without statistics.
func TestRebuildInOneTransactionKeepsStatistics(t *testing.T) {
	store, pool := memory.New(), newPool(t)
	ctx := context.Background()
	appendEvents(t, store, 400, 40, 0)
	p := &sums{}
	rt := newRuntime(t, store, pool, projections.Config{CatchUpBatchSize: 200}, p)
	analyzed := func(t *testing.T) (count int64, withStats int) {
		t.Helper()
		if err := pool.QueryRow(ctx, `SELECT analyze_count, (SELECT count(*) FROM pg_stats WHERE tablename = 'sums')
			FROM pg_stat_user_tables WHERE relname = 'sums'`).Scan(&count, &withStats); err != nil {
			t.Fatal(err)
		}
		return count, withStats
	}
	rebuild := func(t *testing.T) {
		t.Helper()
		if err := rt.Rebuild(ctx, p.Name(), nil); err != nil {
			t.Fatal(err)
		}
		assertSums(t, pool, store)
	}

	rebuild(t) // no statistics yet: ANALYZEd
	n0, cols := analyzed(t)
	if n0 != 1 || cols != 4 {
		t.Fatalf("after the first rebuild: ANALYZEd %d times, statistics on %d columns; want 1 and 4", n0, cols)
	}
	rebuild(t) // the same 40 rows
	if n, cols := analyzed(t); n != n0 || cols != 4 {
		t.Fatalf("after rebuilding the same log: ANALYZEd %d times (want %d, kept), statistics on %d columns (want 4)", n, n0, cols)
	}
	// Its row count is unknown now (reltuples -1, until autovacuum
	// ANALYZEs it); the next rebuild takes the live rows the activity
	// counters report once the session reports them (within a second).
	for i := 0; ; i++ {
		var live int64
		if err := pool.QueryRow(ctx, `SELECT n_live_tup FROM pg_stat_user_tables WHERE relname = 'sums'`).Scan(&live); err != nil {
			t.Fatal(err)
		}
		if live == 40 {
			break
		}
		if i == 300 {
			t.Fatalf("sums: %d live rows reported, want 40", live)
		}
		time.Sleep(100 * time.Millisecond)
	}
	rebuild(t)
	if n, _ := analyzed(t); n != n0 {
		t.Fatalf("after rebuilding the same log again: ANALYZEd %d times, want %d (kept)", n, n0)
	}
	appendEvents(t, store, 100, 100, 0) // 100 streams now: 40 → 100 rows
	rebuild(t)
	if n, _ := analyzed(t); n != n0+1 {
		t.Fatalf("after a rebuild from 40 to 100 rows: ANALYZEd %d times, want %d", n, n0+1)
	}
	var reltuples float64
	if err := pool.QueryRow(ctx, `SELECT reltuples FROM pg_class WHERE relname = 'sums'`).Scan(&reltuples); err != nil {
		t.Fatal(err)
	}
	if reltuples != 100 {
		t.Fatalf("sums: reltuples %v after the ANALYZE, want 100", reltuples)
	}
}
