package missingweeks_test

import (
	"testing"
	"time"

	ts "backoffice/domain/timesheet"
	"backoffice/readmodel/missingweeks"
)

// TestWindowRunsAheadOfTheClock: a roll-over at any moment of a week
// covers the 26 weeks before it, the week itself and the next, so when the
// clock passes Sunday midnight (no event, no roll-over) the week just
// ended is already in the window; the start never moves back.
func TestWindowRunsAheadOfTheClock(t *testing.T) {
	ams := ts.Location()
	for _, at := range []time.Time{
		time.Date(2026, 3, 2, 0, 0, 0, 0, ams),    // Monday 00:00
		time.Date(2026, 3, 4, 12, 0, 0, 0, ams),   // Wednesday
		time.Date(2026, 3, 8, 23, 59, 0, 0, ams),  // Sunday night
		time.Date(2026, 12, 31, 23, 0, 0, 0, ams), // ISO week 53
		time.Date(2026, 3, 29, 1, 30, 0, 0, ams),  // the night summer time starts
	} {
		w := missingweeks.Target(at)
		cur := ts.WeekOf(ts.DateOf(at))
		if w.First != cur.Start().AddDays(-7*missingweeks.PastWeeks) || w.Last != cur.Next().Start() {
			t.Errorf("%s: target %v, current week %v", at, w, cur)
		}
		nextMonday := cur.Next().Start().At(8, 0, ams)
		for _, weeks := range [][]ts.ISOWeek{{cur}, {cur.Next()}, {cur.Prev()}} {
			if !w.Covers(weeks) {
				t.Errorf("%s: window %v does not cover %v", at, w, weeks)
			}
		}
		if !w.Covers([]ts.ISOWeek{ts.WeekOf(ts.DateOf(nextMonday)).Prev()}) {
			t.Errorf("%s: on the next Monday the week just ended is outside %v", at, w)
		}
		if w.Covers([]ts.ISOWeek{cur.Next().Next()}) || w.Covers([]ts.ISOWeek{cur, cur.Next().Next()}) {
			t.Errorf("%s: window %v covers the week after next", at, w)
		}
		if (missingweeks.Window{}).Covers([]ts.ISOWeek{cur}) {
			t.Error("the empty window (before the first roll-over) covers a week")
		}
	}
}
