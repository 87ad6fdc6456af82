package projections_test

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/eventstore"
	"backoffice/eventstore/memory"
	"backoffice/projections"
)

// deferring is sums with a secondary index on sums that a rebuild may
// defer; it notes whether the index existed while it handled events and
// fails on demand.
type deferring struct {
	sums
	withIndex atomic.Int64 // events handled while sums_total existed
	without   atomic.Int64 // events handled while it did not
	fail      atomic.Bool
	cancel    atomic.Pointer[context.CancelFunc] // called at revision 20 when set
}

var _ projections.IndexDeferrer = (*deferring)(nil)

func (p *deferring) DeferIndexesOf() []string { return []string{"sums"} }

func (p *deferring) Handle(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent) error {
	if p.fail.Load() && e.Revision == 20 {
		return errors.New("deferring: failing on purpose")
	}
	if c := p.cancel.Load(); c != nil && e.Revision == 20 {
		(*c)()
		return ctx.Err()
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM pg_indexes WHERE indexname = 'sums_total'`).Scan(&n); err != nil {
		return err
	}
	if n == 1 {
		p.withIndex.Add(1)
	} else {
		p.without.Add(1)
	}
	return p.sums.Handle(ctx, tx, e)
}

func indexDefs(t *testing.T, pool *pgxpool.Pool) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT indexdef FROM pg_indexes WHERE tablename = 'sums' ORDER BY indexname`)
	if err != nil {
		t.Fatal(err)
	}
	defs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return defs
}

func deferredRecord(t *testing.T, pool *pgxpool.Pool, name string) bool {
	t.Helper()
	var set bool
	if err := pool.QueryRow(context.Background(), `SELECT deferred_indexes IS NOT NULL FROM projection_checkpoints WHERE name = $1`, name).Scan(&set); err != nil {
		t.Fatal(err)
	}
	return set
}

// TestRebuildDefersIndexes: a rebuild of an IndexDeferrer writes without
// the secondary indexes of its tables (the primary key stays) and builds
// them again at the end, the same as before; a rebuild that stops
// half-way leaves their definitions recorded, and the projector builds
// them before it runs again.
func TestRebuildDefersIndexes(t *testing.T) {
	store, pool := memory.New(), newPool(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `CREATE INDEX sums_total ON sums (total) WHERE n > 1; CREATE UNIQUE INDEX sums_n_stream ON sums (n, stream)`); err != nil {
		t.Fatal(err)
	}
	before := indexDefs(t, pool)
	if len(before) != 3 {
		t.Fatalf("indexes before: %v", before)
	}
	appendEvents(t, store, 200, 4, 0)
	p := &deferring{}
	rt := newRuntime(t, store, pool, projections.Config{BatchSize: 50, DeferIndexesFrom: 1}, p)
	if err := rt.Rebuild(ctx, p.Name(), nil); err != nil {
		t.Fatal(err)
	}
	assertSums(t, pool, store)
	if p.withIndex.Load() != 0 || p.without.Load() != 200 {
		t.Fatalf("events handled with the index %d, without %d; want 0 and 200", p.withIndex.Load(), p.without.Load())
	}
	if after := indexDefs(t, pool); !slices.Equal(after, before) {
		t.Fatalf("indexes after the rebuild:\n%v\nwant\n%v", after, before)
	}
	if deferredRecord(t, pool, p.Name()) {
		t.Fatal("deferred indexes still recorded after the rebuild")
	}

	// A rebuild failing half-way: the indexes stay dropped and recorded.
	p.fail.Store(true)
	if err := rt.Rebuild(ctx, p.Name(), nil); err == nil {
		t.Fatal("the rebuild did not fail")
	}
	if got := indexDefs(t, pool); len(got) != 1 || !deferredRecord(t, pool, p.Name()) {
		t.Fatalf("after a failed rebuild: indexes %v, recorded %v", got, deferredRecord(t, pool, p.Name()))
	}
	// Run builds them before the projector goes on.
	p.fail.Store(false)
	p.withIndex.Store(0)
	p.without.Store(0)
	head, err := store.HeadPosition(ctx)
	if err != nil {
		t.Fatal(err)
	}
	start(t, rt)
	if err := rt.WaitFor(ctx, head); err != nil {
		t.Fatal(err)
	}
	assertSums(t, pool, store)
	if after := indexDefs(t, pool); !slices.Equal(after, before) {
		t.Fatalf("indexes after running again:\n%v\nwant\n%v", after, before)
	}
	if p.without.Load() != 0 || p.withIndex.Load() == 0 {
		t.Fatalf("after the failed rebuild, events handled with the index %d, without %d", p.withIndex.Load(), p.without.Load())
	}
	if deferredRecord(t, pool, p.Name()) {
		t.Fatal("deferred indexes still recorded after running again")
	}

	// A rebuild cancelled half-way while Run runs: the live projector
	// builds the indexes again before it goes on.
	rctx, cancel := context.WithCancel(ctx)
	p.cancel.Store(&cancel)
	if err := rt.Rebuild(rctx, p.Name(), nil); err == nil {
		t.Fatal("the cancelled rebuild succeeded")
	}
	p.cancel.Store(nil)
	pos := appendEvents(t, store, 8, 4, 200)
	if err := rt.WaitFor(ctx, pos); err != nil {
		t.Fatal(err)
	}
	assertSums(t, pool, store)
	eventually(t, "indexes built after the cancelled rebuild", func() bool {
		return slices.Equal(indexDefs(t, pool), before) && !deferredRecord(t, pool, p.Name())
	})
}

// TestRebuildKeepsIndexesForASmallLog: below DeferIndexesFrom (the log's
// head position) a rebuild writes with the indexes in place, drops and
// records none, and leaves them as they were; from it on, it defers them.
func TestRebuildKeepsIndexesForASmallLog(t *testing.T) {
	store, pool := memory.New(), newPool(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `CREATE INDEX sums_total ON sums (total) WHERE n > 1`); err != nil {
		t.Fatal(err)
	}
	before := indexDefs(t, pool)
	head := appendEvents(t, store, 200, 4, 0)
	for _, c := range []struct {
		from                    uint64
		withIndex, withoutIndex int64
	}{{head.Prepare + 1, 200, 0}, {head.Prepare, 0, 200}} {
		p := &deferring{}
		rt := newRuntime(t, store, pool, projections.Config{BatchSize: 50, DeferIndexesFrom: c.from}, p)
		if err := rt.Rebuild(ctx, p.Name(), nil); err != nil {
			t.Fatal(err)
		}
		assertSums(t, pool, store)
		if p.withIndex.Load() != c.withIndex || p.without.Load() != c.withoutIndex {
			t.Fatalf("DeferIndexesFrom %d, head %s: events handled with the index %d, without %d; want %d and %d",
				c.from, head, p.withIndex.Load(), p.without.Load(), c.withIndex, c.withoutIndex)
		}
		if after := indexDefs(t, pool); !slices.Equal(after, before) {
			t.Fatalf("indexes after the rebuild:\n%v\nwant\n%v", after, before)
		}
		if deferredRecord(t, pool, p.Name()) {
			t.Fatal("deferred indexes recorded after the rebuild")
		}
	}
}
