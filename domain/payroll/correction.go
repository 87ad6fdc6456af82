package payroll

import (
	"cmp"
	"slices"

	ts "backoffice/domain/timesheet"
)

// Correction marks an item whose quantities are the difference between a
// corrected timesheet's new approved content and the content imported
// before (negative and positive), per component and day.
type Correction struct {
	// OriginalBatch is the import batch of the content corrected.
	OriginalBatch string `json:"original_batch"`
	// OriginalRound is the approval round that was imported.
	OriginalRound int `json:"original_round"`
}

// Delta returns next as a correction of prev (imported in batch
// originalBatch): hour lines per hour type and day, expenses per type and
// date, allowances as next minus prev. Zero differences are left out;
// lines come sorted by hour type, expenses by date and type.
func Delta(prev, next Item, originalBatch string) Item {
	out := next
	out.Correction = &Correction{OriginalBatch: originalBatch, OriginalRound: prev.Round}
	minutes := map[string]*[7]int{}
	for sign, it := range map[int]Item{-1: prev, 1: next} {
		for _, l := range it.Lines {
			m := minutes[l.HourType]
			if m == nil {
				m = &[7]int{}
				minutes[l.HourType] = m
			}
			for d, v := range l.Minutes {
				m[d] += sign * v
			}
		}
	}
	out.Lines = nil
	for code, m := range minutes {
		if *m != [7]int{} {
			out.Lines = append(out.Lines, ItemLine{HourType: code, Minutes: *m})
		}
	}
	slices.SortFunc(out.Lines, func(a, b ItemLine) int { return cmp.Compare(a.HourType, b.HourType) })

	type key struct {
		typ  string
		date ts.Date
	}
	sums := map[key]*ItemExpense{}
	for sign, it := range map[int64]Item{-1: prev, 1: next} {
		for _, x := range it.Expenses {
			k := key{x.Type, x.Date}
			s := sums[k]
			if s == nil {
				s = &ItemExpense{Type: x.Type, Date: x.Date}
				sums[k] = s
			}
			s.AmountCents += sign * x.AmountCents
			s.Kilometres += int(sign) * x.Kilometres
		}
	}
	out.Expenses = nil
	for _, s := range sums {
		if s.AmountCents != 0 || s.Kilometres != 0 {
			out.Expenses = append(out.Expenses, *s)
		}
	}
	slices.SortFunc(out.Expenses, func(a, b ItemExpense) int {
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		return cmp.Compare(a.Type, b.Type)
	})
	out.Allowances = ItemAllowances{
		PerDayCents:  next.Allowances.PerDayCents - prev.Allowances.PerDayCents,
		PerHourCents: next.Allowances.PerHourCents - prev.Allowances.PerHourCents,
	}
	return out
}
