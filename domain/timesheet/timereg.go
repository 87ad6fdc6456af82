package timesheet

import (
	"fmt"
	"sort"
	"time"

	"backoffice/domain"
)

// Clock is a wall-clock time of day in minutes after midnight (0..1439).
type Clock int

// ParseClock reads "07:30" or "7:30" (00:00..23:59).
func ParseClock(s string) (Clock, error) {
	if s == "" {
		return 0, domain.Invalid("clock_invalid", "time", "Enter a time (hh:mm).", "Vul een tijd in (uu:mm).")
	}
	bad := domain.Invalid("clock_invalid", "time", domain.Quote(s)+" is not a time of day (hh:mm)",
		domain.Quote(s)+" is geen geldige tijd (uu:mm).")
	if s == "24:00" { // only an end (ParseEndClock)
		return 0, domain.Invalid("clock_invalid", "time", "24:00 is the end of a day: a shift starting at midnight starts at 00:00",
			"24:00 is het einde van een dag: een dienst die om middernacht begint, begint om 00:00.")
	}
	if len(s) < 4 || len(s) > 5 || s[len(s)-3] != ':' {
		return 0, bad
	}
	h, m := 0, 0
	for i, c := range s {
		switch {
		case i == len(s)-3:
		case c < '0' || c > '9':
			return 0, bad
		case i < len(s)-3:
			h = h*10 + int(c-'0')
		default:
			m = m*10 + int(c-'0')
		}
	}
	if h > 23 || m > 59 {
		return 0, bad
	}
	return Clock(h*60 + m), nil
}

// ParseEndClock reads the end of a shift: a time of day as ParseClock
// does, or "24:00", the end of the day (Dutch usage, and how the portal
// shows a deadline at midnight). 24:00 is the Clock 00:00 with endOfDay
// set: an end at or before the start ends on the next day anyway, and
// 00:00–24:00 is a 24-hour shift (EntryInput.EndOfDay).
func ParseEndClock(s string) (c Clock, endOfDay bool, err error) {
	if s == "24:00" {
		return 0, true, nil
	}
	c, err = ParseClock(s)
	return c, false, err
}

// Valid reports whether c is a time of day.
func (c Clock) Valid() bool { return c >= 0 && c < 24*60 }

// String formats c as "07:30".
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// MarshalText encodes as "07:30".
func (c Clock) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText decodes "07:30".
func (c *Clock) UnmarshalText(b []byte) error { return domain.UnmarshalText(c, b, ParseClock) }

// Entry is one line of time registration: the date the shift starts, start
// and end wall-clock time, the total break, and whether it is a continuous
// shift (doorlopende dienst) that runs on until the next entry starts.
type Entry struct {
	ID         int     `json:"id"`
	Date       Date    `json:"date"`
	Start      Clock   `json:"start"`
	End        Clock   `json:"end"`
	Break      Minutes `json:"break"`
	Continuous bool    `json:"continuous,omitempty"`
	// Shift24h: start = end was entered as a 24-hour shift on purpose.
	// Entries recorded before the flag existed may have start = end without it.
	Shift24h bool `json:"shift_24h,omitempty"`
	// UntilNextWeek: a continuous shift recorded under the rule that, as
	// the last shift of its week, it runs on to the first shift of the next
	// week when that one is recorded (AdjacentWeeks.Next). Continuous
	// entries recorded before the rule lack it and, as the week's last,
	// keep ending at their own end time whenever the week is recomputed.
	UntilNextWeek bool `json:"until_next_week,omitempty"`
}

// Worked is the computed result of one entry.
type Worked struct {
	EntryID int       `json:"entry_id"`
	Date    Date      `json:"date"`  // the day the shift starts and is booked on
	Start   time.Time `json:"start"` // real instants, with the zone offset
	End     time.Time `json:"end"`   // for a continuous shift: the next entry's start
	Elapsed Minutes   `json:"elapsed"`
	Minutes Minutes   `json:"minutes"` // elapsed minus break
}

