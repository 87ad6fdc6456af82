package timesheet

import (
	"fmt"

	"backoffice/domain"
)

// AdjacentWeeks are the computed worked intervals of the same placement's
// timesheets in the previous and the next ISO week, as recorded in their
// streams (Timesheet.Worked). A shift may cross the week boundary: a Sunday
// night shift ends on the Monday of the next week, so entries of adjacent
// weeks can overlap although each week is free of overlaps on its own. The
// zero value means there are no shifts in either neighbouring week.
type AdjacentWeeks struct {
	Prev []Worked
	Next []Worked
}

// CheckAdjacentWeek reports the first shift in worked (this week's computed
// intervals, real instants) that overlaps a shift in neighbour (a
// neighbouring week's computed intervals) as the rule error
// entries_overlap_adjacent_week, with Field the day of this week's shift
// ("mon") and a message naming the other shift's week, day and times.
// Shifts that only touch (one ends when the other starts) do not overlap.
func CheckAdjacentWeek(worked, neighbour []Worked) error {
	for _, w := range worked {
		for _, n := range neighbour {
			if w.Start.Before(n.End) && n.Start.Before(w.End) {
				return errAdjacentOverlap(w, n)
			}
		}
	}
	return nil
}

func errAdjacentOverlap(w, n Worked) *domain.Error {
	field := dayFields[(int(w.Date.Weekday())+6)%7]
	nd := (int(n.Date.Weekday()) + 6) % 7
	span := n.Start.In(amsterdam).Format("15:04") + "–" + n.End.In(amsterdam).Format("15:04")
	wk := WeekOf(n.Date).Week
	return domain.Rule("entries_overlap_adjacent_week", field,
		fmt.Sprintf("This shift overlaps a shift in week %d (%s %s).", wk, dayNamesEN[nd], span),
		fmt.Sprintf("Deze dienst overlapt met een dienst in week %d (%s %s).", wk, dayNamesNL[nd], span))
}

// checkAdjacent checks the intervals of worked (the result of a change of
// the entries) that are new or differ from the current state against the
// adjacent weeks. Unchanged intervals are left alone, so a change elsewhere
// in the week (or removing the offending entry) is never blocked by an
// overlap recorded before this rule existed; an interval that changed only
// because a continuous shift now runs on to another entry, or to its own
// end, is checked too.
func (t *Timesheet) checkAdjacent(worked []Worked, adj AdjacentWeeks) error {
	if len(adj.Prev) == 0 && len(adj.Next) == 0 {
		return nil
	}
	before := make(map[int]Worked, len(t.worked))
	for _, w := range t.worked {
		before[w.EntryID] = w
	}
	var changed []Worked
	for _, w := range worked {
		if b, ok := before[w.EntryID]; ok && b.Start.Equal(w.Start) && b.End.Equal(w.End) {
			continue
		}
		changed = append(changed, w)
	}
	if err := CheckAdjacentWeek(changed, adj.Prev); err != nil {
		return err
	}
	return CheckAdjacentWeek(changed, adj.Next)
}

// Worked are the computed worked intervals of the time entries, sorted by
// start, as recorded (not recomputed). The command layer passes those of the
// neighbouring weeks as AdjacentWeeks.
func (t *Timesheet) Worked() []Worked {
	out := make([]Worked, len(t.worked))
	copy(out, t.worked)
	return out
}
