package timesheets

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"time"
)

// Change is one thing an event changed on a timesheet, before → after, as
// the history shows it to back office and auditors: minutes per hour type
// and day (as hours:minutes), the status, an expense.
type Change struct {
	// Field is "minutes", "status" or "expense".
	Field    string `json:"field"`
	HourType string `json:"hour_type,omitempty"`
	// Date is the day of a minutes change (YYYY-MM-DD).
	Date string `json:"date,omitempty"`
	// Expense is the expense's number for an expense change.
	Expense int    `json:"expense,omitempty"`
	Before  string `json:"before"`
	After   string `json:"after"`
}

// sheetState is what changes are computed from.
type sheetState struct {
	status   string
	minutes  map[string][7]int
	expenses map[int]Expense
}

func stateOf(s *sheet) sheetState {
	st := sheetState{status: s.Status, minutes: map[string][7]int{}, expenses: map[int]Expense{}}
	for _, l := range s.Lines {
		m := st.minutes[l.HourType]
		for d := range 7 {
			m[d] += l.Minutes[d]
		}
		st.minutes[l.HourType] = m
	}
	for _, e := range s.Expenses {
		st.expenses[e.ID] = e
	}
	return st
}

func hhmm(m int) string { return fmt.Sprintf("%d:%02d", m/60, m%60) }

func expenseText(e Expense, ok bool) string {
	switch {
	case !ok:
		return ""
	case e.Kilometres > 0:
		return fmt.Sprintf("%s %s %d km", e.Type, e.Date, e.Kilometres)
	}
	return fmt.Sprintf("%s %s %d.%02d", e.Type, e.Date, e.AmountCents/100, e.AmountCents%100)
}

// keysOfBoth returns the keys of a and b, sorted, each once.
func keysOfBoth[K cmp.Ordered, V any](a, b map[K]V) []K {
	keys := slices.AppendSeq(slices.Collect(maps.Keys(a)), maps.Keys(b))
	slices.Sort(keys)
	return slices.Compact(keys)
}

// changesBetween lists what differs from a to b; weekStart dates the days.
func changesBetween(a, b sheetState, weekStart string) []Change {
	var out []Change
	if a.status != b.status {
		out = append(out, Change{Field: "status", Before: a.status, After: b.status})
	}
	start, _ := time.Parse(time.DateOnly, weekStart)
	for _, t := range keysOfBoth(a.minutes, b.minutes) {
		before, after := a.minutes[t], b.minutes[t]
		for d := range 7 {
			if before[d] != after[d] {
				out = append(out, Change{Field: "minutes", HourType: t, Date: start.AddDate(0, 0, d).Format(time.DateOnly),
					Before: hhmm(before[d]), After: hhmm(after[d])})
			}
		}
	}
	for _, id := range keysOfBoth(a.expenses, b.expenses) {
		x, okA := a.expenses[id]
		y, okB := b.expenses[id]
		if okA != okB || x != y {
			out = append(out, Change{Field: "expense", Expense: id, Before: expenseText(x, okA), After: expenseText(y, okB)})
		}
	}
	return out
}
