package timesheet_test

import (
	"testing"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
)

// TestEntryRefusalsNameTheOtherEntry: an overlap names the entry already
// there, not the one being added or changed (whichever starts first), and
// a day over 24 hours that a continuous shift causes by running on to the
// next entry says so.
func TestEntryRefusalsNameTheOtherEntry(t *testing.T) {
	tr := trTerms()
	mon, sun := week.Day(0), week.Day(6)
	change := func(id int, d ts.Date, start, end string) cmd {
		return func(a *ts.Timesheet) ([]domain.Event, error) {
			return a.ChangeEntry(worker, tr, ts.AdjacentWeeks{}, id, ts.EntryInput{Date: d, Start: clk(start), End: clk(end)}, now)
		}
	}
	tests := []struct {
		name      string
		given     []cmd
		when      cmd
		code      string
		nl, en    string
		wantField string
	}{
		{"new entry starts later", []cmd{addEntry(worker, tr, mon, "08:00", "12:00", 0, false)}, addEntry(worker, tr, mon, "08:07", "10:00", 0, false),
			"entries_overlap", "Deze regel overlapt met de regel van maandag 26-01-2026 08:00–12:00.", "This entry overlaps the entry of Monday 2026-01-26 08:00–12:00.", "start"},
		{"new entry starts earlier", []cmd{addEntry(worker, tr, mon, "08:00", "12:00", 0, false)}, addEntry(worker, tr, mon, "07:00", "09:00", 0, false),
			"entries_overlap", "Deze regel overlapt met de regel van maandag 26-01-2026 08:00–12:00.", "This entry overlaps the entry of Monday 2026-01-26 08:00–12:00.", "start"},
		{"changed entry runs into the next", []cmd{addEntry(worker, tr, mon, "08:00", "12:00", 0, false), addEntry(worker, tr, mon, "13:00", "14:00", 0, false)},
			change(1, mon, "08:00", "13:30"),
			"entries_overlap", "Deze regel overlapt met de regel van maandag 26-01-2026 13:00–14:00.", "This entry overlaps the entry of Monday 2026-01-26 13:00–14:00.", "start"},
		{"continuous shift runs on for days", []cmd{addEntry(worker, tr, sun, "01:00", "04:00", 0, false)}, addEntry(worker, tr, mon, "08:00", "12:00", 0, true),
			"day_over_24h",
			"De doorlopende dienst van maandag 08:00 loopt door tot de volgende regel (zondag 01-02-2026 01:00); zo staat er op maandag meer dan 24 uur. Zet 'Doorlopende dienst' uit of vul eerst de diensten daartussen in.",
			"The continuous shift of Monday 08:00 runs on to the next entry (Sunday 2026-02-01 01:00), which puts more than 24 hours on Monday. Untick continuous shift or enter the shifts in between first.",
			"mon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &ts.Timesheet{}
			do(t, a, tt.given...)
			evs, err := tt.when(a)
			de, ok := err.(*domain.Error)
			if !ok || len(evs) != 0 {
				t.Fatalf("events %v, err %v", evs, err)
			}
			if de.Code != tt.code || de.MessageNL != tt.nl || de.Message != tt.en || de.Field != tt.wantField {
				t.Fatalf("got %s (%s)\n nl %q\n en %q", de.Code, de.Field, de.MessageNL, de.Message)
			}
		})
	}
}

// TestBreakMessageNamesTheShift: a break as long as a 24-hour shift is
// refused with the shift's length and the entry's start.
func TestBreakMessageNamesTheShift(t *testing.T) {
	_, err := (&ts.Timesheet{}).AddEntry(worker, trTerms(), ts.AdjacentWeeks{},
		ts.EntryInput{Date: week.Day(0), Start: clk("00:00"), End: clk("00:00"), Shift24h: true, Break: 1440}, now)
	de, ok := err.(*domain.Error)
	if !ok || de.Code != "break_exceeds_shift" || de.Field != "break" ||
		de.MessageNL != "De pauze moet korter zijn dan de dienst van 1440 minuten (26-01-2026 00:00)" {
		t.Fatalf("%#v", err)
	}
}
