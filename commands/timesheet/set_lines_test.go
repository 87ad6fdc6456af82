package timesheet_test

import (
	"context"
	"errors"
	"testing"

	cmd "backoffice/commands/timesheet"
	"backoffice/domain"
	ts "backoffice/domain/timesheet"
)

// TestSetLinesAllOrNothing: the grid's save is one command; an error on
// line 2 leaves line 1 as it was in the store.
func TestSetLinesAllOrNothing(t *testing.T) {
	ctx := context.Background()
	h, store := setup(t)
	five := cmd.Target{PlacementID: "p1", Week: w05}
	if _, err := h.SetLine(ctx, meta(worker1), cmd.SetLine{Target: five, HourType: "100", Minutes: [7]ts.Minutes{480}}); err != nil {
		t.Fatal(err)
	}
	before := sheetOf(t, store, five)
	_, err := h.SetLines(ctx, meta(worker1), cmd.SetLines{Target: five, Lines: []ts.LineInput{
		{HourType: "100", Minutes: [7]ts.Minutes{420}},
		{HourType: "125", Minutes: [7]ts.Minutes{0, 25 * 60}},
	}})
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != "day_over_24h" || de.Field != "tue" {
		t.Fatalf("err = %v, want day_over_24h on tue", err)
	}
	after := sheetOf(t, store, five)
	if after.Version() != before.Version() {
		t.Fatalf("a refused batch appended %d events", after.Version()-before.Version())
	}
	if l, _ := after.Line("100"); l.Minutes[0] != 480 {
		t.Fatalf("line 100 changed to %v", l.Minutes)
	}

	res, err := h.SetLines(ctx, meta(worker1), cmd.SetLines{Target: five, Lines: []ts.LineInput{
		{HourType: "100", Minutes: [7]ts.Minutes{420}},
		{HourType: "125", Minutes: [7]ts.Minutes{60, 90}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	after = sheetOf(t, store, five)
	l100, _ := after.Line("100")
	l125, _ := after.Line("125")
	if l100.Minutes[0] != 420 || l125.Minutes != [7]ts.Minutes{60, 90} || after.Version() != before.Version()+2 {
		t.Fatalf("after the batch: 100 %v, 125 %v, %d events", l100.Minutes, l125.Minutes, after.Version()-before.Version())
	}
	if res.Position.IsStart() {
		t.Fatal("no position")
	}
}
