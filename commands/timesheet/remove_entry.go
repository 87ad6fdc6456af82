package timesheet

import (
	"context"

	"backoffice/commands"
	"backoffice/domain"
	ts "backoffice/domain/timesheet"
)

// RemoveEntry deletes a time registration entry.
type RemoveEntry struct {
	Target
	EntryID int
}

// RemoveEntry runs the RemoveEntry command. A continuous shift that then
// runs on to its own end is checked against the shifts of the placement's
// previous and next week (422 entries_overlap_adjacent_week).
func (h *Handler) RemoveEntry(ctx context.Context, meta commands.Meta, cmd RemoveEntry) (commands.Result, error) {
	res, _, err := h.decide(ctx, meta, cmd.Target, func(l *loaded) ([]domain.Event, error) {
		return h.decideEntries(ctx, l, func(adj ts.AdjacentWeeks) ([]domain.Event, error) {
			return l.sheet.RemoveEntry(meta.Actor, l.terms, adj, cmd.EntryID, l.now)
		})
	})
	return res, err
}
