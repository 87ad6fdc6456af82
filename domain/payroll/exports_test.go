package payroll_test

import (
	"strings"
	"testing"

	"backoffice/domain"
	"backoffice/domain/payroll"
	ts "backoffice/domain/timesheet"
)

var weekly = payroll.Settings{Administration: "1001", Period: payroll.PeriodWeek, Package: payroll.TargetLoket}

var hoursOnly = []payroll.Mapping{{Kind: payroll.SourceHours, Code: "100", Loket: "1"}}

func item(placement string, week int, persnr, name string) payroll.Item {
	return payroll.Item{Placement: placement, Week: ts.ISOWeek{Year: 2026, Week: week}, WorkerID: "w-" + placement,
		PersonnelNumber: persnr, Name: name, Hash: "h-" + placement, Round: 1,
		Lines: []payroll.ItemLine{{HourType: "100", Minutes: [7]int{480, 480}}}}
}

func newBatch(t *testing.T, period string) payroll.NewBatch {
	t.Helper()
	p, err := payroll.ParsePeriod(period)
	if err != nil {
		t.Fatal(err)
	}
	return payroll.NewBatch{ClientID: "c1", Period: p, Settings: weekly, Mapping: hoursOnly}
}

func TestCreateBatch(t *testing.T) {
	x := payroll.NewExports()
	cands := []payroll.Item{item("p2", 5, "20", "B"), item("p1", 5, "10", "A"), item("p3", 6, "30", "C")}
	evs, err := x.CreateBatch(payrollBot, newBatch(t, "2026-W05"), cands)
	if err != nil {
		t.Fatal(err)
	}
	created := evs[0].(*payroll.BatchCreated)
	if created.BatchID != "c1_2026-W05_1" || created.Items != 2 || strings.Join(created.Sources, ",") != "hours:100" {
		t.Fatalf("created %+v", created)
	}
	items := evs[1].(*payroll.BatchItemsAdded).Items
	if len(items) != 2 || items[0].PersonnelNumber != "10" || items[1].PersonnelNumber != "20" {
		t.Fatalf("items not the week's in persnr order: %+v", items)
	}
	if b, _ := x.Claimed(item("p1", 5, "", "").Key(), 1); b != created.BatchID {
		t.Fatal("p1 not claimed")
	}
	if _, ok := x.Claimed(item("p3", 6, "", "").Key(), 1); ok {
		t.Fatal("week 6 claimed by a week-5 batch")
	}

	// While it is open, no second batch of the period.
	if _, err := x.CreateBatch(payrollBot, newBatch(t, "2026-W05"), cands); code(err) != "batch_open" {
		t.Fatalf("second open batch: %v", err)
	}
	// Another period is fine.
	if _, err := x.CreateBatch(backoffice, newBatch(t, "2026-W06"), cands); err != nil {
		t.Fatal(err)
	}
	// Cancel returns the timesheets to the backlog; a new batch takes them.
	if _, err := x.Cancel(backoffice, created.BatchID, "wrong mapping"); err != nil {
		t.Fatal(err)
	}
	if _, ok := x.Claimed(item("p1", 5, "", "").Key(), 1); ok {
		t.Fatal("cancelled batch still claims")
	}
	evs, err = x.CreateBatch(payrollBot, newBatch(t, "2026-W05"), cands)
	if err != nil {
		t.Fatal(err)
	}
	second := evs[0].(*payroll.BatchCreated).BatchID
	if second != "c1_2026-W05_3" {
		t.Fatalf("second batch %s", second)
	}
	if _, err := x.Confirm(payrollBot, created.BatchID); code(err) != "batch_cancelled" {
		t.Fatalf("confirm cancelled: %v", err)
	}
	if _, err := x.Confirm(payrollBot, second); err != nil {
		t.Fatal(err)
	}
	if evs, err := x.Confirm(payrollBot, second); err != nil || len(evs) != 0 {
		t.Fatalf("confirm again: %v %v", evs, err)
	}
	if _, err := x.Cancel(backoffice, second, ""); code(err) != "batch_confirmed" {
		t.Fatalf("cancel confirmed: %v", err)
	}
	// Everything of the week is exported: nothing left.
	if _, err := x.CreateBatch(payrollBot, newBatch(t, "2026-W05"), cands); code(err) != "nothing_to_export" {
		t.Fatalf("nothing left: %v", err)
	}
	// A late approval of the week goes into a new batch that includes the confirmed one.
	evs, err = x.CreateBatch(payrollBot, newBatch(t, "2026-W05"), append(cands, item("p4", 5, "40", "D")))
	if err != nil {
		t.Fatal(err)
	}
	if c := evs[0].(*payroll.BatchCreated); c.Items != 1 || strings.Join(c.Includes, ",") != second {
		t.Fatalf("late batch %+v", c)
	}
}

func TestCreateBatchRefusals(t *testing.T) {
	x := payroll.NewExports()
	if _, err := x.CreateBatch(client1, newBatch(t, "2026-W05"), []payroll.Item{item("p1", 5, "1", "A")}); code(err) != "forbidden" {
		t.Fatalf("client: %v", err)
	}
	if _, err := x.CreateBatch(backoffice, newBatch(t, "2026-05"), []payroll.Item{item("p1", 19, "1", "A")}); code(err) != "period_kind_mismatch" {
		t.Fatalf("month for a weekly client: %v", err)
	}
	_, err := x.CreateBatch(backoffice, newBatch(t, "2026-W05"), []payroll.Item{
		item("p1", 5, "", "Jan Jansen"), item("p2", 5, "7", "Piet"), item("p3", 5, "", "Anna de Vries")})
	if code(err) != "personnel_number_missing" {
		t.Fatalf("persnr: %v", err)
	}
	msg := err.(*domain.Error).Message
	if !strings.Contains(msg, "Jan Jansen (w-p1)") || !strings.Contains(msg, "Anna de Vries (w-p3)") || strings.Contains(msg, "Piet") {
		t.Fatalf("does not name exactly the workers without a number: %s", msg)
	}
	it := item("p1", 5, "1", "A")
	it.Lines = append(it.Lines, payroll.ItemLine{HourType: "125", Minutes: [7]int{60}})
	it.Expenses = []payroll.ItemExpense{{Type: "parking", Date: ts.NewDate(2026, 1, 26), AmountCents: 750}}
	_, err = x.CreateBatch(backoffice, newBatch(t, "2026-W05"), []payroll.Item{it})
	if code(err) != "mapping_incomplete" || !strings.Contains(err.Error(), "expense:parking, hours:125") {
		t.Fatalf("mapping: %v", err)
	}
	if len(x.Batches()) != 0 {
		t.Fatal("a refused creation left a batch")
	}
}

// A batch larger than one event's cap is split into chunks in one decision.
func TestCreateBatchChunks(t *testing.T) {
	var cands []payroll.Item
	for i := range 2*payroll.MaxItemsPerEvent + 1 {
		cands = append(cands, item(sprintf("p%05d", i), 5, sprintf("%05d", i), "X"))
	}
	x := payroll.NewExports("c1_2026-W05_1")
	evs, err := x.CreateBatch(payrollBot, newBatch(t, "2026-W05"), cands)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 4 {
		t.Fatalf("%d events", len(evs))
	}
	b, _ := x.Batch("c1_2026-W05_1")
	if len(b.Items) != len(cands) || b.Created.Items != len(cands) {
		t.Fatalf("items %d", len(b.Items))
	}
}
