package timesheet

import (
	"context"
	"fmt"

	"backoffice/commands"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
)

// neighbours are the same placement's timesheets of the weeks before and
// after a command's week: their computed intervals for the domain's
// overlap check, and the previous week itself, whose last continuous
// shift may follow the command's week (ts.Timesheet.FollowNextWeek).
type neighbours struct {
	adj        ts.AdjacentWeeks
	prev       *ts.Timesheet // nil outside time registration or in 0001-W01
	prevStream commands.Stream
}

// adjacent loads the computed worked intervals of the same placement's
// timesheets in the week before and the week after l's week, for the
// domain's check that a shift does not overlap one across the week boundary
// (a Sunday night shift ends on the next week's Monday). The intervals are
// the ones recorded in those streams, so a continuous Sunday shift counts
// with the end it was computed with, except the previous week's last
// continuous shift while that week can follow this one
// (ts.Timesheet.BeforeNextWeek): its end moves with this week's first
// shift. Outside time registration there are no entries to check and
// nothing is loaded. Missing streams have no shifts.
//
// The neighbouring streams are read, not locked: two racing commands on
// adjacent weeks are each checked against the other's state before it.
func (h *Handler) adjacent(ctx context.Context, l *loaded) (ts.AdjacentWeeks, error) {
	n, err := h.neighbours(ctx, l)
	return n.adj, err
}

func (h *Handler) neighbours(ctx context.Context, l *loaded) (neighbours, error) {
	var n neighbours
	if !l.terms.TimeRegistration {
		return n, nil
	}
	var (
		reads []eventstore.StreamRead
		prev  []bool
	)
	for _, w := range []struct {
		week ts.ISOWeek
		prev bool
	}{{l.terms.Week.Prev(), true}, {l.terms.Week.Next(), false}} {
		if w.week.Valid() {
			reads = append(reads, eventstore.StreamRead{Stream: ts.StreamName(l.terms.PlacementID, w.week)})
			prev = append(prev, w.prev)
		}
	}
	got, err := h.store.ReadStreams(ctx, reads...) // both weeks in one round trip
	if err != nil {
		return neighbours{}, fmt.Errorf("commands/timesheet: adjacent week: %w", err)
	}
	for i, sl := range got {
		sheet := &ts.Timesheet{}
		st, err := foldSlice(ctx, sl, ts.Events, sheet)
		if err != nil {
			return neighbours{}, fmt.Errorf("commands/timesheet: adjacent week: %w", err)
		}
		if prev[i] {
			n.adj.Prev = sheet.BeforeNextWeek()
			n.prev, n.prevStream = sheet, st
		} else {
			n.adj.Next = sheet.Worked()
		}
	}
	return n, nil
}
