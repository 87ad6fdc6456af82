package timesheet_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
)

// TestAutumnClockChangeExplainsTheDayOver24h: in the night to Sunday 25
// October 2026 the clocks go back (03:00 → 02:00), so a 24-hour shift of
// Saturday 08:00–08:00 lasts 25 hours, as do two shifts of Sunday
// 00:00–12:00 and 12:00–00:00. A day holds at most 24 booked hours
// (payroll's bound too), so these are refused; the refusal names the clock
// change and the minutes to take off instead of "more than 24 hours",
// which the user who typed 24 hours could not make sense of. The same
// shifts in an ordinary week pass, and a night shift over the change
// counts its 9 real hours.
func TestAutumnClockChangeExplainsTheDayOver24h(t *testing.T) {
	terms := trTerms()
	terms.Week = ts.WeekOf(ts.NewDate(2026, 10, 25))
	after := time.Date(2026, 10, 26, 12, 0, 0, 0, ams)
	add := func(a *ts.Timesheet, in ts.EntryInput) error {
		_, err := a.AddEntry(worker, terms, ts.AdjacentWeeks{}, in, after)
		return err
	}
	sat, sun := ts.NewDate(2026, 10, 24), ts.NewDate(2026, 10, 25)

	for _, tt := range []struct {
		name   string
		before []ts.EntryInput
		in     ts.EntryInput
		field  string
		nl     string
	}{
		{name: "24-hour shift over the change", in: ts.EntryInput{Date: sat, Start: clk("08:00"), End: clk("08:00"), Shift24h: true},
			field: "sat", nl: "In de nacht naar zondag 25-10-2026 gaat de klok een uur terug; daardoor duren de diensten van zaterdag samen 25:00 uur. Per dag kan hoogstens 24 uur worden geboekt: maak een dienst 60 minuten korter."},
		{name: "the 25-hour Sunday", before: []ts.EntryInput{{Date: sun, Start: clk("00:00"), End: clk("12:00")}},
			in: ts.EntryInput{Date: sun, Start: clk("12:00"), End: clk("00:00")}, field: "sun", nl: "de diensten van zondag samen 25:00 uur"},
	} {
		a := &ts.Timesheet{}
		for _, in := range tt.before {
			if err := add(a, in); err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
		}
		err := add(a, tt.in)
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != "day_over_24h" || de.Field != tt.field {
			t.Fatalf("%s: err = %v, want day_over_24h on %s", tt.name, err, tt.field)
		}
		if !strings.Contains(de.MessageNL, tt.nl) || !strings.Contains(de.Message, "clocks go back an hour") {
			t.Errorf("%s: messages %q / %q, want the clock change named (%q)", tt.name, de.Message, de.MessageNL, tt.nl)
		}
	}

	a := &ts.Timesheet{}
	if err := add(a, ts.EntryInput{Date: sat, Start: clk("22:00"), End: clk("06:00")}); err != nil {
		t.Fatal(err)
	}
	if w := a.Worked(); len(w) != 1 || w[0].Minutes != 540 {
		t.Errorf("night shift over the change: %+v, want 540 minutes", w)
	}
	plain := trTerms()
	plain.Week = ts.WeekOf(ts.NewDate(2026, 10, 17))
	if _, err := (&ts.Timesheet{}).AddEntry(worker, plain, ts.AdjacentWeeks{}, ts.EntryInput{Date: ts.NewDate(2026, 10, 17), Start: clk("08:00"), End: clk("08:00"), Shift24h: true}, after); err != nil {
		t.Errorf("a 24-hour shift on an ordinary Saturday: %v", err)
	}
}

