package timesheet_test

import (
	"bytes"
	"reflect"
	"testing"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
)

// fullHistory produces at least one event of every registered type.
func fullHistory(t *testing.T) []domain.Event {
	tr := trTerms()
	mon := week.Day(0)
	return history(t,
		setLine(worker, tr, "O125", days(60)),
		func(a *ts.Timesheet) ([]domain.Event, error) { return a.WipeLine(worker, tr, "O125", now) },
		setLine(worker, tr, "V", days(0, 0, 0, 0, 480)),
		addEntry(worker, tr, mon, "22:00", "06:00", 30, true),
		addEntry(worker, tr, mon.AddDays(1), "08:00", "12:00", 0, false),
		func(a *ts.Timesheet) ([]domain.Event, error) {
			return a.ChangeEntry(worker, tr, ts.AdjacentWeeks{}, 2, ts.EntryInput{Date: mon.AddDays(1), Start: clk("07:00"), End: clk("12:00")}, now)
		},
		addEntry(worker, tr, mon.AddDays(2), "08:00", "12:00", 0, false),
		func(a *ts.Timesheet) ([]domain.Event, error) {
			return a.RemoveEntry(worker, tr, ts.AdjacentWeeks{}, 3, now)
		},
		func(a *ts.Timesheet) ([]domain.Event, error) {
			return a.AddExpense(worker, tr, ts.ExpenseInput{Type: ts.ExpenseTravelKm, Date: mon, Kilometres: 12}, now)
		},
		func(a *ts.Timesheet) ([]domain.Event, error) {
			return a.AddExpense(worker, tr, ts.ExpenseInput{Type: ts.ExpenseOther, Date: mon, AmountCents: 1995, Description: "Werkschoenen \"S3\""}, now)
		},
		func(a *ts.Timesheet) ([]domain.Event, error) { return a.RemoveExpense(worker, tr, 1, now) },
		func(a *ts.Timesheet) ([]domain.Event, error) {
			return a.AddRemark(worker, tr, "Nachtdienst <maandag>", now)
		},
		offer(worker, tr),
		func(a *ts.Timesheet) ([]domain.Event, error) { return a.WithdrawOffer(worker, tr, now) },
		offer(worker, tr),
		reject(client, tr, "Pauze ontbreekt"),
		offer(worker, tr),
		approve(client, tr),
		approve(intermediary, tr),
		imported("batch-2026-05"),
		// reopen.go: a correction after import, a third round.
		func(a *ts.Timesheet) ([]domain.Event, error) { return a.Reopen(backoffice, "Correctie dinsdag", now) },
		offer(worker, tr),
		approve(client, tr),
		approve(intermediary, tr),
		imported("batch-2026-06"),
	)
}

func TestEventsRoundTrip(t *testing.T) {
	evs := fullHistory(t)
	seen := map[string]bool{}
	var decoded []domain.Event
	for _, e := range evs {
		seen[e.EventType()] = true
		if !ts.Events.Knows(e.EventType()) {
			t.Fatalf("%s not registered", e.EventType())
		}
		data, err := domain.Encode(e)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ts.Events.Decode(e.EventType(), data)
		if err != nil {
			t.Fatalf("%s: %v", e.EventType(), err)
		}
		if reflect.TypeOf(back) != reflect.TypeOf(e) {
			t.Fatalf("%s decodes to %T", e.EventType(), back)
		}
		again, _ := domain.Encode(back)
		if !bytes.Equal(data, again) {
			t.Fatalf("%s: not stable\n%s\n%s", e.EventType(), data, again)
		}
		decoded = append(decoded, back)
	}
	for _, typ := range ts.Events.Types() {
		if !seen[typ] {
			t.Errorf("registered type %s not covered by the round trip", typ)
		}
	}
	// Replaying the decoded events gives the same aggregate.
	a, b := load(t, evs), load(t, decoded)
	if a.ContentHash() != b.ContentHash() || a.Status() != b.Status() || a.DayTotals() != b.DayTotals() ||
		!reflect.DeepEqual(a.Expenses(), b.Expenses()) || !reflect.DeepEqual(a.Remarks(), b.Remarks()) ||
		!reflect.DeepEqual(a.Steps(), b.Steps()) || a.Status() != ts.StatusImported || a.Round() != 4 { // offered, withdrawn, offered, rejected, offered, reopened, offered
		t.Fatalf("replay of decoded events differs")
	}
	if len(a.Entries()) != 2 || len(b.Entries()) != 2 || a.Entries()[0].Worked.Minutes != b.Entries()[0].Worked.Minutes {
		t.Fatalf("entries differ")
	}
}

func TestEventTypeNamesAreStable(t *testing.T) {
	want := []string{
		"timesheet.approved", "timesheet.expense_added", "timesheet.expense_removed", "timesheet.imported",
		"timesheet.line_set", "timesheet.line_wiped", "timesheet.offer_withdrawn", "timesheet.offered", "timesheet.opened",
		"timesheet.rejected", "timesheet.remark_added", "timesheet.reopened", "timesheet.step_approved",
		"timesheet.time_entry_added", "timesheet.time_entry_changed", "timesheet.time_entry_removed",
	}
	if got := ts.Events.Types(); !reflect.DeepEqual(got, want) {
		t.Fatalf("registered %v", got)
	}
}

// TestApplyRefusesForeignEvents: the one aggregate convention
// (domain.Aggregate) refuses an event of another aggregate instead of
// skipping it, so a fold over the wrong stream fails loudly.
func TestApplyRefusesForeignEvents(t *testing.T) {
	a := load(t, history(t, stdLine))
	before := a.Version()
	if err := a.Apply(foreign{}); err == nil {
		t.Fatal("foreign event accepted")
	}
	if a.Version() != before || a.Status() != ts.StatusOpen {
		t.Fatal("foreign event changed the aggregate")
	}
	if _, err := domain.Replay[ts.Timesheet](foreign{}); err == nil {
		t.Fatal("Replay accepted a foreign event")
	}
}

type foreign struct{}

func (foreign) EventType() string { return "other.thing" }
