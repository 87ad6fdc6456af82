package timesheet

import (
	"context"

	"backoffice/commands"
	"backoffice/domain"
)

// WithdrawOffer (aanbieden intrekken) takes an offer back before anyone
// approved it; the timesheet is open again.
type WithdrawOffer struct {
	Target
}

// WithdrawOffer runs the WithdrawOffer command.
func (h *Handler) WithdrawOffer(ctx context.Context, meta commands.Meta, cmd WithdrawOffer) (commands.Result, error) {
	res, _, err := h.decideOn(ctx, meta, cmd.Target, anyWeek, func(l *loaded) ([]domain.Event, error) {
		return l.sheet.WithdrawOffer(meta.Actor, l.terms, l.now)
	})
	return res, err
}
