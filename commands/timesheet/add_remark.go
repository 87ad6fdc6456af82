package timesheet

import (
	"context"

	"backoffice/commands"
	"backoffice/domain"
)

// AddRemark adds a remark before offering.
type AddRemark struct {
	Target
	Text string
}

// AddRemark runs the AddRemark command.
func (h *Handler) AddRemark(ctx context.Context, meta commands.Meta, cmd AddRemark) (commands.Result, error) {
	res, _, err := h.decideCommuting(ctx, meta, cmd.Target, func(l *loaded) ([]domain.Event, error) {
		return l.sheet.AddRemark(meta.Actor, l.terms, cmd.Text, l.now)
	})
	return res, err
}
