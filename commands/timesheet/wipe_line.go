package timesheet

import (
	"context"

	"backoffice/commands"
	"backoffice/domain"
)

// WipeLine removes the whole line of an hour type (wissen).
type WipeLine struct {
	Target
	HourType string
}

// WipeLine runs the WipeLine command.
func (h *Handler) WipeLine(ctx context.Context, meta commands.Meta, cmd WipeLine) (commands.Result, error) {
	res, _, err := h.decide(ctx, meta, cmd.Target, func(l *loaded) ([]domain.Event, error) {
		return l.sheet.WipeLine(meta.Actor, l.terms, cmd.HourType, l.now)
	})
	return res, err
}
