package portal

import (
	"strings"
	"time"

	"backoffice/domain/timesheet"
	"backoffice/http/httpx"
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

// weekInvalid is the message at a typed week that does not parse: the
// catalogue's "enter a valid week, e.g. 2026-W05", except for week 53 of a
// year that has 52, where the example would not help and the domain says
// why ("2025 heeft 52 weken").
func weekInvalid(v *view, typed string, err error) string {
	if y, ok := strings.CutSuffix(typed, "-W53"); ok && len(y) == 4 {
		return httpx.Detail(err, v.Lang).Message
	}
	return v.T("report.week_invalid")
}
