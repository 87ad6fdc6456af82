package payroll_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"backoffice/commands"
	paycmd "backoffice/commands/payroll"
	pay "backoffice/domain/payroll"
	"backoffice/domain/payroll/payrollfile"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	"backoffice/internal/pgtest"
)

// chunksThenCrash lets the first `ok` item chunks through and then fails
// the others while armed, as a kill -9 between two chunks leaves a batch.
type chunksThenCrash struct {
	eventstore.Store
	armed atomic.Bool
	ok    atomic.Int32
}

func (f *chunksThenCrash) Append(ctx context.Context, stream string, expected eventstore.ExpectedRevision, evs ...eventstore.EventData) (eventstore.AppendResult, error) {
	if f.armed.Load() && len(evs) > 0 && evs[0].Type == pay.TypeBatchItemsAdded && f.ok.Add(-1) < 0 {
		return eventstore.AppendResult{}, fmt.Errorf("killed")
	}
	return f.Store.Append(ctx, stream, expected, evs...)
}

func crashingEnv(t *testing.T) (*env, *chunksThenCrash) {
	pool := pgtestPool(t)
	store := &chunksThenCrash{Store: pgtest.EventStore(t, pool)}
	e := newEnvOn(t, store, pool)
	e.seedClient()
	return e, store
}

// exportDies runs an export under key whose making dies after ok chunks.
func exportDies(t *testing.T, e *env, store *chunksThenCrash, meta commands.Meta, ok int32) {
	t.Helper()
	store.ok.Store(ok)
	store.armed.Store(true)
	defer store.armed.Store(false)
	if _, _, _, err := e.pay.CreateExport(context.Background(), meta, paycmd.CreateExport{ClientID: "c1", Period: week5}); err == nil ||
		!strings.Contains(err.Error(), "killed") {
		t.Fatalf("the dying attempt: %v", err)
	}
}

// retried is meta as the API's retry of a dead attempt sends it.
func retried(meta commands.Meta) commands.Meta { meta.Retry = true; return meta }

// TestExportRetriedAfterItDiedBuilding: the server died after the batch's
// created event, before its items. The request sent again under the same
// key finishes that batch instead of answering 409 batch_building for
// ever, and a retry of the retry (meta.Retry: the API took a dead claim
// over) answers the same batch and position.
func TestExportRetriedAfterItDiedBuilding(t *testing.T) {
	e, store := crashingEnv(t)
	e.workedWeek5(1, "10", fullWeek)
	e.workedWeek5(2, "20", fullWeek)
	e.caughtUp()
	ctx := context.Background()
	meta := payrollBot
	meta.IdempotencyKey, meta.Command = "export-died", "POST /payroll/exports c1 2026-W05"
	exportDies(t, e, store, meta, 0)
	// Another request meanwhile is refused: the batch is being built.
	if _, _, _, err := e.pay.CreateExport(ctx, payrollBot, paycmd.CreateExport{ClientID: "c1", Period: week5}); code(err) != "batch_building" {
		t.Fatalf("another request: %v", err)
	}

	// The same request again, not flagged a retry (the API released the
	// key after an earlier 409 answer), finishes the batch as well.
	res, created, _, err := e.pay.CreateExport(ctx, meta, paycmd.CreateExport{ClientID: "c1", Period: week5})
	if err != nil || len(created) != 1 || created[0].BatchID != "c1_2026-W05_1" || created[0].Items != 2 {
		t.Fatalf("retry: %+v %v", created, err)
	}
	v, err := e.pay.Batch(ctx, payrollBot.Actor, created[0].BatchID)
	if err != nil || v.Building || v.Added != 2 {
		t.Fatalf("the finished batch: %+v %v", v, err)
	}
	if f := string(e.file(created[0].BatchID, payrollfile.Loket)); !strings.Contains(f, "\r\n1001;10;") || !strings.Contains(f, "\r\n1001;20;") {
		t.Fatalf("its file:\n%s", f)
	}
	again, twice, _, err := e.pay.CreateExport(ctx, retried(meta), paycmd.CreateExport{ClientID: "c1", Period: week5})
	if err != nil || len(twice) != 1 || twice[0] != created[0] || again.Position != res.Position {
		t.Fatalf("the retry's retry: %+v %+v %v, want %+v %+v", twice, again, err, created, res)
	}
}

// TestExportRetriedAfterItDiedBetweenChunks: 1,001 timesheets are two
// chunks; the server died after the first. The retry appends the second
// (under the first attempt's chunk key), so the batch holds each
// timesheet once, in file order.
func TestExportRetriedAfterItDiedBetweenChunks(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 1,001 timesheets")
	}
	e, store := crashingEnv(t)
	ctx := context.Background()
	e.must(e.pay.SetMapping(ctx, backoffice, paycmd.SetMapping{ClientID: "c1", ValidFrom: "2026-01-05", Entries: []pay.Mapping{
		{Kind: pay.SourceHours, Code: "100", Loket: "1"},
		{Kind: pay.SourceExpense, Code: "parking", Loket: "21"},
		{Kind: pay.SourceAllowance, Code: "per_day", Loket: "30"}}}))
	const n = pay.MaxItemsPerEvent + 1
	for i := range n {
		if _, err := seedWorkerWeek(ctx, e, i, ts.ISOWeek{Year: 2026, Week: 5}); err != nil {
			t.Fatal(err)
		}
	}
	e.caughtUp()
	meta := payrollBot
	meta.IdempotencyKey = "export-died-between-chunks"
	exportDies(t, e, store, meta, 1)
	if v, err := e.pay.Batch(ctx, payrollBot.Actor, "c1_2026-W05_1"); err != nil || !v.Building || v.Added != pay.MaxItemsPerEvent {
		t.Fatalf("the stopped batch: %+v %v", v, err)
	}
	_, created, _, err := e.pay.CreateExport(ctx, retried(meta), paycmd.CreateExport{ClientID: "c1", Period: week5})
	if err != nil || len(created) != 1 || created[0].BatchID != "c1_2026-W05_1" || created[0].Items != n {
		t.Fatalf("retry: %+v %v", created, err)
	}
	lines := strings.Split(strings.TrimSpace(string(e.file(created[0].BatchID, payrollfile.Loket))), "\r\n")[1:]
	if len(lines) != n {
		t.Fatalf("%d rows in the file, want %d", len(lines), n)
	}
	for i, l := range lines {
		if want := fmt.Sprintf("1001;%05d;", i); !strings.HasPrefix(l, want) {
			t.Fatalf("row %d is %q, want %s…", i, l, want)
		}
	}
}

