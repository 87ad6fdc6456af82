package timesheet

import (
	"errors"
	"fmt"
	"time"

	"backoffice/domain"
)

// The week's last continuous shift (Entry.UntilNextWeek) runs on to the
// first shift of the next week. Since 2026-12-06 it follows that shift:
// a command that enters, moves or removes the next week's first shift
// records the new end in this week too (FollowNextWeek), while this week
// can still be edited. An offered, approved or imported week keeps the end
// it was offered with (the manual: once offered, the hours cannot be
// changed), and the next week's shifts must then not overlap it
// (entries_overlap_adjacent_week). Offering the week records a run-on end
// that is behind the next week first, so no week is offered with a stale
// one (docs/timesheets.md).

// FollowsNextWeek reports whether the week's last shift is a continuous
// one that runs on to the next week's first shift and the week can still
// be edited: a change of the next week's shifts then moves its end.
func (t *Timesheet) FollowsNextWeek() bool {
	_, ok := t.follower()
	return ok && t.Status().Editable()
}

// follower is the week's last shift when it is continuous and recorded
// under the run-on rule (Entry.UntilNextWeek).
func (t *Timesheet) follower() (Entry, bool) {
	if len(t.worked) == 0 {
		return Entry{}, false
	}
	i := t.entryIndex(t.worked[len(t.worked)-1].EntryID)
	if i < 0 || !t.entries[i].Continuous || !t.entries[i].UntilNextWeek {
		return Entry{}, false
	}
	return t.entries[i], true
}

// BeforeNextWeek are the recorded intervals that the next week's shifts
// must not overlap (AdjacentWeeks.Prev of a command on the next week):
// Worked, without the last shift when it follows the next week
// (FollowsNextWeek): its end moves to the next week's first shift, so it
// never overlaps one.
func (t *Timesheet) BeforeNextWeek() []Worked {
	w := t.Worked()
	if t.FollowsNextWeek() {
		w = w[:len(w)-1]
	}
	return w
}

// FollowNextWeek records where the week's last continuous shift ends now
// that the next week's shifts are next (their computed intervals, as a
// command on that week leaves them): at the first of them, or at its own
// end when there is none. It returns the re-record of that entry
// (TimeEntryChanged, the entry unchanged, FollowedNextWeek set) applied to
// t, or nothing when the end stays or the week cannot follow
// (FollowsNextWeek). A new end that breaks a rule of this week (more than
// 24 hours on its day, a break as long as the shift) is refused with that
// rule's error.
func (t *Timesheet) FollowNextWeek(next []Worked) ([]domain.Event, error) {
	if !t.FollowsNextWeek() {
		return nil, nil
	}
	e, _ := t.follower()
	worked := t.Worked()
	w := &worked[len(worked)-1]
	end, ok := ownEnd(e)
	if !ok {
		return nil, nil // recorded, so it existed: never here
	}
	if n, ok := FirstShiftAfter(next, w.Start); ok {
		end = n.Start
	}
	if end.Equal(w.End) {
		return nil, nil
	}
	w.End = end
	w.Elapsed = Minutes(end.Sub(w.Start) / time.Minute)
	if e.Break >= w.Elapsed {
		return nil, entryErr(domain.KindRule, "break_exceeds_shift", "break", e,
			fmt.Sprintf("the break must be shorter than the shift of %d minutes", w.Elapsed),
			fmt.Sprintf("De pauze moet korter zijn dan de dienst van %d minuten", w.Elapsed))
	}
	w.Minutes = w.Elapsed - e.Break
	line := Line{HourType: t.normalLine.HourType, Minutes: DayTotals(t.week, worked), FromTimeRegistration: true}
	if line.HourType.Code == "" {
		line.HourType = t.normal
	}
	days := t.dayTotalsWith(t.lines, line.Minutes)
	if err := checkDays(Terms{Week: t.week}, days, [7]Minutes{}, clockGained(t.week, worked)); err != nil {
		if e := continuousRunOn(err, t.week, t.entries, worked); e != nil {
			return nil, e
		}
		return nil, err
	}
	return t.record(&TimeEntryChanged{Entry: e, TimeEntries: TimeEntries{Worked: worked, NormalLine: line, DayTotals: days},
		FollowedNextWeek: true}), nil
}

// FollowFromNextWeek is FollowNextWeek for a command on the next week: a
// refusal is put in that week's words (the continuous shift of the
// previous week would run on too far, code previous_week_run_on, the
// refused rule in the message), so the user knows which shift to change.
func (t *Timesheet) FollowFromNextWeek(next []Worked) ([]domain.Event, error) {
	events, err := t.FollowNextWeek(next)
	var de *domain.Error
	if err == nil || !errors.As(err, &de) {
		return events, err
	}
	e, _ := t.follower()
	d := (int(e.Date.Weekday()) + 6) % 7
	head := fmt.Sprintf("The continuous shift of %s %s %s in week %d would then end at its end time %s", dayNamesEN[d], e.Date, e.Start, t.week.Week, e.End)
	headNL := fmt.Sprintf("De doorlopende dienst van %s %s %s in week %d eindigt dan op zijn eindtijd %s", dayNamesNL[d], e.Date.NL(), e.Start, t.week.Week, e.End)
	if n, ok := FirstShiftAfter(next, t.worked[len(t.worked)-1].Start); ok {
		at := n.Start.In(amsterdam)
		nd := (int(at.Weekday()) + 6) % 7
		head = fmt.Sprintf("The continuous shift of %s %s %s in week %d would then run on to %s %s %s", dayNamesEN[d], e.Date, e.Start, t.week.Week,
			dayNamesEN[nd], DateOf(at), at.Format("15:04"))
		headNL = fmt.Sprintf("De doorlopende dienst van %s %s %s in week %d loopt dan door tot %s %s %s", dayNamesNL[d], e.Date.NL(), e.Start, t.week.Week,
			dayNamesNL[nd], DateOf(at).NL(), at.Format("15:04"))
	}
	msg, msgNL := head+". That is not possible: "+de.Message, headNL+". Dat kan niet: "+de.MessageNL
	if de.Code == "day_over_24h" {
		msg = fmt.Sprintf("%s, which puts more than 24 hours on that %s. Untick continuous shift there first, or enter the shifts in between.", head, dayNamesEN[d])
		msgNL = fmt.Sprintf("%s; zo staat er op die %s meer dan 24 uur. Zet daar eerst 'Doorlopende dienst' uit of vul de diensten daartussen in.", headNL, dayNamesNL[d])
	}
	return nil, &domain.Error{Kind: domain.KindRule, Code: "previous_week_run_on", Message: msg, MessageNL: msgNL}
}
