package timesheet

import (
	"errors"
	"fmt"
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
	// EndOfDay says the end was typed as 24:00 (ParseEndClock): End is then
	// 00:00 of the next day, and 00:00–24:00 is a 24-hour shift.
	EndOfDay bool
}

// shift24h: a 24-hour shift, ticked or typed as 00:00–24:00.
func (in EntryInput) shift24h() bool {
	return in.Shift24h || (in.EndOfDay && in.Start == 0 && in.End == 0)
}

func (in EntryInput) entry(id int) Entry {
	return Entry{ID: id, Date: in.Date, Start: in.Start, End: in.End, Break: in.Break, Continuous: in.Continuous, Shift24h: in.shift24h()}
}

func errEntryNotFound() error {
	return domain.NotFound("entry_not_found", "There is no such time entry.", "Deze tijdregel bestaat niet.")
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
// day). focus is the ID of the entry added or changed (0 on a removal):
// refusals name it.
func (t *Timesheet) timeEntries(terms Terms, adj AdjacentWeeks, entries []Entry, focus int) (TimeEntries, error) {
	worked, err := computeWorked(entries, amsterdam, focus)
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
		if e := continuousRunOn(err, terms.Week, entries, worked); e != nil {
			return TimeEntries{}, e
		}
		if e := clockWentBack(err, terms.Week, days, worked); e != nil {
			return TimeEntries{}, e
		}
		return TimeEntries{}, err
	}
	if worked == nil {
		worked = []Worked{}
	}
	return TimeEntries{Worked: worked, NormalLine: line, DayTotals: days}, nil
}

// continuousRunOn explains a day over 24 hours that a continuous shift
// causes by running on to the next entry (days later, perhaps): "more than
// 24 hours on Monday" alone leaves the user looking for hours they never
// typed. It returns nil when err is another refusal or no continuous shift
// on that day ran on.
func continuousRunOn(err error, week ISOWeek, entries []Entry, worked []Worked) error {
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != "day_over_24h" {
		return nil
	}
	day := slices.Index(dayFields[:], de.Field)
	byID := make(map[int]Entry, len(entries))
	for _, e := range entries {
		byID[e.ID] = e
	}
	for k, w := range worked {
		e := byID[w.EntryID]
		if i, ok := week.DayIndex(w.Date); !ok || i != day || !e.Continuous || k+1 >= len(worked) {
			continue
		}
		next := byID[worked[k+1].EntryID]
		if w.End.Equal(worked[k+1].Start) {
			nd := (int(next.Date.Weekday()) + 6) % 7
			return domain.Rule("day_over_24h", de.Field,
				fmt.Sprintf("The continuous shift of %s %s runs on to the next entry (%s %s %s), which puts more than 24 hours on %s. Untick continuous shift or enter the shifts in between first.",
					dayNamesEN[day], e.Start, dayNamesEN[nd], next.Date, next.Start, dayNamesEN[day]),
				fmt.Sprintf("De doorlopende dienst van %s %s loopt door tot de volgende regel (%s %s %s); zo staat er op %s meer dan 24 uur. Zet 'Doorlopende dienst' uit of vul eerst de diensten daartussen in.",
					dayNamesNL[day], e.Start, dayNamesNL[nd], next.Date.NL(), next.Start, dayNamesNL[day]))
		}
	}
	return nil
}

// clockWentBack explains a day over 24 hours that only the autumn clock
// change causes: shifts over the night the clocks go back last an hour
// longer than their wall-clock times say (a 24-hour shift of 08:00–08:00
// lasts 25 hours), and a day holds at most 24 booked hours. Without this
// the user, who typed 24 hours, reads "more than 24 hours". It returns nil
// for any other refusal.
func clockWentBack(err error, week ISOWeek, days [7]Minutes, worked []Worked) error {
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != "day_over_24h" {
		return nil
	}
	day := slices.Index(dayFields[:], de.Field)
	if day < 0 {
		return nil
	}
	var gained Minutes
	var change Date
	for _, w := range worked {
		if i, ok := week.DayIndex(w.Date); ok && i == day {
			if g := w.Elapsed - wallMinutes(w); g > 0 {
				gained += g
				change = DateOf(w.End.In(amsterdam))
			}
		}
	}
	if gained == 0 || days[day]-gained > MinutesPerDay {
		return nil
	}
	cd := (int(change.Weekday()) + 6) % 7
	return domain.Rule("day_over_24h", de.Field,
		fmt.Sprintf("The clocks go back an hour in the night to %s %s, so the shifts of %s last %s hours together: at most 24 hours can be booked on one day. Shorten a shift by %d minutes.",
			dayNamesEN[cd], change, dayNamesEN[day], days[day], days[day]-MinutesPerDay),
		fmt.Sprintf("In de nacht naar %s %s gaat de klok een uur terug; daardoor duren de diensten van %s samen %s uur. Per dag kan hoogstens 24 uur worden geboekt: maak een dienst %d minuten korter.",
			dayNamesNL[cd], change.NL(), dayNamesNL[day], days[day], days[day]-MinutesPerDay))
}
