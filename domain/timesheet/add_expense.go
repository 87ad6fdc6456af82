package timesheet

import (
	"time"

	"backoffice/domain"
)

// AddExpense claims an expense on a day of the week within the placement.
func (t *Timesheet) AddExpense(actor domain.Actor, terms Terms, in ExpenseInput, now time.Time) ([]domain.Event, error) {
	prelude, err := t.beginEdit(actor, terms, now)
	if err != nil {
		return nil, err
	}
	in, err = in.validate()
	if err != nil {
		return nil, err
	}
	if !terms.Week.Contains(in.Date) {
		return nil, domain.Rule("date_outside_week", "date", "the date is not in this week", "Deze datum valt niet in deze week.")
	}
	if !terms.Period.Contains(in.Date) {
		return nil, domain.Rule("day_outside_placement", "date", "the date is outside the placement period",
			"Deze datum valt buiten de plaatsingsperiode.")
	}
	if in.Date.After(Today(now)) {
		return nil, errFutureDay("date", in.Date, int(in.Date.Weekday()+6)%7)
	}
	x := Expense{ID: t.lastExpenseID + 1, Type: in.Type, Date: in.Date, AmountCents: in.AmountCents,
		Kilometres: in.Kilometres, Description: in.Description}
	return t.record(append(prelude, &ExpenseAdded{Expense: x})...), nil
}
