package timesheet_test

import (
	"strings"
	"testing"

	"backoffice/domain/domaintest"
	ts "backoffice/domain/timesheet"
)

// FuzzParseDate: what ParseDate accepts is the canonical form it prints,
// and reads back to the same date; anything else is "date" invalid.
func FuzzParseDate(f *testing.F) {
	seeds := []string{"2026-01-26", "2024-02-29", "2026-02-29", "0000-01-01", "9999-12-31", "2026-1-26", "26-01-2026", "", "2026-01-26T00:00:00Z"}
	domaintest.FuzzParse(f, "date", ts.ParseDate, seeds, func(t *testing.T, s string, d ts.Date) {
		if d.String() != s {
			t.Fatalf("ParseDate(%q) prints as %q", s, d.String())
		}
		if ts.NewDate(d.Year, d.Month, d.Day) != d {
			t.Fatalf("ParseDate(%q) = %v is not a calendar date", s, d)
		}
	})
}

// FuzzParseClock: what ParseClock accepts is a time of day that prints as
// the input (with a leading zero added) and reads back the same.
func FuzzParseClock(f *testing.F) {
	seeds := []string{"07:30", "7:30", "00:00", "23:59", "24:00", "12:60", "1230", ":30", "-1:30", "+7:30", "٠٧:٣٠"}
	domaintest.FuzzParse(f, "time", ts.ParseClock, seeds, func(t *testing.T, s string, c ts.Clock) {
		if !c.Valid() {
			t.Fatalf("ParseClock(%q) = %d: not a time of day", s, c)
		}
		if c.String() != s && c.String() != "0"+s {
			t.Fatalf("ParseClock(%q) prints as %q", s, c.String())
		}
	})
}

// FuzzParseISOWeek: what ParseISOWeek accepts is a week that exists, prints
// as the input (the compact stream form with its dash added) and is the
// week of its own Monday.
func FuzzParseISOWeek(f *testing.F) {
	seeds := []string{"2026-W05", "2026W05", "2020-W53", "2026-W53", "2026-W00", "0000-W01", "2026-W5", "2026-w05", "+026-W05", "2026-W+5"}
	domaintest.FuzzParse(f, "week", ts.ParseISOWeek, seeds, func(t *testing.T, s string, w ts.ISOWeek) {
		if !w.Valid() {
			t.Fatalf("ParseISOWeek(%q) = %v: no such week", s, w)
		}
		if w.String() != s && w.String() != strings.Replace(s, "W", "-W", 1) {
			t.Fatalf("ParseISOWeek(%q) prints as %q", s, w.String())
		}
		if ts.WeekOf(w.Start()) != w || ts.WeekOf(w.End()) != w {
			t.Fatalf("%v is not the week of its own days %v..%v", w, w.Start(), w.End())
		}
	})
}
