package payroll_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"

	paycmd "backoffice/commands/payroll"
	tscmd "backoffice/commands/timesheet"
	pay "backoffice/domain/payroll"
	"backoffice/domain/payroll/payrollfile"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	"backoffice/http/httpx"
	"backoffice/internal/pgtest"
)

var fullWeek = [7]ts.Minutes{480, 480, 480, 480, 480}

// Two creations for the same client and period at the same moment: one
// wins, the other gets a 409, and no timesheet is in two batches. Repeated
// over fresh periods so the race is really run.
func TestConcurrentCreations(t *testing.T) {
	e := newEnv(t)
	for n := 1; n <= 3; n++ {
		e.worker(n, "10"+string(rune('0'+n)))
	}
	ctx := context.Background()
	for week := 2; week <= 5; week++ {
		for n := 1; n <= 3; n++ {
			e.approve(n, week, fullWeek)
		}
		e.caughtUp()
		period := week5
		period.Number = week
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			won     []paycmd.Created
			refused []error
		)
		start := make(chan struct{})
		for range 2 {
			wg.Go(func() {
				<-start
				_, c, _, err := e.pay.CreateExport(ctx, payrollBot, paycmd.CreateExport{ClientID: "c1", Period: period})
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					refused = append(refused, err)
					return
				}
				won = append(won, c...)
			})
		}
		close(start)
		wg.Wait()
		if len(won) != 1 || len(refused) != 1 {
			t.Fatalf("week %d: %d won, refused %v", week, len(won), refused)
		}
		if st := httpx.Status(refused[0]); st != 409 {
			t.Fatalf("week %d: loser got %d (%v), want 409", week, st, refused[0])
		}
		if won[0].Items != 3 {
			t.Fatalf("week %d: the winner has %d timesheets", week, won[0].Items)
		}
		// The ledger holds one batch of the period with each timesheet once.
		v, err := e.pay.Client(ctx, payrollBot.Actor, "c1")
		if err != nil {
			t.Fatal(err)
		}
		batches := 0
		for _, b := range v.Batches {
			if b.Period == period.String() {
				batches++
			}
		}
		if batches != 1 {
			t.Fatalf("week %d: %d batches", week, batches)
		}
	}
}

// Confirm marks the timesheets imported (the existing mark-imported path);
// cancel before confirmation returns them to the backlog; confirmed is
// final; files do not change after confirmation.
func TestCancelConfirm(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.workedWeek5(1, "101", fullWeek)
	e.workedWeek5(2, "", [7]ts.Minutes{0, 0, 0, 0, 0, 20})
	e.caughtUp()

	backlog := func() (int, []paycmd.MissingWorker) {
		t.Helper()
		v, err := e.pay.Backlog(ctx, backoffice.Actor, "c1", week5)
		if err != nil {
			t.Fatal(err)
		}
		return len(v.Timesheets), v.Missing
	}
	if n, missing := backlog(); n != 2 || len(missing) != 1 || missing[0].WorkerID != "w2" || missing[0].Name != "Werker 2" {
		t.Fatalf("backlog: %d %+v", n, missing)
	}
	_, _, _, err := e.pay.CreateExport(ctx, payrollBot, paycmd.CreateExport{ClientID: "c1", Period: week5})
	if code(err) != "personnel_number_missing" || !strings.Contains(err.Error(), "Werker 2 (w2)") || strings.Contains(err.Error(), "(w1)") {
		t.Fatalf("missing persnr: %v", err)
	}
	e.must(e.pay.SetPersonnelNumber(ctx, backoffice, paycmd.SetPersonnelNumber{WorkerID: "w2", Administration: "1001", PersonnelNumber: "102"}))

	_, first, _, err := e.pay.CreateExport(ctx, payrollBot, paycmd.CreateExport{ClientID: "c1", Period: week5})
	if err != nil {
		t.Fatal(err)
	}
	loket := e.file(first[0].BatchID, payrollfile.Loket)
	if want := "aanslnr;persnr;ploeg;1\r\n1001;101;;40,00\r\n1001;102;;0,33\r\n"; string(loket) != want {
		t.Fatalf("loket %q", loket)
	}
	if n, missing := backlog(); n != 0 || len(missing) != 0 {
		t.Fatalf("backlog with an open batch: %d %+v", n, missing)
	}
	e.must(e.pay.CancelExport(ctx, backoffice, paycmd.CancelExport{BatchID: first[0].BatchID, Reason: "verkeerde koppeling"}))
	if n, _ := backlog(); n != 2 {
		t.Fatalf("backlog after cancel: %d", n)
	}
	if _, _, _, err := e.pay.ConfirmExport(ctx, payrollBot, paycmd.ConfirmExport{BatchID: first[0].BatchID}); code(err) != "batch_cancelled" {
		t.Fatalf("confirm cancelled: %v", err)
	}

	// Back in the backlog: a new batch takes the same two timesheets.
	_, second, _, err := e.pay.CreateExport(ctx, payrollBot, paycmd.CreateExport{ClientID: "c1", Period: week5})
	if err != nil || second[0].Items != 2 || second[0].BatchID == first[0].BatchID {
		t.Fatalf("after cancel: %+v %v", second, err)
	}
	batch := second[0].BatchID
	before := map[payrollfile.Format][]byte{}
	for _, f := range payrollfile.Formats {
		before[f] = e.file(batch, f)
	}

	// One timesheet was reported imported through the feed in another batch
	// meanwhile: confirm reports it and marks the other.
	target := tscmd.Target{PlacementID: "p2", Week: ts.ISOWeek{Year: 2026, Week: 5}}
	e.must(e.ts.MarkImported(ctx, payrollBot, tscmd.MarkImported{Target: target, ImportBatch: "handmatig"}))
	res, marked, failed, err := e.pay.ConfirmExport(ctx, payrollBot, paycmd.ConfirmExport{BatchID: batch})
	if err != nil || marked != 1 || len(failed) != 1 || failed[0].Placement != "p2" || code(failed[0].Err) != "already_imported" {
		t.Fatalf("confirm: marked %d failed %+v err %v", marked, failed, err)
	}
	e.must(res, nil)
	// A retried confirmation appends nothing and changes nothing.
	if _, marked, _, err := e.pay.ConfirmExport(ctx, payrollBot, paycmd.ConfirmExport{BatchID: batch}); err != nil || marked != 1 {
		t.Fatalf("confirm again: %d %v", marked, err)
	}
	if _, err := e.pay.CancelExport(ctx, backoffice, paycmd.CancelExport{BatchID: batch}); code(err) != "batch_confirmed" {
		t.Fatalf("cancel confirmed: %v", err)
	}
	e.caughtUp()
	if _, _, _, err := e.pay.CreateExport(ctx, payrollBot, paycmd.CreateExport{ClientID: "c1", Period: week5}); code(err) != "nothing_to_export" {
		t.Fatalf("after confirm: %v", err)
	}
	for f, b := range before {
		if !bytes.Equal(e.file(batch, f), b) {
			t.Errorf("%s changed after confirmation", f)
		}
	}
}

