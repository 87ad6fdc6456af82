package timesheet

import (
	"time"

	"backoffice/domain"
)

// ChangeEntry replaces the content of an existing time entry.
func (t *Timesheet) ChangeEntry(actor domain.Actor, terms Terms, id int, in EntryInput, now time.Time) ([]domain.Event, error) {
	if _, err := t.beginEdit(actor, terms, now); err != nil {
		return nil, err
	}
	i := t.entryIndex(id)
	if i < 0 {
		return nil, errEntryNotFound()
	}
	if err := checkEntryInput(terms, in); err != nil {
		return nil, err
	}
	e := in.entry(id)
	if t.entries[i] == e {
		return nil, nil
	}
	entries := append([]Entry(nil), t.entries...)
	entries[i] = e
	te, err := t.timeEntries(terms, entries)
	if err != nil {
		return nil, err
	}
	return t.record(&TimeEntryChanged{Entry: e, TimeEntries: te}), nil
}
