package timesheet

import (
	"context"
	"fmt"

	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
)

// adjacent loads the computed worked intervals of the same placement's
// timesheets in the week before and the week after l's week, for the
// domain's check that a shift does not overlap one across the week boundary
// (a Sunday night shift ends on the next week's Monday). The intervals are
// the ones recorded in those streams, so a continuous Sunday shift counts
// with the end it was computed with. Outside time registration there are
// no entries to check and nothing is loaded. Missing streams have no
// shifts.
//
// The neighbouring streams are read, not locked: two racing commands on
// adjacent weeks are each checked against the other's state before it.
func (h *Handler) adjacent(ctx context.Context, l *loaded) (ts.AdjacentWeeks, error) {
	var adj ts.AdjacentWeeks
	if !l.terms.TimeRegistration {
		return adj, nil
	}
	var (
		reads []eventstore.StreamRead
		into  []*[]ts.Worked
	)
	for _, n := range []struct {
		week ts.ISOWeek
		into *[]ts.Worked
	}{{l.terms.Week.Prev(), &adj.Prev}, {l.terms.Week.Next(), &adj.Next}} {
		if n.week.Valid() {
			reads = append(reads, eventstore.StreamRead{Stream: ts.StreamName(l.terms.PlacementID, n.week)})
			into = append(into, n.into)
		}
	}
	got, err := h.store.ReadStreams(ctx, reads...) // both weeks in one round trip
	if err != nil {
		return ts.AdjacentWeeks{}, fmt.Errorf("commands/timesheet: adjacent week: %w", err)
	}
	for i, sl := range got {
		sheet := &ts.Timesheet{}
		if _, err := foldSlice(ctx, sl, ts.Events, sheet); err != nil {
			return ts.AdjacentWeeks{}, fmt.Errorf("commands/timesheet: adjacent week: %w", err)
		}
		*into[i] = sheet.Worked()
	}
	return adj, nil
}
