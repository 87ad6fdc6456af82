package timesheet

import (
	"fmt"
	"strings"
	"time"

	"backoffice/domain"
)

// Today is the calendar date of now in Europe/Amsterdam: the last day on
// which hours can be booked (hours are recorded, not planned).
func Today(now time.Time) Date { return DateOf(now.In(amsterdam)) }

// DayName is the name of day i (0 = Monday) in lang ("nl" or "en"), for
// messages: field keys such as "mon" are never shown to a user.
func DayName(i int, lang string) string {
	if i < 0 || i > 6 {
		return ""
	}
	if lang == "nl" {
		return dayNamesNL[i]
	}
	return dayNamesEN[i]
}

// errFutureDay is the refusal of hours on a day after today.
func errFutureDay(field string, d Date, i int) error {
	return domain.Rule("day_in_future", field,
		fmt.Sprintf("%s %s is in the future: hours can be entered up to and including today", dayNamesEN[i], d),
		fmt.Sprintf("%s %s ligt in de toekomst: uren kunnen tot en met vandaag worden ingevuld.", capitalise(dayNamesNL[i]), d.NL()))
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// checkNotFuture refuses minutes on days of the week after today
// (Europe/Amsterdam).
func checkNotFuture(week ISOWeek, changed [7]Minutes, now time.Time) error {
	today := Today(now)
	for i, m := range changed {
		if d := week.Day(i); m != 0 && d.After(today) {
			return errFutureDay(dayFields[i], d, i)
		}
	}
	return nil
}

// checkEntryRules checks the rules of a time entry that depend on the
// clock or need an explicit choice: a shift cannot start after today, and
// a start equal to the end is a 24-hour shift only when the entry says so
// (Shift24h), since it is far more often a typing error.
func checkEntryRules(week ISOWeek, in EntryInput, now time.Time) error {
	if in.Shift24h && in.Start != in.End {
		return domain.Invalid("shift_24h_mismatch", "shift_24h",
			fmt.Sprintf("a 24-hour shift ends at its start time; start is %s, end is %s", in.Start, in.End),
			fmt.Sprintf("Een dienst van 24 uur eindigt op de begintijd; de begintijd is %s, de eindtijd %s.", in.Start, in.End))
	}
	if in.Start == in.End && !in.shift24h() {
		return domain.Rule("start_equals_end", "end",
			fmt.Sprintf("start and end are both %s; for a shift of exactly 24 hours set shift_24h", in.Start),
			fmt.Sprintf("Begin- en eindtijd zijn allebei %s; kies '24-uursdienst' voor een dienst van precies 24 uur.", in.Start))
	}
	if in.Date.After(Today(now)) {
		return errFutureDay("date", in.Date, int(in.Date.Weekday()+6)%7)
	}
	return nil
}

// daysWithHours lists the days of the week with booked minutes or a
// claimed expense for which keep reports false, in order.
func (t *Timesheet) daysWithHours(week ISOWeek, keep func(Date) bool) []Date {
	var out []Date
	seen := map[Date]bool{}
	add := func(d Date) {
		if !keep(d) && !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	for i, m := range t.DayTotals() {
		if m != 0 {
			add(week.Day(i))
		}
	}
	for _, e := range t.expenses {
		add(e.Date)
	}
	return out
}

// BookedDays are the days of the week with hours or expenses, in order:
// what ending the placement before one of them would leave unpaid or paid
// wrongly.
func (t *Timesheet) BookedDays() []Date {
	return t.daysWithHours(t.week, func(Date) bool { return false })
}

// checkBookedInPeriod refuses offering or approving a timesheet with hours
// or expenses on days outside the placement period: the placement was ended
// (or its data was recorded) after those hours were entered. The days are
// named so the one who enters the hours can remove them after a rejection.
func (t *Timesheet) checkBookedInPeriod(terms Terms) error {
	out := t.daysWithHours(terms.Week, terms.Period.Contains)
	if len(out) == 0 {
		return nil
	}
	list, listNL := make([]string, len(out)), make([]string, len(out))
	for i, d := range out {
		list[i], listNL[i] = d.String(), d.NL()
	}
	return domain.Rule("hours_outside_placement", "",
		"hours or expenses are booked on days outside the placement period ("+strings.Join(list, ", ")+"); reject the timesheet so they can be removed",
		"Er zijn uren of onkosten geboekt op dagen buiten de plaatsingsperiode ("+strings.Join(listNL, ", ")+"); keur het urenbriefje af zodat ze kunnen worden verwijderd.")
}

// checkNoFutureHours refuses offering hours booked on days that are still
// in the future (entered before that was refused).
func (t *Timesheet) checkNoFutureHours(terms Terms, now time.Time) error {
	return checkNotFuture(terms.Week, t.DayTotals(), now)
}

// StepToApprove is the step an approval that names none is meant for: the
// current step, except when the actor's role is not the current step's
// party but approved an earlier step of this round. That is a repeated
// approval (a double click, two users of one party at once), which Approve
// then answers with the conflict step_already_approved instead of the
// misleading not_your_step.
func (t *Timesheet) StepToApprove(actor domain.Actor) int {
	if t.Status() != StatusOffered || t.step >= len(t.chain) || actor.Is(t.chain[t.step], domain.RoleBackoffice) {
		return t.step
	}
	for i := t.step - 1; i >= 0; i-- {
		if t.chain[i] == actor.Role {
			return i
		}
	}
	return t.step
}
