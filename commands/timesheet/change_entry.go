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

// ChangeEntry runs the ChangeEntry command. The changed shifts are also
// checked against the shifts of the placement's previous and next week
// (422 entries_overlap_adjacent_week).
func (h *Handler) ChangeEntry(ctx context.Context, meta commands.Meta, cmd ChangeEntry) (commands.Result, error) {
	res, _, err := h.decide(ctx, meta, cmd.Target, func(l *loaded) ([]domain.Event, error) {
		return h.decideEntries(ctx, l, func(adj ts.AdjacentWeeks) ([]domain.Event, error) {
			return l.sheet.ChangeEntry(meta.Actor, l.terms, adj, cmd.EntryID, cmd.Entry, l.now)
		})
	})
	return res, err
}
