package timesheet

import (
	"context"

	"backoffice/commands"
	"backoffice/domain"
)

// Offer (aanbieden) locks the timesheet and hands it to the first approver.
type Offer struct {
	Target
}

// Offer runs the Offer command.
func (h *Handler) Offer(ctx context.Context, meta commands.Meta, cmd Offer) (commands.Result, error) {
	res, _, err := h.decide(ctx, meta, cmd.Target, func(l *loaded) ([]domain.Event, error) {
		adj, err := h.adjacent(ctx, l)
		if err != nil {
			return nil, err
		}
		return l.sheet.Offer(meta.Actor, l.terms, adj, l.now)
	})
	return res, err
}
