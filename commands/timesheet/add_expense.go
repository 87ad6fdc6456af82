package timesheet

import (
	"context"

	"backoffice/commands"
	"backoffice/domain"
	ts "backoffice/domain/timesheet"
)

// AddExpense claims an expense (onkosten).
type AddExpense struct {
	Target
	Expense ts.ExpenseInput
}

// AddExpense runs the AddExpense command and returns the new expense's ID.
func (h *Handler) AddExpense(ctx context.Context, meta commands.Meta, cmd AddExpense) (commands.Result, int, error) {
	res, events, err := h.decideCommuting(ctx, meta, cmd.Target, func(l *loaded) ([]domain.Event, error) {
		return l.sheet.AddExpense(meta.Actor, l.terms, cmd.Expense, l.now)
	})
	if err != nil {
		return res, 0, err
	}
	return res, addedID(events, func(a *ts.ExpenseAdded) int { return a.Expense.ID }), nil
}
