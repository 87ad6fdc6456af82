package timesheet

import (
	"fmt"
	"strconv"
	"time"

	"backoffice/domain"
)

// Date is a civil calendar date without a time zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf is the civil date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// NewDate normalises (2026, 2, 30) to 2026-03-02, like time.Date.
func NewDate(year int, month time.Month, day int) Date {
	return DateOf(time.Date(year, month, day, 0, 0, 0, 0, time.UTC))
}

// ParseDate parses "2026-01-26".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, domain.Invalid("date_invalid", "date",
			domain.Quote(s)+" is not a date (YYYY-MM-DD)",
			domain.Quote(s)+" is geen geldige datum (JJJJ-MM-DD).")
	}
	return DateOf(t), nil
}

// IsZero reports whether d is the zero Date (used for "no end date").
func (d Date) IsZero() bool { return d == Date{} }

func (d Date) utc() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// AddDays returns d plus n days.
func (d Date) AddDays(n int) Date { return DateOf(d.utc().AddDate(0, 0, n)) }

// Weekday is the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.utc().Weekday() }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int { return d.utc().Compare(e.utc()) }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// At is the instant of the wall clock time h:m on d in loc (time.Date rules).
func (d Date) At(h, m int, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, h, m, 0, 0, loc)
}

// NL formats d the way the portal shows dates, "26-01-2026", for the
// Dutch texts of refusals (String stays ISO for the English ones and for
// storage).
func (d Date) NL() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d-%02d-%04d", d.Day, int(d.Month), d.Year)
}

// String formats d as "2026-01-26".
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	if d.Year < 0 || d.Month < 0 || d.Day < 0 {
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
	}
	// As the Sprintf above, without its cost: the projectors format a date
	// for every timesheet they fold.
	b := make([]byte, 0, 10)
	b = append(appendDigits(b, d.Year, 4), '-')
	b = append(appendDigits(b, int(d.Month), 2), '-')
	return string(appendDigits(b, d.Day, 2))
}

// appendDigits appends n (not negative) as %0*d does: at least width
// digits, zero-padded.
func appendDigits(b []byte, n, width int) []byte {
	var buf [8]byte
	d := strconv.AppendInt(buf[:0], int64(n), 10)
	for range width - len(d) {
		b = append(b, '0')
	}
	return append(b, d...)
}

// MarshalText encodes d as "2026-01-26" (empty for the zero Date).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText decodes "2026-01-26"; empty decodes to the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	return domain.UnmarshalText(d, b, ParseDate)
}
