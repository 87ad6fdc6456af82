package portal

import (
	"slices"
	"strings"

	"backoffice/domain/timesheet"
	rm "backoffice/readmodel/payroll"
)

// A corrected timesheet's rounds side by side (back office, on the
// history page): the content imported before against the correction
// round, per hour line and day, per expense and for the allowances.

// RoundsView compares two approved rounds of a timesheet.
type RoundsView struct {
	Before, After RoundHead
	Hours         []RoundRow // per hour type and day where either round has minutes
	Expenses      []RoundMoney
	Allowances    []RoundMoney
}

// RoundHead describes a round.
type RoundHead struct {
	Round        int
	Imported     bool
	ImportBatch  string
	CorrectionOf string
}

// RoundRow is one hour type on one day in both rounds.
type RoundRow struct {
	HourType      string // the hour type's name
	Date          timesheet.Date
	Before, After timesheet.Minutes
}

// Delta is After − Before.
func (r RoundRow) Delta() timesheet.Minutes { return r.After - r.Before }

// RoundMoney is an expense (by type and date) or an allowance in both
// rounds, in cents (kilometres for travel_km).
type RoundMoney struct {
	Label         string // expense type or allowance key
	Date          timesheet.Date
	Kilometres    bool
	Before, After int64
}

// Delta is After − Before.
func (m RoundMoney) Delta() int64 { return m.After - m.Before }

// roundsView compares the last imported round before the latest round
// with the latest one; nil when the timesheet has a single round.
func roundsView(week timesheet.ISOWeek, rounds []rm.Round) *RoundsView {
	if len(rounds) < 2 {
		return nil
	}
	after := rounds[len(rounds)-1]
	before := rounds[len(rounds)-2]
	for i := len(rounds) - 2; i >= 0; i-- {
		if rounds[i].Imported {
			before = rounds[i]
			break
		}
	}
	head := func(r rm.Round) RoundHead {
		return RoundHead{Round: r.Round, Imported: r.Imported, ImportBatch: r.ImportBatch, CorrectionOf: r.CorrectionOf}
	}
	v := &RoundsView{Before: head(before), After: head(after)}

	// Hour types in the order of the earlier round, new ones after.
	type line struct {
		name          string
		before, after [7]int
	}
	var order []string
	lines := map[string]*line{}
	get := func(l rm.Line) *line {
		x, ok := lines[l.HourType]
		if !ok {
			x = &line{name: l.Name}
			if x.name == "" {
				x.name = l.HourType
			}
			lines[l.HourType] = x
			order = append(order, l.HourType)
		}
		return x
	}
	for _, l := range before.Lines {
		x := get(l)
		for d := range 7 {
			x.before[d] += l.Minutes[d]
		}
	}
	for _, l := range after.Lines {
		x := get(l)
		for d := range 7 {
			x.after[d] += l.Minutes[d]
		}
	}
	for _, code := range order {
		x := lines[code]
		for d := range 7 {
			if x.before[d] != 0 || x.after[d] != 0 {
				v.Hours = append(v.Hours, RoundRow{HourType: x.name, Date: week.Day(d),
					Before: timesheet.Minutes(x.before[d]), After: timesheet.Minutes(x.after[d])})
			}
		}
	}

	// Expenses summed per type and date.
	type key struct{ typ, date string }
	money := map[key]*RoundMoney{}
	var keys []key
	add := func(xs []rm.Expense, after bool) {
		for _, x := range xs {
			k := key{x.Type, x.Date}
			m, ok := money[k]
			if !ok {
				d, _ := timesheet.ParseDate(x.Date)
				m = &RoundMoney{Label: x.Type, Date: d, Kilometres: x.Type == "travel_km"}
				money[k] = m
				keys = append(keys, k)
			}
			val := x.AmountCents
			if m.Kilometres {
				val = int64(x.Kilometres)
			}
			if after {
				m.After += val
			} else {
				m.Before += val
			}
		}
	}
	add(before.Expenses, false)
	add(after.Expenses, true)
	slices.SortStableFunc(keys, func(a, b key) int {
		if c := strings.Compare(a.date, b.date); c != 0 {
			return c
		}
		return strings.Compare(a.typ, b.typ)
	})
	for _, k := range keys {
		v.Expenses = append(v.Expenses, *money[k])
	}
	for _, a := range []struct {
		label         string
		before, after int64
	}{
		{"per_day", before.Allowances.PerDayCents, after.Allowances.PerDayCents},
		{"per_hour", before.Allowances.PerHourCents, after.Allowances.PerHourCents},
	} {
		if a.before != 0 || a.after != 0 {
			v.Allowances = append(v.Allowances, RoundMoney{Label: a.label, Before: a.before, After: a.after})
		}
	}
	return v
}

// HDelta formats a difference in hours with its sign ("+2", "−1").
func (v *view) HDelta(m timesheet.Minutes) string {
	return signed(m, func(m timesheet.Minutes) string { return formatHours(v.Lang, m) })
}

// EuroDelta formats a difference in cents with its sign.
func (v *view) EuroDelta(c int64) string {
	return signed(c, func(c int64) string { return formatEuro(v.Lang, c) })
}

// signed formats n's size with format and puts its sign before it (a
// typographic minus); zero is "0".
func signed[N ~int | ~int64](n N, format func(N) string) string {
	switch {
	case n > 0:
		return "+" + format(n)
	case n < 0:
		return "−" + format(-n)
	}
	return "0"
}

// ExpenseLabel names an expense type or an allowance.
func (v *view) ExpenseLabel(typ string) string {
	if msg, ok := lookup(v.Lang, "rounds.source."+typ); ok {
		return msg
	}
	return typ
}

// viewAnd carries the view into a sub-template along with its data.
type viewAnd struct {
	V *view
	D any
}

// Pair passes the view and d to a sub-template ({{template "x" ($.Pair .)}}).
func (v *view) Pair(d any) viewAnd { return viewAnd{V: v, D: d} }
