package timesheet

import (
	"time"

	"backoffice/domain"
)

// AddEntry adds a time registration entry (day, start, end, break,
// continuous shift). Its worked time is booked on the normal hour type of
// the day the shift starts.
func (t *Timesheet) AddEntry(actor domain.Actor, terms Terms, in EntryInput, now time.Time) ([]domain.Event, error) {
	prelude, err := t.beginEdit(actor, terms, now)
	if err != nil {
		return nil, err
	}
	if err := checkEntryInput(terms, in); err != nil {
		return nil, err
	}
	e := in.entry(t.lastEntryID + 1)
	te, err := t.timeEntries(terms, append(append([]Entry(nil), t.entries...), e))
	if err != nil {
		return nil, err
	}
	return t.record(append(prelude, &TimeEntryAdded{Entry: e, TimeEntries: te})...), nil
}