// Replaying the ledger reproduces every file byte for byte: a second
// application on a copy of the events (a new store and database with the
// same events appended in order, its feed rebuilt from them) writes the
// same files.
func TestReplayReproducesFiles(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for n := 1; n <= 3; n++ {
		e.workedWeek5(n, "20"+string(rune('0'+n)), [7]ts.Minutes{ts.Minutes(400 + n), 0, 17, 0, 480})
	}
	e.caughtUp()
	_, c, _, err := e.pay.CreateExport(ctx, payrollBot, paycmd.CreateExport{ClientID: "c1", Period: week5})
	if err != nil {
		t.Fatal(err)
	}
	batch := c[0].BatchID

	pool := pgtestPool(t)
	copyStore := pgtest.EventStore(t, pool)
	recs, err := e.store.ReadAll(ctx, eventstore.Start, 100000)
	if err != nil {
		t.Fatal(err)
	}
	revs := map[string]bool{}
	for _, r := range recs {
		exp := eventstore.NoStream()
		if revs[r.Stream] {
			exp = eventstore.Any()
		}
		revs[r.Stream] = true
		if _, err := copyStore.Append(ctx, r.Stream, exp, eventstore.EventData{ID: r.ID, Type: r.Type, Data: r.Data, Metadata: r.Metadata}); err != nil {
			t.Fatal(err)
		}
	}
	replayed := newEnvOn(t, copyStore, pool) // the copy's feed is projected from the copied events
	replayed.last = recs[len(recs)-1].Position
	replayed.caughtUp()
	copyPay := replayed.pay
	for _, f := range payrollfile.Formats {
		var a, b bytes.Buffer
		if err := e.pay.WriteFile(ctx, payrollBot.Actor, batch, f, &a, nil); err != nil {
			t.Fatal(err)
		}
		if err := copyPay.WriteFile(ctx, payrollBot.Actor, batch, f, &b, nil); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s differs after replay", f)
		}
	}
}

