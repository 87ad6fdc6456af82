package timesheet

import (
	"slices"
	"time"

	"backoffice/domain"
)

// RemoveEntry deletes a time entry. A continuous shift before it then runs
// on to the entry after it (or to its own end); the removal is refused when
// that shift then runs into a shift of the previous or the next week (a
// Sunday continuous shift that now ends on Monday); adj holds those weeks'
// computed intervals.
func (t *Timesheet) RemoveEntry(actor domain.Actor, terms Terms, adj AdjacentWeeks, id int, now time.Time) ([]domain.Event, error) {
	if _, err := t.beginEdit(actor, terms, now); err != nil {
		return nil, err
	}
	i := t.entryIndex(id)
	if i < 0 {
		return nil, errEntryNotFound()
	}
	te, err := t.timeEntries(terms, adj, slices.Delete(slices.Clone(t.entries), i, i+1), 0)
	if err != nil {
		return nil, err
	}
	return t.record(&TimeEntryRemoved{EntryID: id, TimeEntries: te}), nil
}
