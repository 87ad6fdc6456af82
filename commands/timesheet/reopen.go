package timesheet

import (
	"context"

	"backoffice/commands"
	"backoffice/domain"
)

// Reopen returns an imported timesheet to the one who enters the hours for
// a correction, with a reason (back office).
type Reopen struct {
	Target
	Reason string
}

// Reopen runs the Reopen command. Like the other decisions on a timesheet
// that was offered already, it does not need the week inside the placement.
func (h *Handler) Reopen(ctx context.Context, meta commands.Meta, cmd Reopen) (commands.Result, error) {
	res, _, err := h.decideOn(ctx, meta, cmd.Target, anyWeek, func(l *loaded) ([]domain.Event, error) {
		return l.sheet.Reopen(meta.Actor, cmd.Reason, l.now)
	})
	return res, err
}
