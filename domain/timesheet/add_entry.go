package timesheet

import (
	"time"

	"backoffice/domain"
)

// AddEntry adds a time registration entry (day, start, end, break,
// continuous shift). Its worked time is booked on the normal hour type of
// the day the shift starts. A shift overlapping a shift of the previous or
// the next week is refused (entries_overlap_adjacent_week); adj holds those
// weeks' computed intervals (the command layer loads them).
func (t *Timesheet) AddEntry(actor domain.Actor, terms Terms, adj AdjacentWeeks, in EntryInput, now time.Time) ([]domain.Event, error) {
	prelude, err := t.beginEdit(actor, terms, now)
	if err != nil {
		return nil, err
	}
	if err := checkEntryInput(terms, in); err != nil {
		return nil, err
	}
	if err := checkEntryRules(terms.Week, in, now); err != nil {
		return nil, err
	}
	e := in.entry(t.lastEntryID + 1)
	te, err := t.timeEntries(terms, adj, append(append([]Entry(nil), t.entries...), e), e.ID)
	if err != nil {
		return nil, err
	}
	return t.record(append(prelude, &TimeEntryAdded{Entry: e, TimeEntries: te})...), nil
}
