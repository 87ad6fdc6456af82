package schedule

import (
	"fmt"
	"time"

	"backoffice/domain/timesheet"
)

// Kind of reminder. Stored in notify_reminders.kind and in mail_deliveries.kind:
// never rename.
const (
	KindEntry    = "reminder_entry"    // Monday: to whoever enters, weeks not offered
	KindMissing  = "reminder_missing"  // Tuesday: to intermediary and client, missing or late
	KindApproval = "reminder_approval" // Wednesday: to each approver, what waits before 10:00
)

// Kinds in the order of the week.
var Kinds = []string{KindEntry, KindMissing, KindApproval}

// Slot is when one kind of reminder is due in its week: a weekday and a
// time of day, Europe/Amsterdam.
type Slot struct {
	Weekday time.Weekday
	Hour    int
	Minute  int
	Enabled bool
}

// Plan is the bureau's reminder schedule.
type Plan map[string]Slot

// DefaultPlan is the manual's rhythm: Monday 09:00, Tuesday 09:00,
// Wednesday 08:00 (before the 10:00 approval deadline).
func DefaultPlan() Plan {
	return Plan{
		KindEntry:    {Weekday: time.Monday, Hour: 9, Enabled: true},
		KindMissing:  {Weekday: time.Tuesday, Hour: 9, Enabled: true},
		KindApproval: {Weekday: time.Wednesday, Hour: 8, Enabled: true},
	}
}

// Window is how long after its due time a reminder may still be sent (a
// process that was down at 09:00 still sends at 11:00; one down all day
// does not send yesterday's reminder).
const Window = 12 * time.Hour

// remindsOf is the deadline a kind of reminder comes before, for the week
// it concerns (the Tuesday reminder reports what is late: none).
var remindsOf = map[string]func(timesheet.ISOWeek) time.Time{
	KindEntry:    timesheet.EntryDeadline,
	KindApproval: timesheet.ApprovalDeadline,
}

// Due is when the reminder of kind is due in ISO week w: the slot's weekday
// and time, moved to the next working day when that day is a public
// holiday, in Europe/Amsterdam. Deadlines do not move for holidays, so a
// reminder that the move would put at or after the deadline it reminds of
// (Easter Monday's entry reminder on Tuesday 09:00, after Monday 24:00;
// the approval reminder of a Christmas Wednesday on Friday) stays on its
// own day: a reminder to act before a time already past asks the
// impossible.
func (p Plan) Due(kind string, w timesheet.ISOWeek) (time.Time, error) {
	s, ok := p[kind]
	if !ok {
		return time.Time{}, fmt.Errorf("schedule: unknown reminder kind %q", kind)
	}
	offset := (int(s.Weekday) + 6) % 7 // Monday 0 ... Sunday 6
	own := w.Start().AddDays(offset).At(s.Hour, s.Minute, timesheet.Location())
	moved := NextWorkingDay(w.Start().AddDays(offset)).At(s.Hour, s.Minute, timesheet.Location())
	if deadline, ok := remindsOf[kind]; ok {
		if d := deadline(w.Prev()); !moved.Before(d) && own.Before(d) {
			return own, nil
		}
	}
	return moved, nil
}

// DueNow lists the enabled kinds whose reminder for the week of now is due
// (due <= now < due + Window), with that week.
func (p Plan) DueNow(now time.Time) []Due {
	w := timesheet.WeekOf(timesheet.DateOf(now.In(timesheet.Location())))
	var out []Due
	for _, kind := range Kinds {
		s, ok := p[kind]
		if !ok || !s.Enabled {
			continue
		}
		at, err := p.Due(kind, w)
		if err != nil {
			continue
		}
		if !now.Before(at) && now.Before(at.Add(Window)) {
			out = append(out, Due{Kind: kind, Week: w, At: at})
		}
	}
	return out
}

// Due is one reminder run: kind, the week it is sent in, and its due time.
// It concerns the previous week (Week.Prev()).
type Due struct {
	Kind string
	Week timesheet.ISOWeek
	At   time.Time
}
