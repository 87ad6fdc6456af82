package timesheet_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"backoffice/domain"
	"backoffice/domain/domaintest"
	ts "backoffice/domain/timesheet"
)

// TestAutumnClockChangeBooksThe25thHour: in the night to Sunday 25
// October 2026 the clocks go back (03:00 → 02:00), so a 24-hour shift of
// Saturday 08:00–08:00 lasts 25 hours, as do two shifts of Sunday
// 00:00–12:00 and 12:00–00:00, and a night shift 22:00–06:00 lasts 9.
// Payroll pays real hours: that day may hold 24 hours plus the hour the
// change adds to its shifts, and not a minute more (before, the 25th hour
// was refused as day_over_24h). Over the spring change the same shifts are
// an hour shorter; in an ordinary week a 24-hour shift is 24 hours.
func TestAutumnClockChangeBooksThe25thHour(t *testing.T) {
	terms := trTerms()
	terms.Week = ts.WeekOf(ts.NewDate(2026, 10, 25))
	after := time.Date(2026, 10, 26, 12, 0, 0, 0, ams)
	add := func(a *ts.Timesheet, in ts.EntryInput) error {
		_, err := a.AddEntry(worker, terms, ts.AdjacentWeeks{}, in, after)
		return err
	}
	typed := func(a *ts.Timesheet, m [7]ts.Minutes) error {
		_, err := a.SetLine(worker, terms, "O125", m, after)
		return err
	}
	sat, sun := ts.NewDate(2026, 10, 24), ts.NewDate(2026, 10, 25)

	for _, tt := range []struct {
		name    string
		entries []ts.EntryInput
		day     int
		want    ts.Minutes
	}{
		{name: "24-hour shift over the change", day: 5, want: 1500,
			entries: []ts.EntryInput{{Date: sat, Start: clk("08:00"), End: clk("08:00"), Shift24h: true}}},
		{name: "the 25-hour Sunday", day: 6, want: 1500,
			entries: []ts.EntryInput{{Date: sun, Start: clk("00:00"), End: clk("12:00")}, {Date: sun, Start: clk("12:00"), End: clk("00:00")}}},
		{name: "night shift over the change", day: 5, want: 540,
			entries: []ts.EntryInput{{Date: sat, Start: clk("22:00"), End: clk("06:00")}}},
		{name: "continuous shift over the change", day: 5, want: 600,
			entries: []ts.EntryInput{{Date: sat, Start: clk("22:00"), End: clk("06:00"), Continuous: true}, {Date: sun, Start: clk("07:00"), End: clk("15:00")}}},
	} {
		a := &ts.Timesheet{}
		for _, in := range tt.entries {
			if err := add(a, in); err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
		}
		if got := a.DayTotals()[tt.day]; got != tt.want {
			t.Errorf("%s: %d minutes booked, want %d", tt.name, got, tt.want)
		}
	}

	// The 25-hour Saturday is full: a typed minute more is refused, and
	// typed hours on other days are not blocked by it.
	a := &ts.Timesheet{}
	if err := add(a, ts.EntryInput{Date: sat, Start: clk("08:00"), End: clk("08:00"), Shift24h: true}); err != nil {
		t.Fatal(err)
	}
	if err := typed(a, days(0, 0, 0, 0, 60)); err != nil {
		t.Errorf("typed hours on Friday next to the 25-hour Saturday: %v", err)
	}
	de := domaintest.WantError(t, typed(a, days(0, 0, 0, 0, 60, 1)), &domain.Error{Code: "day_over_24h", Kind: domain.KindRule, Field: "sat"})
	if !strings.Contains(de.MessageNL, "meer dan 24 uur") {
		t.Errorf("message %q", de.MessageNL)
	}
	// A 24-hour shift plus another on that Saturday is more than the day
	// can hold, clock change or not.
	b := &ts.Timesheet{}
	if err := add(b, ts.EntryInput{Date: sat, Start: clk("00:00"), End: clk("01:00")}); err != nil {
		t.Fatal(err)
	}
	err := add(b, ts.EntryInput{Date: sat, Start: clk("08:00"), End: clk("08:00"), Shift24h: true})
	domaintest.WantError(t, err, &domain.Error{Code: "day_over_24h", Kind: domain.KindRule, Field: "sat"})

	plain := trTerms()
	plain.Week = ts.WeekOf(ts.NewDate(2026, 10, 17))
	c := &ts.Timesheet{}
	if _, err := c.AddEntry(worker, plain, ts.AdjacentWeeks{}, ts.EntryInput{Date: ts.NewDate(2026, 10, 17), Start: clk("08:00"), End: clk("08:00"), Shift24h: true}, after); err != nil || c.DayTotals()[5] != 1440 {
		t.Errorf("a 24-hour shift on an ordinary Saturday: %v, %v", err, c.DayTotals())
	}
	spring := trTerms()
	spring.Week = ts.WeekOf(ts.NewDate(2026, 3, 28))
	d := &ts.Timesheet{}
	if _, err := d.AddEntry(worker, spring, ts.AdjacentWeeks{}, ts.EntryInput{Date: ts.NewDate(2026, 3, 28), Start: clk("08:00"), End: clk("08:00"), Shift24h: true}, after); err != nil || d.DayTotals()[5] != 1380 {
		t.Errorf("a 24-hour shift over the spring change: %v, %v, want 1380 minutes", err, d.DayTotals())
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
