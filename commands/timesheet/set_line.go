package timesheet

import (
	"context"

	"backoffice/commands"
	"backoffice/domain"
	ts "backoffice/domain/timesheet"
)

// SetLine sets (or adds) the hour line of an hour type: minutes per day,
// Monday first.
type SetLine struct {
	Target
	HourType string
	Minutes  [7]ts.Minutes
}

// SetLine runs the SetLine command.
func (h *Handler) SetLine(ctx context.Context, meta commands.Meta, cmd SetLine) (commands.Result, error) {
	res, _, err := h.decide(ctx, meta, cmd.Target, func(l *loaded) ([]domain.Event, error) {
		return l.sheet.SetLine(meta.Actor, l.terms, cmd.HourType, cmd.Minutes, l.now)
	})
	return res, err
}
