package projections_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"backoffice/eventstore"
	"backoffice/eventstore/memory"
	"backoffice/projections"
)

// sumReader is a DependentProjector, like a mailer that looks up its
// recipients: on each test.read event it reads the sums row of the stream
// the event names (written by the projector it depends on) and notes what
// it found in sum_reads.
type sumReader struct {
	dep    string
	before func(context.Context) error // runs in Handle before the read
}

func (sumReader) Name() string                        { return "test_sum_reader" }
func (sumReader) Handles(t string) bool               { return t == "test.read" }
func (r sumReader) DependsOn() []string               { return []string{r.dep} }
func (sumReader) Reset(context.Context, pgx.Tx) error { return nil }

var _ projections.DependentProjector = sumReader{}

func (r sumReader) Handle(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent) error {
	if r.before != nil {
		if err := r.before(ctx); err != nil {
			return err
		}
	}
	var d struct{ Stream string }
	if err := json.Unmarshal(e.Data, &d); err != nil {
		return err
	}
	var total int64
	err := tx.QueryRow(ctx, `SELECT total FROM sums WHERE stream = $1`, d.Stream).Scan(&total)
	if errors.Is(err, pgx.ErrNoRows) {
		total = -1 // a mail to nobody
	} else if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO sum_reads (event_id, total) VALUES ($1, $2)`, e.ID, total)
	return err
}

// TestDependentWaitsForARebuildInAnotherProcess: one process rebuilds the
// sums read model while another runs a projector that reads it; an event
// for the reader that arrives mid-rebuild is handled once the rebuild has
// passed it, and finds its row. Meanwhile the reader says it waits (in its
// own process, and as another process's status judges it).
func TestDependentWaitsForARebuildInAnotherProcess(t *testing.T) {
	store, pool := memory.New(), newPool(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `CREATE TABLE sum_reads (event_id uuid PRIMARY KEY, total bigint NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	appendEvents(t, store, 50, 2, 0)
	var hold atomic.Bool
	release := make(chan struct{})
	dep := &sums{hook: func(ctx context.Context, _ eventstore.RecordedEvent) error {
		if hold.Load() {
			select { // the rebuild stops in its first page
			case <-release:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	}}
	// A rebuild held half-way is one in pages (a large log's): a short
	// log's rebuild in one transaction shows nothing until it commits
	// (TestRebuildWaitsForADependentBatch takes that path).
	a := newRuntime(t, store, pool, projections.Config{BatchSize: 10, OneTransactionBelow: 1}, dep)
	b := newRuntime(t, store, pool, projections.Config{BatchSize: 10}, sumReader{dep: dep.Name()})
	start(t, a)
	start(t, b)
	head, err := store.HeadPosition(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.WaitFor(ctx, head); err != nil {
		t.Fatal(err)
	}
	want := readSums(t, pool)["s-0"].Total

	hold.Store(true)
	rebuilt := make(chan error, 1)
	go func() { rebuilt <- a.Rebuild(ctx, dep.Name(), nil) }()
	eventually(t, "the sums emptied by the rebuild", func() bool { return len(readSums(t, pool)) == 0 })
	res, err := store.Append(ctx, "r-1", eventstore.Any(), eventstore.EventData{ID: uuid.New(), Type: "test.read",
		Data: []byte(`{"Stream": "s-0"}`)})
	if err != nil {
		t.Fatal(err)
	}
	// Not a timing assertion: without the wait the reader notes -1 at
	// once, and the check after the rebuild fails.
	eventually(t, "the reader reported waiting, or handled the event", func() bool {
		s := status(t, b, "test_sum_reader")
		return s.State == projections.StateWaiting && slices.Equal(s.WaitingFor, []string{dep.Name()}) || readCount(t, pool) > 0
	})
	// Another process (running neither) judges it from the checkpoints.
	other := newRuntime(t, store, pool, projections.Config{}, dep, sumReader{dep: dep.Name()})
	if s := status(t, other, "test_sum_reader"); !slices.Equal(s.WaitingFor, []string{dep.Name()}) {
		t.Errorf("status elsewhere: waiting for %v, want [%s]", s.WaitingFor, dep.Name())
	}
	close(release)
	if err := <-rebuilt; err != nil {
		t.Fatal(err)
	}
	if err := b.WaitFor(ctx, res.Position, "test_sum_reader"); err != nil {
		t.Fatal(err)
	}
	var got int64
	if err := pool.QueryRow(ctx, `SELECT total FROM sum_reads`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("the reader found total %d, want %d (-1: read during the rebuild, row missing)", got, want)
	}
	s := runningStatus(t, b, "test_sum_reader")
	if len(s.WaitingFor) != 0 {
		t.Errorf("still waiting for %v after the rebuild", s.WaitingFor)
	}
}

func readCount(t testing.TB, pool interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM sum_reads`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// waiter is a projector that only depends on another.
type waiter struct{ name, dep string }

func (w waiter) Name() string                                                 { return w.name }
func (waiter) Handles(string) bool                                            { return false }
func (waiter) Handle(context.Context, pgx.Tx, eventstore.RecordedEvent) error { return nil }
func (waiter) Reset(context.Context, pgx.Tx) error                            { return nil }
func (w waiter) DependsOn() []string                                          { return []string{w.dep} }

// TestDependencyCycleRefused: projectors waiting for each other would never
// move; New refuses them, and a projector waiting for itself.
func TestDependencyCycleRefused(t *testing.T) {
	_, err := projections.New(projections.Config{Store: memory.New(), Pool: newPool(t), Projectors: []projections.Projector{
		waiter{"a", "b"}, waiter{"b", "c"}, waiter{"c", "a"}, waiter{"d", "d"}, waiter{"e", "a"},
	}})
	if err == nil {
		t.Fatal("New accepted a cycle")
	}
	for _, n := range []string{"a", "b", "c", "d"} {
		if !strings.Contains(err.Error(), `"`+n+`" depends on itself`) {
			t.Errorf("New = %v, want %s named", err, n)
		}
	}
	if strings.Contains(err.Error(), `"e"`) {
		t.Errorf("New = %v: e only waits for the cycle", err)
	}
}

// TestRebuildWaitsForADependentBatch: a rebuild that starts while a
// dependent projector's batch is open (past its wait, before its read)
// cannot empty the table under it: the batch holds the dependency's
// checkpoint row, which the rebuild's reset moves first. The batch reads
// the row; the rebuild goes on after its commit.
func TestRebuildWaitsForADependentBatch(t *testing.T) {
	store, pool := memory.New(), newPool(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `CREATE TABLE sum_reads (event_id uuid PRIMARY KEY, total bigint NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	appendEvents(t, store, 50, 2, 0)
	dep := &sums{}
	inRead, release := make(chan struct{}), make(chan struct{})
	reader := sumReader{dep: dep.Name(), before: func(ctx context.Context) error {
		close(inRead)
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}}
	a := newRuntime(t, store, pool, projections.Config{BatchSize: 10}, dep)
	b := newRuntime(t, store, pool, projections.Config{BatchSize: 10}, reader)
	start(t, a)
	start(t, b)
	head, err := store.HeadPosition(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.WaitFor(ctx, head); err != nil {
		t.Fatal(err)
	}
	want := readSums(t, pool)["s-0"].Total
	res, err := store.Append(ctx, "r-1", eventstore.Any(), eventstore.EventData{ID: uuid.New(), Type: "test.read",
		Data: []byte(`{"Stream": "s-0"}`)})
	if err != nil {
		t.Fatal(err)
	}
	<-inRead // the reader's batch is open, its wait behind it
	rebuilt := make(chan error, 1)
	go func() { rebuilt <- a.Rebuild(ctx, dep.Name(), nil) }()
	// The rebuild's reset waits for the reader's transaction (without the
	// lock it empties and refills the table under the open batch).
	var rebuildErr error
	finished := false
	eventually(t, "the reset waiting for the reader, or the rebuild done", func() bool {
		select {
		case rebuildErr = <-rebuilt:
			finished = true
			return true
		default:
		}
		var waiting int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%projection_checkpoints%'`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		return waiting > 0
	})
	if finished {
		t.Error("the rebuild reset the table while a batch that reads it was open")
	}
	close(release)
	if err := b.WaitFor(ctx, res.Position, reader.Name()); err != nil {
		t.Fatal(err)
	}
	var got int64
	if err := pool.QueryRow(ctx, `SELECT total FROM sum_reads`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("the reader found total %d, want %d (-1: the rebuild emptied the table under its batch)", got, want)
	}
	if !finished {
		rebuildErr = <-rebuilt
	}
	if rebuildErr != nil {
		t.Fatal(rebuildErr)
	}
	if got := readSums(t, pool)["s-0"].Total; got != want {
		t.Errorf("after the rebuild s-0 = %d, want %d", got, want)
	}
}
