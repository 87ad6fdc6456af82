package portal

import (
	"time"

	"backoffice/domain/timesheet"
)

// BuildWeeks is the week overview of a year for a placement period: every
// ISO week of the year, fillable when timesheet.Fillable says so at now,
// with the status from statuses (StatusNone when absent). Adapters of
// Timesheets.Weeks use it so the portal and the commands agree on which
// weeks can be opened.
func BuildWeeks(p timesheet.Period, year int, now time.Time, statuses map[timesheet.ISOWeek]timesheet.Status) []Week {
	n := timesheet.WeeksInYear(year)
	out := make([]Week, 0, n)
	for w := 1; w <= n; w++ {
		wk := timesheet.ISOWeek{Year: year, Week: w}
		st, ok := statuses[wk]
		if !ok || st == "" {
			st = timesheet.StatusNone
		}
		out = append(out, Week{Week: wk, Fillable: timesheet.Fillable(p, wk, now), Status: st})
	}
	return out
}