// TestEndAt2400: "24:00" is the end of the day, as Dutch users write it
// and as the portal shows a deadline at midnight: 16:00–24:00 is 8 hours on
// its own day, 00:00–24:00 a 24-hour shift without ticking the box. Only an
// end can be 24:00.
func TestEndAt2400(t *testing.T) {
	end, eod, err := ts.ParseEndClock("24:00")
	if err != nil || end != 0 || !eod {
		t.Fatalf("ParseEndClock(24:00) = %v, %v, %v; want 00:00 at the end of the day", end, eod, err)
	}
	if end, eod, err := ts.ParseEndClock("06:00"); err != nil || end != clk("06:00") || eod {
		t.Errorf("ParseEndClock(06:00) = %v, %v, %v", end, eod, err)
	}
	for _, s := range []string{"24:01", "25:00"} {
		if _, _, err := ts.ParseEndClock(s); err == nil {
			t.Errorf("ParseEndClock(%s) accepted", s)
		}
	}
	if _, err := ts.ParseClock("24:00"); err == nil {
		t.Error("a start of 24:00 is accepted")
	}
	tue := week.Day(1)
	for _, tt := range []struct {
		start string
		want  ts.Minutes
	}{{"16:00", 480}, {"00:00", 1440}} {
		a := &ts.Timesheet{}
		end, eod, _ := ts.ParseEndClock("24:00")
		_, err := a.AddEntry(worker, trTerms(), ts.AdjacentWeeks{}, ts.EntryInput{Date: tue, Start: clk(tt.start), End: end, EndOfDay: eod}, now)
		if err != nil {
			t.Errorf("%s–24:00: %v", tt.start, err)
			continue
		}
		if got := a.DayTotals()[1]; got != tt.want {
			t.Errorf("%s–24:00 books %d minutes on Tuesday, want %d", tt.start, got, tt.want)
		}
	}
}

// TestSpringNightAndLeapDay: over the spring clock change (Sunday 29 March
// 2026, 02:00 → 03:00) a night shift 22:00–06:00 is 7 hours and 02:30 does
// not exist; 29 February 2028 is the Tuesday of 2028-W09 and a night
// shift from it ends on 1 March, booked on the 29th.
func TestSpringNightAndLeapDay(t *testing.T) {
	at := func(d ts.Date, start, end string) (*ts.Timesheet, error) {
		terms := trTerms()
		terms.Week = ts.WeekOf(d)
		a := &ts.Timesheet{}
		_, err := a.AddEntry(worker, terms, ts.AdjacentWeeks{}, ts.EntryInput{Date: d, Start: clk(start), End: clk(end)}, d.AddDays(2).At(12, 0, ams))
		return a, err
	}
	a, err := at(ts.NewDate(2026, 3, 28), "22:00", "06:00")
	if err != nil || a.Worked()[0].Minutes != 420 || a.DayTotals()[5] != 420 {
		t.Errorf("spring night: %v, %+v", err, a.Worked())
	}
	if _, err := at(ts.NewDate(2026, 3, 29), "02:30", "06:00"); !errors.Is(err, &domain.Error{Code: "time_does_not_exist"}) {
		t.Errorf("02:30 on 29 March 2026: %v, want time_does_not_exist", err)
	}
	leap := ts.NewDate(2028, 2, 29)
	if w := ts.WeekOf(leap); w != (ts.ISOWeek{Year: 2028, Week: 9}) || w.Day(1) != leap {
		t.Fatalf("29 February 2028 in %v", w)
	}
	a, err = at(leap, "22:00", "06:00")
	if err != nil || a.DayTotals()[1] != 480 || ts.DateOf(a.Worked()[0].End.In(ams)) != ts.NewDate(2028, 3, 1) {
		t.Errorf("leap-day night: %v, %+v", err, a.Worked())
	}
}

// TestPlacementStartingInWeek53: a placement starting on Friday 1 January
// 2027 has 2026-W53 as its first week (fillable once begun, its days in
// 2026 outside the placement), and 2026-W52 is outside it.
func TestPlacementStartingInWeek53(t *testing.T) {
	per := ts.Period{Start: ts.NewDate(2027, 1, 1)}
	w53 := ts.ISOWeek{Year: 2026, Week: 53}
	monday := time.Date(2027, 1, 4, 0, 0, 0, 0, ams)
	if err := ts.CheckFillable(per, w53, monday); err != nil {
		t.Errorf("2026-W53: %v", err)
	}
	if !errors.Is(ts.CheckFillable(per, w53.Prev(), monday), &domain.Error{Code: "week_outside_placement"}) {
		t.Error("2026-W52 should be outside the placement")
	}
	terms := trTerms()
	terms.Week, terms.Period = w53, per
	add := func(d ts.Date) error {
		_, err := (&ts.Timesheet{}).AddEntry(worker, terms, ts.AdjacentWeeks{}, ts.EntryInput{Date: d, Start: clk("08:00"), End: clk("16:00")}, monday)
		return err
	}
	if err := add(ts.NewDate(2026, 12, 31)); !errors.Is(err, &domain.Error{Code: "day_outside_placement"}) {
		t.Errorf("31 December 2026: %v, want day_outside_placement", err)
	}
	if err := add(ts.NewDate(2027, 1, 1)); err != nil {
		t.Errorf("1 January 2027: %v", err)
	}
}
