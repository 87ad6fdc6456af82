package timesheet_test

import (
	"context"
	"errors"
	"testing"

	"backoffice/commands"
	cmd "backoffice/commands/timesheet"
	"backoffice/domain"
	"backoffice/domain/placement"
	ts "backoffice/domain/timesheet"
)

// TestDecisionsAfterARetroactiveEnd: a placement ended (in data recorded
// before ending was refused while hours lie after the end) with a date
// before an offered week must not get those hours approved and paid:
// approval is refused with hours_outside_placement (issue 11 §1), the
// approver can still reject the timesheet, and nobody can enter new hours
// in the week.
func TestDecisionsAfterARetroactiveEnd(t *testing.T) {
	h, store := setup(t)
	ctx := context.Background()
	tgt := cmd.Target{PlacementID: "p1", Week: w05}
	if _, err := h.SetLine(ctx, meta(worker1), cmd.SetLine{Target: tgt, HourType: "100", Minutes: [7]ts.Minutes{480, 480}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Offer(ctx, meta(worker1), cmd.Offer{Target: tgt}); err != nil {
		t.Fatal(err)
	}
	// The client ends the placement on the Friday before week 5.
	p := &placement.Placement{}
	if err := p.Apply(&placement.Started{PlacementID: "p1", WorkerID: "w1", ClientID: "c1", IntermediaryID: "i1",
		Function: "Bakker", Start: day("2026-01-05")}); err != nil {
		t.Fatal(err)
	}
	evs, err := p.End(client1, day("2026-01-23"), "contract beëindigd", now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := commands.Save(ctx, store, commands.Stream{Name: placement.Stream("p1"), Exists: true}, meta(client1), now, evs...); err != nil {
		t.Fatal(err)
	}

	other := cmd.Target{PlacementID: "p1", Week: ts.ISOWeek{Year: 2026, Week: 6}}
	if _, err := h.SetLine(ctx, meta(worker1), cmd.SetLine{Target: other, HourType: "100", Minutes: [7]ts.Minutes{60}}); !errors.Is(err, &domain.Error{Code: "week_outside_placement"}) {
		t.Fatalf("entering hours after the end: %v, want week_outside_placement", err)
	}
	if _, err := h.Approve(ctx, meta(client1), cmd.Approve{Target: tgt}); !errors.Is(err, &domain.Error{Code: "hours_outside_placement"}) {
		t.Fatalf("approving hours after the end: %v, want hours_outside_placement", err)
	}
	if _, err := h.Reject(ctx, meta(client1), cmd.Reject{Target: tgt, Reason: "na het einde van de plaatsing"}); err != nil {
		t.Fatalf("the client cannot reject the offered week any more: %v", err)
	}
}
