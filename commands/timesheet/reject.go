package timesheet

import (
	"context"

	"backoffice/commands"
	"backoffice/domain"
)

// Reject (afkeuren) returns the offered timesheet with a reason to the one
// who enters the hours.
type Reject struct {
	Target
	Reason string
}

// Reject runs the Reject command.
func (h *Handler) Reject(ctx context.Context, meta commands.Meta, cmd Reject) (commands.Result, error) {
	res, _, err := h.decideOn(ctx, meta, cmd.Target, anyWeek, func(l *loaded) ([]domain.Event, error) {
		return l.sheet.Reject(meta.Actor, l.terms, cmd.Reason, l.now)
	})
	return res, err
}
