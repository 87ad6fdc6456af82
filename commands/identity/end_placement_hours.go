package identity

import (
	"context"
	"fmt"
	"time"

	"backoffice/commands"
	"backoffice/domain/placement"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
)

// bookedAfter reads the placement's timesheets from the week after end up
// to the current week (Europe/Amsterdam) and returns their days with hours
// or expenses, for placement.CheckNoHoursAfterEnd. Later weeks cannot hold
// hours: a week that has not started cannot be filled. The timesheets are
// read, not locked; a timesheet changed at the same moment is caught when
// it is offered or approved, which re-check every day against the period.
func bookedAfter(ctx context.Context, store eventstore.Store, placementID string, end, now time.Time) ([]placement.Booked, error) {
	return bookedIn(ctx, store, placementID, ts.WeekOf(ts.DateOf(end).AddDays(1)), ts.WeekOf(ts.Today(now)))
}

// bookedBefore reads the placement's timesheets from the week of the
// recorded start up to the week before the day of a later start (at most
// the current week), for placement.CheckNoHoursBeforeStart; as bookedAfter
// they are read, not locked.
func bookedBefore(ctx context.Context, store eventstore.Store, placementID string, oldStart, newStart, now time.Time) ([]placement.Booked, error) {
	if !newStart.After(oldStart) {
		return nil, nil
	}
	last := ts.WeekOf(ts.DateOf(newStart).AddDays(-1))
	if current := ts.WeekOf(ts.Today(now)); current.Start().Before(last.Start()) {
		last = current
	}
	return bookedIn(ctx, store, placementID, ts.WeekOf(ts.DateOf(oldStart)), last)
}

// bookedIn returns the days with hours or expenses of the placement's
// timesheets of the weeks first..last.
func bookedIn(ctx context.Context, store eventstore.Store, placementID string, first, last ts.ISOWeek) ([]placement.Booked, error) {
	var out []placement.Booked
	for w := first; !w.Start().After(last.Start()); w = w.Next() {
		sheet := &ts.Timesheet{}
		if _, err := commands.LoadInto(ctx, store, ts.StreamName(placementID, w), ts.Events, sheet); err != nil {
			return nil, fmt.Errorf("identity: timesheet %s of placement %s: %w", w, placementID, err)
		}
		for _, d := range sheet.BookedDays() {
			out = append(out, placement.Booked{Week: w.String(), Day: time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)})
		}
	}
	return out, nil
}
