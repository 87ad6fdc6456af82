package timesheet

import (
	"context"

	"backoffice/commands"
	"backoffice/domain"
)

// MarkImported records that the payroll package imported the approved
// hours in a batch (payroll role).
type MarkImported struct {
	Target
	ImportBatch string
}

// MarkImported runs the MarkImported command.
func (h *Handler) MarkImported(ctx context.Context, meta commands.Meta, cmd MarkImported) (commands.Result, error) {
	res, _, err := h.decideOn(ctx, meta, cmd.Target, anyWeek, func(l *loaded) ([]domain.Event, error) {
		return l.sheet.MarkImported(meta.Actor, l.now, cmd.ImportBatch)
	})
	return res, err
}
