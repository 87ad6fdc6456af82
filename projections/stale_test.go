package projections_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"backoffice/eventstore"
	"backoffice/eventstore/memory"
	"backoffice/projections"
)

// staleAhead is a PreparingProjector whose prepared batches never fit: its
// HandlePrepared writes the batch's rows, then reports ErrPreparedStale.
// Its HandleBatch writes the rows of test.added events (as noteRows).
type staleAhead struct {
	noteRows
	stale, batches atomic.Int64
}

func (*staleAhead) Name() string { return "test_stale" }

func (p *staleAhead) Handle(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent) error {
	return p.HandleBatch(ctx, tx, []eventstore.RecordedEvent{e})
}

func (p *staleAhead) HandleBatch(ctx context.Context, tx pgx.Tx, events []eventstore.RecordedEvent) error {
	p.batches.Add(1)
	return p.noteRows.HandleBatch(ctx, tx, events)
}

func (p *staleAhead) Prepare(events []eventstore.RecordedEvent) any { return len(events) }

func (p *staleAhead) HandlePrepared(ctx context.Context, tx pgx.Tx, events []eventstore.RecordedEvent, prepared any) error {
	if err := p.noteRows.HandleBatch(ctx, tx, events); err != nil {
		return err
	}
	p.stale.Add(1)
	return fmt.Errorf("a row it took for new exists: %w", projections.ErrPreparedStale)
}

var _ projections.PreparingProjector = (*staleAhead)(nil)

// TestStalePreparedBatchIsAppliedAgain: when HandlePrepared reports that
// what Prepare assumed does not hold, the runtime rolls its writes back and
// applies the same batch with HandleBatch, while catching up and in a
// rebuild: every event once, the projector not failed.
func TestStalePreparedBatchIsAppliedAgain(t *testing.T) {
	store, pool := memory.New(), newPool(t)
	ctx := context.Background()
	pos := appendEvents(t, store, 250, 4, 0) // 200 test.added
	p := &staleAhead{}
	rt := newRuntime(t, store, pool, projections.Config{BatchSize: 100, WaitTimeout: 20 * time.Second}, p)
	count := func() int {
		t.Helper()
		var n, distinct int
		if err := pool.QueryRow(ctx, `SELECT count(*), count(DISTINCT (pos_commit, pos_prepare)) FROM rows`).Scan(&n, &distinct); err != nil {
			t.Fatal(err)
		}
		if n != distinct {
			t.Fatalf("%d rows for %d events: a stale batch's writes were kept", n, distinct)
		}
		return n
	}

	start(t, rt)
	if err := rt.WaitFor(ctx, pos); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 200 || p.stale.Load() == 0 || p.batches.Load() == 0 {
		t.Fatalf("caught up: %d rows, %d stale prepared batches, %d plain batches", n, p.stale.Load(), p.batches.Load())
	}
	stale := p.stale.Load()
	if err := rt.Rebuild(ctx, "test_stale", nil); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 200 || p.stale.Load() < stale+3 {
		t.Fatalf("rebuilt: %d rows, %d stale prepared batches (before %d)", n, p.stale.Load(), stale)
	}
	if s := status(t, rt, "test_stale"); s.State == projections.StateFailed || s.Failure != nil {
		t.Fatalf("status: %+v", s)
	}
}
