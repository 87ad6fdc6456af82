package payroll_test

import (
	"reflect"
	"testing"

	"backoffice/domain/payroll"
	ts "backoffice/domain/timesheet"
)

func TestDelta(t *testing.T) {
	mon := ts.NewDate(2026, 1, 26)
	prev := item("p1", 5, "10", "Jan")
	prev.Lines = []payroll.ItemLine{
		{HourType: "100", Minutes: [7]int{480, 480, 480}},
		{HourType: "125", Minutes: [7]int{60}},
	}
	prev.Expenses = []payroll.ItemExpense{
		{Type: "parking", Date: mon, AmountCents: 500}, {Type: "parking", Date: mon, AmountCents: 250},
		{Type: "travel_km", Date: mon, Kilometres: 10},
	}
	prev.Allowances = payroll.ItemAllowances{PerDayCents: 1050}
	next := prev
	next.Round, next.Hash = 2, "h2"
	next.Lines = []payroll.ItemLine{
		{HourType: "100", Minutes: [7]int{480, 420, 480, 0, 0, 120}},
		{HourType: "150", Minutes: [7]int{0, 30}},
	}
	next.Expenses = []payroll.ItemExpense{{Type: "parking", Date: mon, AmountCents: 750}, {Type: "travel_km", Date: mon.AddDays(1), Kilometres: 10}}
	next.Allowances = payroll.ItemAllowances{PerDayCents: 1400}

	d := payroll.Delta(prev, next, "b1")
	want := []payroll.ItemLine{
		{HourType: "100", Minutes: [7]int{0, -60, 0, 0, 0, 120}},
		{HourType: "125", Minutes: [7]int{-60}},
		{HourType: "150", Minutes: [7]int{0, 30}},
	}
	if !reflect.DeepEqual(d.Lines, want) {
		t.Errorf("lines %+v", d.Lines)
	}
	wantX := []payroll.ItemExpense{ // parking 7,50 both times: no row
		{Type: "travel_km", Date: mon, Kilometres: -10},
		{Type: "travel_km", Date: mon.AddDays(1), Kilometres: 10},
	}
	if !reflect.DeepEqual(d.Expenses, wantX) {
		t.Errorf("expenses %+v", d.Expenses)
	}
	if d.Allowances.PerDayCents != 350 || d.Correction == nil || d.Correction.OriginalBatch != "b1" ||
		d.Correction.OriginalRound != 1 || d.Round != 2 || d.Hash != "h2" {
		t.Errorf("delta %+v", d)
	}
	// Nothing changed: no quantities at all.
	if q := payroll.Delta(prev, prev, "b1").Quantities(); len(q) != 0 {
		t.Errorf("unchanged content has quantities %+v", q)
	}
}

// A batch claims a timesheet's round: a later round (a correction) is
// exported again, the same round is not.
func TestClaimsByRound(t *testing.T) {
	x := payroll.NewExports()
	cands := []payroll.Item{item("p1", 5, "10", "A")}
	evs, err := x.CreateBatch(payrollBot, newBatch(t, "2026-W05"), cands)
	if err != nil {
		t.Fatal(err)
	}
	id := evs[0].(*payroll.BatchCreated).BatchID
	if _, err := x.Confirm(payrollBot, id); err != nil {
		t.Fatal(err)
	}
	if _, err := x.CreateBatch(payrollBot, newBatch(t, "2026-W05"), cands); code(err) != "nothing_to_export" {
		t.Fatalf("same round again: %v", err)
	}
	corr := payroll.Delta(cands[0], cands[0], id)
	corr.Round = 2
	corr.Lines = []payroll.ItemLine{{HourType: "100", Minutes: [7]int{-60}}}
	evs, err = x.CreateBatch(payrollBot, newBatch(t, "2026-W05"), []payroll.Item{corr})
	if err != nil {
		t.Fatal(err)
	}
	if b := evs[1].(*payroll.BatchItemsAdded).Items[0]; b.Correction == nil || b.Round != 2 {
		t.Fatalf("correction item %+v", b)
	}
}
