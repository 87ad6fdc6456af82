package timesheets

import (
	"fmt"
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

// changesBetween lists what differs from a to b; weekStart dates the days.
func changesBetween(a, b sheetState, weekStart string) []Change {
	var out []Change
	if a.status != b.status {
		out = append(out, Change{Field: "status", Before: a.status, After: b.status})
	}
	start, _ := time.Parse(time.DateOnly, weekStart)
	types := map[string]bool{}
	for t := range a.minutes {
		types[t] = true
	}
	for t := range b.minutes {
		types[t] = true
	}
	names := make([]string, 0, len(types))
	for t := range types {
		names = append(names, t)
	}
	slices.Sort(names)
	for _, t := range names {
		before, after := a.minutes[t], b.minutes[t]
		for d := range 7 {
			if before[d] != after[d] {
				out = append(out, Change{Field: "minutes", HourType: t, Date: start.AddDate(0, 0, d).Format(time.DateOnly),
					Before: hhmm(before[d]), After: hhmm(after[d])})
			}
		}
	}
	ids := map[int]bool{}
	for id := range a.expenses {
		ids[id] = true
	}
	for id := range b.expenses {
		ids[id] = true
	}
	nums := make([]int, 0, len(ids))
	for id := range ids {
		nums = append(nums, id)
	}
	slices.Sort(nums)
	for _, id := range nums {
		x, okA := a.expenses[id]
		y, okB := b.expenses[id]
		if okA != okB || x != y {
			out = append(out, Change{Field: "expense", Expense: id, Before: expenseText(x, okA), After: expenseText(y, okB)})
		}
	}
	return out
}
