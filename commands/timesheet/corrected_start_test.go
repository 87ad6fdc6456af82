package timesheet_test

import (
	"context"
	"errors"
	"testing"

	"backoffice/commands"
	cmd "backoffice/commands/timesheet"
	"backoffice/domain"
	"backoffice/domain/client"
	"backoffice/domain/placement"
	ts "backoffice/domain/timesheet"
)

// TestCorrectedStartMovesTheWeeks: the timesheet commands fold the
// placement's stream, so a corrected start date (placement.corrected)
// decides which weeks take hours: the week before the typed start is
// refused until the start is corrected to it, and then takes hours.
func TestCorrectedStartMovesTheWeeks(t *testing.T) {
	h, store := setup(t)
	ctx := context.Background()
	w01 := cmd.Target{PlacementID: "p1", Week: ts.ISOWeek{Year: 2026, Week: 1}}
	set := func() error {
		_, err := h.SetLine(ctx, meta(worker1), cmd.SetLine{Target: w01, HourType: "100", Minutes: [7]ts.Minutes{480}})
		return err
	}
	if err := set(); !errors.Is(err, &domain.Error{Code: "week_outside_placement"}) {
		t.Fatalf("hours before the typed start: %v, want week_outside_placement", err)
	}
	p, c := &placement.Placement{}, &client.Client{}
	st, err := commands.LoadInto(ctx, store, placement.Stream("p1"), placement.Events, p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := commands.LoadInto(ctx, store, client.Stream("c1"), client.Events, c); err != nil {
		t.Fatal(err)
	}
	corrected, err := p.Correct(client1, c, placement.Correct{Start: day("2025-12-29"), Reason: "typefout"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := commands.Save(ctx, store, st, meta(client1), now, corrected...); err != nil {
		t.Fatal(err)
	}
	if err := set(); err != nil {
		t.Fatalf("hours in the corrected first week: %v", err)
	}
}
