package timesheet

import (
	"slices"
	"time"

	"backoffice/domain"
)

// ChangeEntry replaces the content of an existing time entry. A change after
// which a shift overlaps a shift of the previous or the next week is refused
// (entries_overlap_adjacent_week); adj holds those weeks' computed intervals.
func (t *Timesheet) ChangeEntry(actor domain.Actor, terms Terms, adj AdjacentWeeks, id int, in EntryInput, now time.Time) ([]domain.Event, error) {
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
	if err := checkEntryRules(terms.Week, in, now); err != nil {
		return nil, err
	}
	e := in.entry(id)
	entries := append([]Entry(nil), t.entries...)
	entries[i] = e
	te, err := t.timeEntries(terms, adj, entries, id)
	if err != nil {
		return nil, err
	}
	// Saving an entry unchanged records nothing, unless its computed
	// result changed: a continuous shift saved again runs on to a shift
	// entered in the next week since (Entry.UntilNextWeek).
	if t.entries[i] == e && slices.EqualFunc(te.Worked, t.worked, sameWorked) {
		return nil, nil
	}
	return t.record(&TimeEntryChanged{Entry: e, TimeEntries: te}), nil
}

func sameWorked(a, b Worked) bool {
	return a.EntryID == b.EntryID && a.Date == b.Date && a.Start.Equal(b.Start) && a.End.Equal(b.End) &&
		a.Elapsed == b.Elapsed && a.Minutes == b.Minutes
}