// An export of all clients makes a batch per client whose payroll period
// is of the period's kind, passes the others over and lists the clients it
// could not export with their error.
func TestExportAllClients(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.seedClientAs("c2", pay.PeriodMonth)
	e.seedClientAs("c3", pay.PeriodWeek)
	e.workerAt(1, "c1", "101")
	e.workerAt(2, "c2", "102")
	e.workerAt(3, "c3", "")
	for n, c := range map[int]string{1: "c1", 2: "c2", 3: "c3"} {
		e.approveAt(n, 5, c, fullWeek)
	}
	e.caughtUp()
	_, created, skipped, err := e.pay.CreateExport(ctx, payrollBot, paycmd.CreateExport{Period: week5})
	if err != nil {
		t.Fatal(err)
	}
	if len(created) != 1 || created[0].ClientID != "c1" || created[0].Items != 1 {
		t.Fatalf("created %+v", created)
	}
	if len(skipped) != 1 || skipped[0].ClientID != "c3" || code(skipped[0].Error) != "personnel_number_missing" {
		t.Fatalf("skipped %+v", skipped)
	}
}

// TestExportRetriedAfterALostAnswer: an export made under an idempotency
// key whose answer was lost (kill -9 before it was stored) is retried with
// meta.Retry (the API took the claim over): it answers the batch the first
// attempt made, not 409 batch_open for that very batch. Once the batch is
// cancelled the same request is no retry of it any more: refused as before.
func TestExportRetriedAfterALostAnswer(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.workedWeek5(1, "101", fullWeek)
	e.caughtUp()
	meta := payrollBot
	meta.IdempotencyKey, meta.Command = "export-lost-answer", "POST /payroll/exports c1 2026-W05"
	first, created, _, err := e.pay.CreateExport(ctx, meta, paycmd.CreateExport{ClientID: "c1", Period: week5})
	if err != nil || len(created) != 1 {
		t.Fatalf("first attempt: %v %v", created, err)
	}
	meta.Retry = true
	again, retried, _, err := e.pay.CreateExport(ctx, meta, paycmd.CreateExport{ClientID: "c1", Period: week5})
	if err != nil || len(retried) != 1 || retried[0] != created[0] || again.Position != first.Position {
		t.Fatalf("retry: %+v %v %v, want %+v", retried, again, err, created)
	}
	if _, err := e.pay.CancelExport(ctx, payrollBot, paycmd.CancelExport{BatchID: created[0].BatchID, Reason: "test"}); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := e.pay.CreateExport(ctx, meta, paycmd.CreateExport{ClientID: "c1", Period: week5}); err == nil {
		t.Fatal("the same request after its batch was cancelled answered the cancelled batch")
	}
}

// TestConfirmAndCancelRetriedAfterALostAnswer: confirming or cancelling a
// batch, retried under its key after the answer was lost, answers the
// first attempt's result (the domain decides nothing for a batch confirmed
// or cancelled already, and commands.Save under meta.Retry answers the
// key's events); the confirmation's retry goes on marking the timesheets
// (the first attempt may have died before marking them all).
func TestConfirmAndCancelRetriedAfterALostAnswer(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.workedWeek5(1, "101", fullWeek)
	e.caughtUp()
	_, created, _, err := e.pay.CreateExport(ctx, payrollBot, paycmd.CreateExport{ClientID: "c1", Period: week5})
	if err != nil {
		t.Fatal(err)
	}
	cancel := payrollBot
	cancel.IdempotencyKey, cancel.Command = "cancel-lost-answer", "POST cancel"
	first, err := e.pay.CancelExport(ctx, cancel, paycmd.CancelExport{BatchID: created[0].BatchID, Reason: "fout"})
	if err != nil {
		t.Fatal(err)
	}
	cancel.Retry = true
	if again, err := e.pay.CancelExport(ctx, cancel, paycmd.CancelExport{BatchID: created[0].BatchID, Reason: "fout"}); err != nil || again != first {
		t.Fatalf("cancel retried: %+v %v, want %+v", again, err, first)
	}

	_, created, _, err = e.pay.CreateExport(ctx, payrollBot, paycmd.CreateExport{ClientID: "c1", Period: week5})
	if err != nil {
		t.Fatal(err)
	}
	confirm := payrollBot
	confirm.IdempotencyKey, confirm.Command = "confirm-lost-answer", "POST confirm"
	res, marked, failed, err := e.pay.ConfirmExport(ctx, confirm, paycmd.ConfirmExport{BatchID: created[0].BatchID})
	if err != nil || marked != 1 || len(failed) != 0 {
		t.Fatalf("confirm: %d marked, %v, %v", marked, failed, err)
	}
	confirm.Retry = true
	again, markedAgain, failedAgain, err := e.pay.ConfirmExport(ctx, confirm, paycmd.ConfirmExport{BatchID: created[0].BatchID})
	if err != nil || again != res || markedAgain != marked || len(failedAgain) != 0 {
		t.Fatalf("confirm retried: %+v %d %v %v, want %+v %d", again, markedAgain, failedAgain, err, res, marked)
	}
}
