package timesheet

import (
	"errors"
	"fmt"
	"slices"
	"time"

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
	return Entry{ID: id, Date: in.Date, Start: in.Start, End: in.End, Break: in.Break, Continuous: in.Continuous, Shift24h: in.shift24h(),
		UntilNextWeek: in.Continuous}
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
// of every entry (checked against the shifts of the adjacent weeks; the
// week's last continuous shift runs on to the next week's first), the
// derived normal line, and the day totals (checked against 24 hours per
// day, plus the hour the autumn clock change adds). focus is the ID of the
// entry added or changed (0 on a removal): refusals name it.
func (t *Timesheet) timeEntries(terms Terms, adj AdjacentWeeks, entries []Entry, focus int) (TimeEntries, error) {
	worked, err := computeWorked(entries, amsterdam, focus, adj.Next)
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
	if err := checkDays(terms, days, [7]Minutes{}, clockGained(terms.Week, worked)); err != nil {
		if e := continuousRunOn(err, terms.Week, entries, worked); e != nil {
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
// causes by running on to the next entry (days later, perhaps, or in the
// next week): "more than 24 hours on Monday" alone leaves the user looking
// for hours they never typed. It returns nil when err is another refusal or
// no continuous shift on that day ran on.
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
		if i, ok := week.DayIndex(w.Date); !ok || i != day || !e.Continuous {
			continue
		}
		if k+1 >= len(worked) {
			// The week's last: did it run on into the next week?
			if own, ok := ownEnd(e); ok && !w.End.Equal(own) {
				at := w.End.In(amsterdam)
				nd := (int(at.Weekday()) + 6) % 7
				wk := WeekOf(DateOf(at)).Week
				return domain.Rule("day_over_24h", de.Field,
					fmt.Sprintf("The continuous shift of %s %s runs on to the first shift of week %d (%s %s %s), which puts more than 24 hours on %s. Untick continuous shift or enter the shifts in between first.",
						dayNamesEN[day], e.Start, wk, dayNamesEN[nd], DateOf(at), at.Format("15:04"), dayNamesEN[day]),
					fmt.Sprintf("De doorlopende dienst van %s %s loopt door tot de eerste dienst van week %d (%s %s %s); zo staat er op %s meer dan 24 uur. Zet 'Doorlopende dienst' uit of vul eerst de diensten daartussen in.",
						dayNamesNL[day], e.Start, wk, dayNamesNL[nd], DateOf(at).NL(), at.Format("15:04"), dayNamesNL[day]))
			}
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

// ownEnd is the instant an entry ends at by its own end time (the next
// day's when the end is at or before the start).
func ownEnd(e Entry) (time.Time, bool) {
	d := e.Date
	if e.End <= e.Start {
		d = d.AddDays(1)
	}
	return wallTime(d, e.End, amsterdam)
}

// RunsOn reports whether a continuous entry's recorded shift ran on past
// its own end time (to the next entry, or to the next week's first shift),
// and until when; the portal says so at the entry.
func RunsOn(e Entry, w Worked) (time.Time, bool) {
	own, ok := ownEnd(e)
	if !e.Continuous || !ok || w.End.Equal(own) {
		return time.Time{}, false
	}
	return w.End, true
}

// clockGained is, per day of week, the time the autumn clock change adds
// to the shifts starting that day: a shift through the night the clocks go
// back lasts an hour longer than its wall-clock times say (22:00–06:00 is 9
// hours, 08:00–08:00 is 25). Payroll pays the real hours, so that day may
// hold 24 booked hours plus this (checkDays). It is never more than an
// hour: shifts do not overlap.
func clockGained(week ISOWeek, worked []Worked) [7]Minutes {
	var gained [7]Minutes
	for _, w := range worked {
		if i, ok := week.DayIndex(w.Date); ok {
			if g := w.Elapsed - wallMinutes(w); g > 0 {
				gained[i] = min(gained[i]+g, MaxBookedPerDay-MinutesPerDay)
			}
		}
	}
	return gained
}
