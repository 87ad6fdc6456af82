package timesheet

import (
	"context"

	"backoffice/commands"
	"backoffice/domain"
)

// RemoveEntry deletes a time registration entry.
type RemoveEntry struct {
	Target
	EntryID int
}

// RemoveEntry runs the RemoveEntry command.
func (h *Handler) RemoveEntry(ctx context.Context, meta commands.Meta, cmd RemoveEntry) (commands.Result, error) {
	res, _, err := h.decide(ctx, meta, cmd.Target, func(l *loaded) ([]domain.Event, error) {
		return l.sheet.RemoveEntry(meta.Actor, l.terms, cmd.EntryID, l.now)
	})
	return res, err
}
