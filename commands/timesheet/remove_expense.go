package timesheet

import (
	"context"

	"backoffice/commands"
	"backoffice/domain"
)

// RemoveExpense deletes a claimed expense.
type RemoveExpense struct {
	Target
	ExpenseID int
}

// RemoveExpense runs the RemoveExpense command.
func (h *Handler) RemoveExpense(ctx context.Context, meta commands.Meta, cmd RemoveExpense) (commands.Result, error) {
	res, _, err := h.decide(ctx, meta, cmd.Target, func(l *loaded) ([]domain.Event, error) {
		return l.sheet.RemoveExpense(meta.Actor, l.terms, cmd.ExpenseID, l.now)
	})
	return res, err
}
