package timesheet

import (
	"slices"

	"backoffice/domain"
)

// EntryInput is what the user enters for a time registration entry.
type EntryInput struct {
	Date       Date
	Start      Clock
	End        Clock
	Break      Minutes
	Continuous bool
	// Shift24h says that a start equal to the end is meant: a shift of
	// exactly 24 hours (otherwise start = end is refused).
	Shift24h bool
}

func (in EntryInput) entry(id int) Entry {
	return Entry{ID: id, Date: in.Date, Start: in.Start, End: in.End, Break: in.Break, Continuous: in.Continuous, Shift24h: in.Shift24h}
}

func errEntryNotFound() error {
	return domain.NotFound("entry_not_found", "there is no such time entry", "Deze tijdregel bestaat niet.")
}

func (t *Timesheet) entryIndex(id int) int {
	return slices.IndexFunc(t.entries, func(e Entry) bool { return e.ID == id })
}

// checkEntryInput checks what only the entry itself decides.
func checkEntryInput(terms Terms, in EntryInput) error {
	if !terms.TimeRegistration {
		return domain.Rule("time_registration_off", "", "the agreement does not use time registration",
			"Voor deze plaatsing wordt geen tijdregistratie gebruikt.")
	}
	if !terms.Week.Contains(in.Date) {
		return domain.Rule("date_outside_week", "date", "the date is not in this week", "Deze datum valt niet in deze week.")
	}
	if !terms.Period.Contains(in.Date) {
		return domain.Rule("day_outside_placement", "date", "the date is outside the placement period",
			"Deze datum valt buiten de plaatsingsperiode.")
	}
	return nil
}

// timeEntries computes the state after a change of the entries: worked time
// of every entry (checked against the shifts of the adjacent weeks), the
// derived normal line, and the day totals (checked against 24 hours per
// day).
func (t *Timesheet) timeEntries(terms Terms, adj AdjacentWeeks, entries []Entry) (TimeEntries, error) {
	worked, err := ComputeWorked(entries, amsterdam)
	if err != nil {
		return TimeEntries{}, err
	}
	if err := t.checkAdjacent(worked, adj); err != nil {
		return TimeEntries{}, err
	}
	ht, ok := terms.hourType(terms.NormalHourType)
	if !ok {
		ht = t.normal
	}
	line := Line{HourType: ht, Minutes: DayTotals(terms.Week, worked), FromTimeRegistration: true}
	days := t.dayTotalsWith(t.lines, line.Minutes)
	if err := checkDays(terms, days, [7]Minutes{}); err != nil {
		return TimeEntries{}, err
	}
	if worked == nil {
		worked = []Worked{}
	}
	return TimeEntries{Worked: worked, NormalLine: line, DayTotals: days}, nil
}
