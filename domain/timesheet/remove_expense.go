package timesheet

import (
	"slices"
	"time"

	"backoffice/domain"
)

// RemoveExpense deletes a claimed expense.
func (t *Timesheet) RemoveExpense(actor domain.Actor, terms Terms, id int, now time.Time) ([]domain.Event, error) {
	if _, err := t.beginEdit(actor, terms, now); err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(t.expenses, func(x Expense) bool { return x.ID == id }) {
		return nil, domain.NotFound("expense_not_found", "There is no such expense.", "Deze onkostenregel bestaat niet.")
	}
	return t.record(&ExpenseRemoved{ExpenseID: id}), nil
}
