// Package schedule says when the weekly reminders are due: a weekday and a
// time of day in Europe/Amsterdam, moved to the next working day when it
// falls on a Dutch public holiday. Pure functions of the calendar; the
// runner in notify/reminders decides what to send.
package schedule

import (
	"time"

	"backoffice/domain/timesheet"
)

// Holiday is one Dutch public holiday (feestdag) on which the bureau does
// not send reminders.
type Holiday struct {
	Date timesheet.Date
	Name string // Dutch name
}

// Holidays lists the Dutch public holidays of year that fall on any day of
// the week, in date order. The rules (documented in docs/notifications.md):
// Nieuwjaarsdag 1 Jan; Goede Vrijdag (Easter - 2, a day off at most
// employers, so no reminders); Eerste en Tweede Paasdag; Koningsdag 27 Apr,
// 26 Apr when the 27th is a Sunday; Bevrijdingsdag 5 May in lustrum years
// (year divisible by 5); Hemelvaartsdag (Easter + 39); Eerste en Tweede
// Pinksterdag (Easter + 49, + 50); Eerste en Tweede Kerstdag 25 and 26 Dec.
func Holidays(year int) []Holiday {
	easter := Easter(year)
	king := timesheet.NewDate(year, time.April, 27)
	if king.Weekday() == time.Sunday {
		king = timesheet.NewDate(year, time.April, 26)
	}
	out := []Holiday{
		{timesheet.NewDate(year, time.January, 1), "Nieuwjaarsdag"},
		{easter.AddDays(-2), "Goede Vrijdag"},
		{easter, "Eerste Paasdag"},
		{easter.AddDays(1), "Tweede Paasdag"},
		{king, "Koningsdag"},
	}
	if year%5 == 0 {
		out = append(out, Holiday{timesheet.NewDate(year, time.May, 5), "Bevrijdingsdag"})
	}
	out = append(out,
		Holiday{easter.AddDays(39), "Hemelvaartsdag"},
		Holiday{easter.AddDays(49), "Eerste Pinksterdag"},
		Holiday{easter.AddDays(50), "Tweede Pinksterdag"},
		Holiday{timesheet.NewDate(year, time.December, 25), "Eerste Kerstdag"},
		Holiday{timesheet.NewDate(year, time.December, 26), "Tweede Kerstdag"},
	)
	// Koningsdag or Bevrijdingsdag can come before Easter-based days in
	// early-Easter years: keep date order.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Date.Before(out[j-1].Date); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// Easter is Easter Sunday of year (Gregorian calendar; the anonymous
// Gregorian algorithm, "Meeus/Jones/Butcher").
func Easter(year int) timesheet.Date {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return timesheet.NewDate(year, time.Month(month), day)
}

// IsHoliday reports whether d is a Dutch public holiday, and its name.
func IsHoliday(d timesheet.Date) (string, bool) {
	for _, h := range Holidays(d.Year) {
		if h.Date == d {
			return h.Name, true
		}
	}
	return "", false
}

// IsWorkingDay is Monday to Friday and no public holiday.
func IsWorkingDay(d timesheet.Date) bool {
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	_, hol := IsHoliday(d)
	return !hol
}

// NextWorkingDay is d itself when it is a working day, else the first
// working day after it.
func NextWorkingDay(d timesheet.Date) timesheet.Date {
	for !IsWorkingDay(d) {
		d = d.AddDays(1)
	}
	return d
}
