package timesheet

import (
	"context"

	"backoffice/commands"
	"backoffice/domain"
	ts "backoffice/domain/timesheet"
)

// ChangeEntry replaces the content of a time registration entry.
type ChangeEntry struct {
	Target
	EntryID int
	Entry   ts.EntryInput
}

// ChangeEntry runs the ChangeEntry command.
func (h *Handler) ChangeEntry(ctx context.Context, meta commands.Meta, cmd ChangeEntry) (commands.Result, error) {
	res, _, err := h.decide(ctx, meta, cmd.Target, func(l *loaded) ([]domain.Event, error) {
		return l.sheet.ChangeEntry(meta.Actor, l.terms, cmd.EntryID, cmd.Entry, l.now)
	})
	return res, err
}
