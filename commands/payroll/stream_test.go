package payroll_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	paycmd "backoffice/commands/payroll"
	pay "backoffice/domain/payroll"
	"backoffice/domain/payroll/payrollfile"
	"backoffice/eventstore"
	"backoffice/internal/pgtest"
)

// failingItems fails the appends of item chunks while fail is set, as a
// crash or a full disk would stop a batch being made.
type failingItems struct {
	eventstore.Store
	fail atomic.Bool
}

func (f *failingItems) Append(ctx context.Context, stream string, expected eventstore.ExpectedRevision, evs ...eventstore.EventData) (eventstore.AppendResult, error) {
	if f.fail.Load() && len(evs) > 0 && evs[0].Type == pay.TypeBatchItemsAdded {
		return eventstore.AppendResult{}, errors.New("disk full")
	}
	return f.Store.Append(ctx, stream, expected, evs...)
}

// TestBatchWhoseMakingStopped: a batch is appended in chunks after its
// created event. When the chunks stop, the batch is "building": no files,
// no confirmation, no other batch of the client; cancelling it returns
// its timesheets and the next batch takes them all.
func TestBatchWhoseMakingStopped(t *testing.T) {
	ctx := context.Background()
	pool := pgtestPool(t)
	inner := pgtest.EventStore(t, pool)
	store := &failingItems{Store: inner}
	e := newEnvOn(t, store, pool)
	e.seedClient()
	e.workedWeek5(1, "10", fullWeek)
	e.workedWeek5(2, "20", fullWeek)
	e.caughtUp()

	store.fail.Store(true)
	if _, _, _, err := e.pay.CreateExport(ctx, payrollBot, paycmd.CreateExport{ClientID: "c1", Period: week5}); err == nil ||
		!strings.Contains(err.Error(), "disk full") {
		t.Fatalf("create with failing chunks: %v", err)
	}
	store.fail.Store(false)
	const stopped = "c1_2026-W05_1"
	v, err := e.pay.Batch(ctx, payrollBot.Actor, stopped)
	if err != nil || !v.Building || v.Added != 0 || v.Items != 2 {
		t.Fatalf("the stopped batch: %+v, %v", v, err)
	}
	if err := e.pay.WriteFile(ctx, payrollBot.Actor, stopped, payrollfile.Loket, &bytes.Buffer{}, nil); code(err) != "batch_building" {
		t.Fatalf("files of a building batch: %v", err)
	}
	if _, _, _, err := e.pay.ConfirmExport(ctx, payrollBot, paycmd.ConfirmExport{BatchID: stopped}); code(err) != "batch_building" {
		t.Fatalf("confirm a building batch: %v", err)
	}
	week6 := week5
	week6.Number = 6
	if _, _, _, err := e.pay.CreateExport(ctx, payrollBot, paycmd.CreateExport{ClientID: "c1", Period: week6}); code(err) != "batch_building" {
		t.Fatalf("another period while one is building: %v", err)
	}
	if _, err := e.pay.CancelExport(ctx, payrollBot, paycmd.CancelExport{BatchID: stopped, Reason: "stopped halfway"}); err != nil {
		t.Fatal(err)
	}
	if err := e.pay.WriteFile(ctx, payrollBot.Actor, stopped, payrollfile.JSONL, &bytes.Buffer{}, nil); code(err) != "batch_incomplete" {
		t.Fatalf("files of the cancelled stopped batch: %v", err)
	}
	_, created, _, err := e.pay.CreateExport(ctx, payrollBot, paycmd.CreateExport{ClientID: "c1", Period: week5})
	if err != nil || created[0].Items != 2 {
		t.Fatalf("after cancelling: %+v %v", created, err)
	}
	if f := string(e.file(created[0].BatchID, payrollfile.Loket)); !strings.Contains(f, "1001;10;") || !strings.Contains(f, "1001;20;") {
		t.Fatalf("the new batch's file:\n%s", f)
	}
}

// TestStreamedFileOrder: the backlog is streamed in the order Go sorts the
// items (bytewise personnel number, week, placement), whatever the
// database's collation; the plan refuses any other order, so a mismatch
// fails the export.
func TestStreamedFileOrder(t *testing.T) {
	e := newEnv(t)
	persnrs := []string{"b2", "B10", "a-1", "A_1", "10", "9"}
	for i, p := range persnrs {
		e.workedWeek5(i+1, p, fullWeek)
	}
	e.caughtUp()
	_, created, _, err := e.pay.CreateExport(context.Background(), payrollBot, paycmd.CreateExport{ClientID: "c1", Period: week5})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(string(e.file(created[0].BatchID, payrollfile.Loket))), "\r\n")[1:] {
		got = append(got, strings.Split(line, ";")[1])
	}
	if strings.Join(got, " ") != "10 9 A_1 B10 a-1 b2" {
		t.Fatalf("file order %v", got)
	}
}

// TestExportKeySentAgain: an export request sent again with the same
// idempotency key after its batch was cancelled does not answer with the
// cancelled batch, nor append items to it: it is refused (409).
func TestExportKeySentAgain(t *testing.T) {
	e := newEnv(t)
	e.workedWeek5(1, "10", fullWeek)
	e.caughtUp()
	ctx := context.Background()
	keyed := payrollBot
	keyed.IdempotencyKey = "form-1"
	_, created, _, err := e.pay.CreateExport(ctx, keyed, paycmd.CreateExport{ClientID: "c1", Period: week5})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.pay.CancelExport(ctx, payrollBot, paycmd.CancelExport{BatchID: created[0].BatchID}); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := e.pay.CreateExport(ctx, keyed, paycmd.CreateExport{ClientID: "c1", Period: week5}); !errors.Is(err, eventstore.ErrWrongExpectedRevision) {
		t.Fatalf("the same key again: %v", err)
	}
	c, err := e.pay.Client(ctx, payrollBot.Actor, "c1")
	if err != nil || len(c.Batches) != 1 || c.Batches[0].Status != pay.StatusCancelled || c.Batches[0].Added != 1 {
		t.Fatalf("batches: %+v %v", c.Batches, err)
	}
	// A new key makes the new batch.
	keyed.IdempotencyKey = "form-2"
	if _, created, _, err := e.pay.CreateExport(ctx, keyed, paycmd.CreateExport{ClientID: "c1", Period: week5}); err != nil || created[0].BatchID != "c1_2026-W05_2" {
		t.Fatalf("new key: %+v %v", created, err)
	}
}
