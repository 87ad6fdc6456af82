package timesheet

import (
	"context"

	"backoffice/commands"
	"backoffice/domain"
	ts "backoffice/domain/timesheet"
)

// AddEntry adds a time registration entry (day, start, end, break,
// continuous shift).
type AddEntry struct {
	Target
	Entry ts.EntryInput
}

// AddEntry runs the AddEntry command and returns the new entry's ID. The
// shift is also checked against the shifts of the placement's previous and
// next week (422 entries_overlap_adjacent_week).
func (h *Handler) AddEntry(ctx context.Context, meta commands.Meta, cmd AddEntry) (commands.Result, int, error) {
	res, events, err := h.decide(ctx, meta, cmd.Target, func(l *loaded) ([]domain.Event, error) {
		return h.decideEntries(ctx, l, func(adj ts.AdjacentWeeks) ([]domain.Event, error) {
			return l.sheet.AddEntry(meta.Actor, l.terms, adj, cmd.Entry, l.now)
		})
	})
	if err != nil {
		return res, 0, err
	}
	return res, addedID(events, func(a *ts.TimeEntryAdded) int { return a.Entry.ID }), nil
}

// addedID is the ID that the first event of type E among events gives the
// item it adds (0 when there is none).
func addedID[E domain.Event](events []domain.Event, id func(E) int) int {
	for _, e := range events {
		if a, ok := e.(E); ok {
			return id(a)
		}
	}
	return 0
}