// wallTime resolves a wall-clock time on d in loc. It reports false for a
// time that does not exist (skipped by a clock change); for a time that
// exists twice it picks the earlier instant. time.Date leaves both cases
// unspecified, so they are resolved here from the zone offsets around it.
func wallTime(d Date, c Clock, loc *time.Location) (time.Time, bool) {
	wall := time.Date(d.Year, d.Month, d.Day, int(c)/60, int(c)%60, 0, 0, time.UTC)
	approx := wall.In(loc) // any instant near the wall time, to read offsets
	var best time.Time
	found := false
	for _, probe := range []time.Time{approx.Add(-12 * time.Hour), approx.Add(12 * time.Hour)} {
		_, off := probe.In(loc).Zone()
		cand := wall.Add(-time.Duration(off) * time.Second).In(loc)
		y, m, dd := cand.Date()
		if y == d.Year && m == d.Month && dd == d.Day && cand.Hour()*60+cand.Minute() == int(c) {
			if !found || cand.Before(best) {
				best, found = cand, true
			}
		}
	}
	return best, found
}

func entryErr(kind domain.Kind, code, field string, e Entry, en, nl string) *domain.Error {
	return &domain.Error{Kind: kind, Code: code, Field: field,
		Message:   en + fmt.Sprintf(" (%s %s)", e.Date, e.Start),
		MessageNL: nl + fmt.Sprintf(" (%s %s)", e.Date.NL(), e.Start)}
}

// ComputeWorked computes the real worked time of each entry in loc
// (Europe/Amsterdam for the portal): the elapsed time between the start and
// end instants, so a night shift over the spring clock change is an hour
// shorter and one over the autumn change an hour longer than its wall-clock
// difference, minus the break.
//
// A shift whose end is at or before its start ends on the next day. A
// continuous shift ends where the next entry (by start instant) starts; when
// no entry follows it ends at its own end time. Entries may not overlap, a
// break must be shorter than the shift (a shift all break is no shift: it
// would book 0 minutes; stored entries are not recomputed on fold, so this
// only refuses a new decision), and wall times skipped by a clock change
// are refused. The result is sorted by start instant.
// ComputeWorked knows no next week: the week's last continuous shift ends
// at its own end (the commands pass the next week's shifts, see
// Entry.UntilNextWeek).
func ComputeWorked(entries []Entry, loc *time.Location) ([]Worked, error) {
	return computeWorked(entries, loc, 0, nil)
}

