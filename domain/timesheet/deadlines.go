package timesheet

import (
	"time"

	"backoffice/domain"
)

// amsterdam is the bureau's time zone: deadlines, fillable weeks and time
// registration are all reckoned in it.
var amsterdam = domain.Amsterdam

// Location is Europe/Amsterdam.
func Location() *time.Location { return amsterdam }

// WeekStartsAt is Monday 00:00 Europe/Amsterdam of the week.
func WeekStartsAt(w ISOWeek) time.Time { return w.Start().At(0, 0, amsterdam) }

// EntryDeadline is when hours must have been offered: Tuesday 00:00
// Europe/Amsterdam of the following week ("voor dinsdag").
func EntryDeadline(w ISOWeek) time.Time { return w.Start().AddDays(8).At(0, 0, amsterdam) }

// ApprovalDeadline is when the timesheet must be approved: Wednesday 10:00
// Europe/Amsterdam of the following week.
func ApprovalDeadline(w ISOWeek) time.Time { return w.Start().AddDays(9).At(10, 0, amsterdam) }

// CheckFillable reports why a week cannot be filled for a placement period
// at now, or nil: the week must overlap the period and have started (the
// current week is fillable, future weeks are not).
func CheckFillable(p Period, w ISOWeek, now time.Time) error {
	if !p.Overlaps(w) {
		return domain.Rule("week_outside_placement", "week", "the week is outside the placement period",
			"Deze week valt buiten de plaatsingsperiode.")
	}
	if now.Before(WeekStartsAt(w)) {
		return domain.Rule("week_not_started", "week", "this week has not started yet",
			"Deze week is nog niet begonnen en kan nog niet worden ingevuld.")
	}
	return nil
}

// Fillable reports whether CheckFillable passes.
func Fillable(p Period, w ISOWeek, now time.Time) bool { return CheckFillable(p, w, now) == nil }