// TestExportRetriedAfterItDiedAndTheBacklogChanged: between the dead
// attempt and its retry another timesheet of the period was approved, so
// the batch as decided cannot be finished. The retry cancels it and makes
// the batch again (all three), dying on the way once more; the next retry
// finishes that batch, and a retry of the retry answers it.
func TestExportRetriedAfterItDiedAndTheBacklogChanged(t *testing.T) {
	e, store := crashingEnv(t)
	e.workedWeek5(1, "10", fullWeek)
	e.workedWeek5(2, "20", fullWeek)
	e.caughtUp()
	ctx := context.Background()
	meta := payrollBot
	meta.IdempotencyKey = "export-died-stale"
	exportDies(t, e, store, meta, 0)
	e.workedWeek5(3, "30", fullWeek)
	e.caughtUp()
	// The retry dies too, in the middle of making the batch again: the
	// next retry follows the key from the cancelled batch to the new one
	// and finishes that.
	exportDies(t, e, store, retried(meta), 0)
	if v, err := e.pay.Batch(ctx, payrollBot.Actor, "c1_2026-W05_2"); err != nil || !v.Building {
		t.Fatalf("the batch made again, stopped: %+v %v", v, err)
	}

	res, created, _, err := e.pay.CreateExport(ctx, retried(meta), paycmd.CreateExport{ClientID: "c1", Period: week5})
	if err != nil || len(created) != 1 || created[0].BatchID != "c1_2026-W05_2" || created[0].Items != 3 {
		t.Fatalf("retry: %+v %v", created, err)
	}
	if v, err := e.pay.Batch(ctx, payrollBot.Actor, "c1_2026-W05_1"); err != nil || v.Status != pay.StatusCancelled {
		t.Fatalf("the interrupted batch: %+v %v", v, err)
	}
	again, twice, _, err := e.pay.CreateExport(ctx, retried(meta), paycmd.CreateExport{ClientID: "c1", Period: week5})
	if err != nil || len(twice) != 1 || twice[0] != created[0] || again.Position != res.Position {
		t.Fatalf("the retry's retry: %+v %+v %v, want %+v %+v", twice, again, err, created, res)
	}
}

// seedWorkerWeek appends worker n of c1 (personnel number %05d) with one
// approved timesheet in week, as events.
func seedWorkerWeek(ctx context.Context, e *env, n int, week ts.ISOWeek) (eventstore.Position, error) {
	pos, err := seedWorkerWeeks(ctx, e, n, []ts.ISOWeek{week})
	if pos.After(e.last) {
		e.last = pos
	}
	return pos, err
}

// TestTwoRetriesOfADeadExportAtOnce: the form sent twice at once after the
// server died building its batch (a double click on a reload): both
// finish the same batch, appending its missing items once (the chunk's
// event IDs come from the key), and neither answers another batch.
func TestTwoRetriesOfADeadExportAtOnce(t *testing.T) {
	e, store := crashingEnv(t)
	for n := 1; n <= 4; n++ {
		e.workedWeek5(n, fmt.Sprintf("%d0", n), fullWeek)
	}
	e.caughtUp()
	ctx := context.Background()
	meta := payrollBot
	meta.IdempotencyKey = "export-died-twice"
	exportDies(t, e, store, meta, 0)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		answers []paycmd.Created
		errs    []error
	)
	start := make(chan struct{})
	for range 2 {
		wg.Go(func() {
			<-start
			_, c, _, err := e.pay.CreateExport(ctx, retried(meta), paycmd.CreateExport{ClientID: "c1", Period: week5})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			answers = append(answers, c...)
		})
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		// The loser of a race on the stream revision may be told so.
		if code(err) != "concurrent_change" && !errors.Is(err, eventstore.ErrWrongExpectedRevision) {
			t.Fatalf("a retry failed: %v", err)
		}
	}
	t.Logf("%d answered, refused: %v", len(answers), errs)
	if len(answers) == 0 {
		t.Fatalf("no retry answered: %v", errs)
	}
	for _, c := range answers {
		if c.BatchID != "c1_2026-W05_1" || c.Items != 4 {
			t.Fatalf("answers %+v", answers)
		}
	}
	v, err := e.pay.Client(ctx, payrollBot.Actor, "c1")
	if err != nil || len(v.Batches) != 1 || v.Batches[0].Added != 4 || v.Batches[0].Building {
		t.Fatalf("batches %+v %v", v.Batches, err)
	}
}
