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
	first := ts.WeekOf(ts.DateOf(end).AddDays(1))
	current := ts.WeekOf(ts.Today(now))
	var out []placement.Booked
	for w := first; !w.Start().After(current.Start()); w = w.Next() {
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
