package payroll

import (
	"fmt"
	"strconv"
	"time"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
)

// PeriodKind is a client's payroll period.
//
// WARNING: stored in events; never rename a value.
type PeriodKind string

const (
	PeriodWeek   PeriodKind = "week"   // ISO week, "2026-W05"
	Period4Weeks PeriodKind = "4weeks" // 13 periods of four ISO weeks, "2026-P03"; week 53 belongs to P13
	PeriodMonth  PeriodKind = "month"  // calendar month, "2026-05"; a week belongs to the month of its Thursday
)

func (k PeriodKind) valid() bool { return k == PeriodWeek || k == Period4Weeks || k == PeriodMonth }

// Period is one payroll period. Its text form ("2026-W05", "2026-P03",
// "2026-05") is its JSON form and tells the kind.
type Period struct {
	Kind   PeriodKind
	Year   int
	Number int // week 1..53, period 1..13, month 1..12
}

// ParsePeriod reads "2026-W05", "2026-P03" or "2026-05".
func ParsePeriod(s string) (Period, error) {
	bad := domain.Invalid("period_invalid", "period",
		"the period is a week (2026-W05), a four-week period (2026-P03) or a month (2026-05)",
		"De periode is een week (2026-W05), een vierwekenperiode (2026-P03) of een maand (2026-05).")
	if len(s) < 7 || s[4] != '-' {
		return Period{}, bad
	}
	year, err := strconv.Atoi(s[:4])
	if err != nil || year < 2000 || year > 2999 {
		return Period{}, bad
	}
	p := Period{Year: year}
	num := s[5:]
	switch {
	case len(num) == 3 && num[0] == 'W':
		p.Kind, num = PeriodWeek, num[1:]
	case len(num) == 3 && num[0] == 'P':
		p.Kind, num = Period4Weeks, num[1:]
	case len(num) == 2:
		p.Kind = PeriodMonth
	default:
		return Period{}, bad
	}
	if num[0] < '0' || num[0] > '9' || num[1] < '0' || num[1] > '9' {
		return Period{}, bad
	}
	p.Number = int(num[0]-'0')*10 + int(num[1]-'0')
	max := map[PeriodKind]int{PeriodWeek: ts.WeeksInYear(year), Period4Weeks: 13, PeriodMonth: 12}[p.Kind]
	if p.Number < 1 || p.Number > max {
		return Period{}, bad
	}
	return p, nil
}

// String is the period's text form.
func (p Period) String() string {
	switch p.Kind {
	case PeriodWeek:
		return fmt.Sprintf("%04d-W%02d", p.Year, p.Number)
	case Period4Weeks:
		return fmt.Sprintf("%04d-P%02d", p.Year, p.Number)
	}
	return fmt.Sprintf("%04d-%02d", p.Year, p.Number)
}

// MarshalText and UnmarshalText make the text form the JSON form.
func (p Period) MarshalText() ([]byte, error)  { return []byte(p.String()), nil }
func (p *Period) UnmarshalText(b []byte) error { return domain.UnmarshalText(p, b, ParsePeriod) }

// Contains reports whether the timesheet week w belongs to the period.
func (p Period) Contains(w ts.ISOWeek) bool {
	switch p.Kind {
	case PeriodWeek:
		return w.Year == p.Year && w.Week == p.Number
	case Period4Weeks:
		return w.Year == p.Year && min((w.Week-1)/4+1, 13) == p.Number
	case PeriodMonth:
		th := w.Day(3)
		return th.Year == p.Year && int(th.Month) == p.Number
	}
	return false
}

// Weeks lists the ISO weeks of the period in order.
func (p Period) Weeks() []ts.ISOWeek {
	var out []ts.ISOWeek
	var first ts.ISOWeek
	switch p.Kind {
	case PeriodWeek:
		return []ts.ISOWeek{{Year: p.Year, Week: p.Number}}
	case Period4Weeks:
		first = ts.ISOWeek{Year: p.Year, Week: (p.Number-1)*4 + 1}
	case PeriodMonth:
		first = ts.WeekOf(ts.NewDate(p.Year, time.Month(p.Number), 1))
	default:
		return nil
	}
	if !p.Contains(first) {
		first = first.Next()
	}
	for w := first; p.Contains(w); w = w.Next() {
		out = append(out, w)
	}
	return out
}

// PeriodOf is the period of kind k that holds the timesheet week w (a week
// when k is not a known kind).
func PeriodOf(k PeriodKind, w ts.ISOWeek) Period {
	switch k {
	case Period4Weeks:
		return Period{Kind: k, Year: w.Year, Number: min((w.Week-1)/4+1, 13)}
	case PeriodMonth:
		th := w.Day(3)
		return Period{Kind: k, Year: th.Year, Number: int(th.Month)}
	}
	return Period{Kind: PeriodWeek, Year: w.Year, Number: w.Week}
}
