package timesheet

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"backoffice/domain"
)

// ISOWeek is an ISO 8601 week: weeks start on Monday and week 1 is the week
// holding the year's first Thursday.
type ISOWeek struct {
	Year int
	Week int
}

// WeekOf is the ISO week holding d.
func WeekOf(d Date) ISOWeek {
	y, w := d.utc().ISOWeek()
	return ISOWeek{y, w}
}

// WeeksInYear is 53 for ISO years with a week 53 (those whose 28 December
// falls in week 53), else 52.
func WeeksInYear(year int) int {
	_, w := time.Date(year, time.December, 28, 0, 0, 0, 0, time.UTC).ISOWeek()
	return w
}

var errWeek = func(s string) error {
	return domain.Invalid("week_invalid", "week",
		domain.Quote(s)+" is not an ISO week (e.g. 2026-W05)",
		domain.Quote(s)+" is geen geldige week (bijvoorbeeld 2026-W05).")
}

// ParseISOWeek parses "2026-W05" and the compact stream form "2026W05".
func ParseISOWeek(s string) (ISOWeek, error) {
	ys, ws, ok := strings.Cut(s, "W")
	ys = strings.TrimSuffix(ys, "-")
	if !ok || len(ys) != 4 || len(ws) != 2 {
		return ISOWeek{}, errWeek(s)
	}
	y, err1 := strconv.Atoi(ys)
	w, err2 := strconv.Atoi(ws)
	if err1 != nil || err2 != nil || ys[0] == '+' || ys[0] == '-' || ws[0] == '+' || ws[0] == '-' {
		return ISOWeek{}, errWeek(s)
	}
	wk := ISOWeek{y, w}
	if !wk.Valid() {
		if n := WeeksInYear(y); y >= 1 && y <= 9999 && w > n && w <= 53 {
			return ISOWeek{}, errNoWeek53(s, y, n)
		}
		return ISOWeek{}, errWeek(s)
	}
	return wk, nil
}

// errNoWeek53 refuses week 53 of a year with 52 weeks by saying so: the
// form is right, so "not an ISO week (e.g. 2026-W05)" would leave the user
// guessing. Its days belong to the next year's week 1.
func errNoWeek53(s string, year, weeks int) error {
	return domain.Invalid("week_invalid", "week",
		fmt.Sprintf("%s does not exist: %d has %d ISO weeks (its last days are in %d-W01)", domain.Quote(s), year, weeks, year+1),
		fmt.Sprintf("%s bestaat niet: %d heeft %d weken (de laatste dagen vallen in week 1 van %d).", domain.Quote(s), year, weeks, year+1))
}

// Valid reports whether the week exists (year 1..9999, week 1..52/53) and
// ends by 9999-12-31: 9999-W52 runs into the year 10000, which no date in
// JSON (RFC 3339) or a timesheet's deadlines can hold.
func (w ISOWeek) Valid() bool {
	return w.Year >= 1 && w.Year <= 9999 && w.Week >= 1 && w.Week <= WeeksInYear(w.Year) &&
		w.End().Year <= 9999
}

// Start is the Monday of the week.
func (w ISOWeek) Start() Date {
	// 4 January is always in week 1.
	jan4 := time.Date(w.Year, time.January, 4, 0, 0, 0, 0, time.UTC)
	offset := (int(jan4.Weekday()) + 6) % 7 // days since Monday
	return DateOf(jan4.AddDate(0, 0, -offset+7*(w.Week-1)))
}

// End is the Sunday of the week.
func (w ISOWeek) End() Date { return w.Start().AddDays(6) }

// Day is the date of day i of the week (0 = Monday .. 6 = Sunday).
func (w ISOWeek) Day(i int) Date { return w.Start().AddDays(i) }

// Contains reports whether d falls in the week.
func (w ISOWeek) Contains(d Date) bool { return WeekOf(d) == w }

// DayIndex is d's position in the week (0 = Monday) and whether d is in it.
func (w ISOWeek) DayIndex(d Date) (int, bool) {
	if !w.Contains(d) {
		return 0, false
	}
	return (int(d.Weekday()) + 6) % 7, true
}

// Next is the following week.
func (w ISOWeek) Next() ISOWeek { return WeekOf(w.Start().AddDays(7)) }

// Prev is the preceding week.
func (w ISOWeek) Prev() ISOWeek { return WeekOf(w.Start().AddDays(-7)) }

// String formats as "2026-W05".
func (w ISOWeek) String() string {
	if w.Year < 0 || w.Week < 0 {
		return fmt.Sprintf("%04d-W%02d", w.Year, w.Week)
	}
	b := append(appendDigits(make([]byte, 0, 8), w.Year, 4), "-W"...)
	return string(appendDigits(b, w.Week, 2))
}

// Compact formats as "2026W05", the form used in stream names.
func (w ISOWeek) Compact() string { return fmt.Sprintf("%04dW%02d", w.Year, w.Week) }

// MarshalText encodes as "2026-W05".
func (w ISOWeek) MarshalText() ([]byte, error) { return []byte(w.String()), nil }

// UnmarshalText decodes "2026-W05".
func (w *ISOWeek) UnmarshalText(b []byte) error { return domain.UnmarshalText(w, b, ParseISOWeek) }

// StreamName is the event stream of a placement's timesheet for a week:
// "timesheet-<placement>-<YYYY>W<WW>".
//
// WARNING: stored streams are found by this name; never change its format.
func StreamName(placementID string, week ISOWeek) string {
	return "timesheet-" + placementID + "-" + week.Compact()
}

// dayNames are used in error messages (Monday first).
var (
	dayNamesEN = [7]string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
	dayNamesNL = [7]string{"maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"}
	dayFields  = [7]string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
)