// computeWorked is ComputeWorked with the ID of the entry being added or
// changed (0: none): an overlap is reported on that entry, naming the other
// one, so the message never shows the user their own entry as "the other".
// next are the next week's recorded shifts: the week's last continuous
// shift with UntilNextWeek ends where the first of them starts (with none
// it ends at its own end).
func computeWorked(entries []Entry, loc *time.Location, focus int, next []Worked) ([]Worked, error) {
	out := make([]Worked, len(entries))
	for i, e := range entries {
		if !e.Start.Valid() {
			return nil, entryErr(domain.KindInvalid, "clock_invalid", "start", e, "start is not a time of day", "De begintijd is geen geldige tijd")
		}
		if !e.End.Valid() {
			return nil, entryErr(domain.KindInvalid, "clock_invalid", "end", e, "end is not a time of day", "De eindtijd is geen geldige tijd")
		}
		if e.Break < 0 {
			return nil, entryErr(domain.KindInvalid, "break_negative", "break", e, "the break cannot be negative", "De pauze kan niet negatief zijn")
		}
		start, ok := wallTime(e.Date, e.Start, loc)
		if !ok {
			return nil, entryErr(domain.KindInvalid, "time_does_not_exist", "start", e,
				"this start time does not exist: the clocks were put forward", "Deze begintijd bestaat niet: de klok is die nacht vooruit gezet")
		}
		endDate := e.Date
		if e.End <= e.Start {
			endDate = e.Date.AddDays(1)
		}
		end, ok := wallTime(endDate, e.End, loc)
		if !ok {
			return nil, entryErr(domain.KindInvalid, "time_does_not_exist", "end", e,
				"this end time does not exist: the clocks were put forward", "Deze eindtijd bestaat niet: de klok is die nacht vooruit gezet")
		}
		out[i] = Worked{EntryID: e.ID, Date: e.Date, Start: start, End: end}
	}
	idx := make([]int, len(entries))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		wa, wb := out[idx[a]], out[idx[b]]
		if !wa.Start.Equal(wb.Start) {
			return wa.Start.Before(wb.Start)
		}
		return wa.EntryID < wb.EntryID
	})
	sorted := make([]Worked, len(entries))
	for k, i := range idx {
		w := out[i]
		e := entries[i]
		if e.Continuous && k+1 < len(idx) {
			w.End = out[idx[k+1]].Start
		} else if e.Continuous && e.UntilNextWeek {
			if n, ok := FirstShiftAfter(next, w.Start); ok {
				w.End = n.Start
			}
		}
		if k+1 < len(idx) {
			next := out[idx[k+1]]
			if w.End.After(next.Start) || !next.Start.After(w.Start) {
				this, other := entries[idx[k+1]], e
				if focus != 0 && focus == e.ID {
					this, other = e, this
				}
				return nil, errOverlap(this, other)
			}
		}
		w.Elapsed = Minutes(w.End.Sub(w.Start) / time.Minute)
		if e.Break >= w.Elapsed {
			return nil, entryErr(domain.KindRule, "break_exceeds_shift", "break", e,
				fmt.Sprintf("the break must be shorter than the shift of %d minutes", w.Elapsed),
				fmt.Sprintf("De pauze moet korter zijn dan de dienst van %d minuten", w.Elapsed))
		}
		w.Minutes = w.Elapsed - e.Break
		sorted[k] = w
	}
	return sorted, nil
}

// FirstShiftAfter is the shift of worked (a week's recorded intervals)
// that starts first after t.
func FirstShiftAfter(worked []Worked, t time.Time) (Worked, bool) {
	var first Worked
	found := false
	for _, w := range worked {
		if w.Start.After(t) && (!found || w.Start.Before(first.Start)) {
			first, found = w, true
		}
	}
	return first, found
}

// wallMinutes is the shift's length by the wall clock (what the user
// typed): its elapsed time minus the hour the autumn clock change adds,
// plus the hour the spring change takes.
func wallMinutes(w Worked) Minutes {
	wall := func(t time.Time) time.Time {
		l := t.In(amsterdam)
		return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), 0, 0, time.UTC)
	}
	return Minutes(wall(w.End).Sub(wall(w.Start)) / time.Minute)
}

// errOverlap is entries_overlap on entry this, naming the other entry by its
// day, date and times as entered.
func errOverlap(this, other Entry) *domain.Error {
	d := (int(other.Date.Weekday()) + 6) % 7
	span := other.Start.String() + "–" + other.End.String()
	return &domain.Error{Kind: domain.KindRule, Code: "entries_overlap", Field: "start",
		Message:   fmt.Sprintf("This entry overlaps the entry of %s %s %s.", dayNamesEN[d], other.Date, span),
		MessageNL: fmt.Sprintf("Deze regel overlapt met de regel van %s %s %s.", dayNamesNL[d], other.Date.NL(), span)}
}

// DayTotals adds worked minutes per day of week (Monday first) by the date
// each shift starts; shifts starting outside the week are left out.
func DayTotals(week ISOWeek, worked []Worked) [7]Minutes {
	var days [7]Minutes
	for _, w := range worked {
		if i, ok := week.DayIndex(w.Date); ok {
			days[i] += w.Minutes
		}
	}
	return days
}
