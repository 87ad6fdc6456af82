package placement

import (
	"time"

	"backoffice/domain/validate"
)

// Period is a range of calendar dates, both ends inclusive. A zero End
// means open-ended.
type Period struct {
	Start time.Time
	End   time.Time
}

// Open reports whether the period has no end date.
func (p Period) Open() bool { return p.End.IsZero() }

// Contains reports whether the date lies in the period.
func (p Period) Contains(date time.Time) bool {
	d := validate.Day(date)
	return !d.Before(p.Start) && (p.Open() || !d.After(p.End))
}

// Overlaps reports whether the period shares at least one date with
// [from, to] (inclusive), e.g. an ISO week Monday..Sunday.
func (p Period) Overlaps(from, to time.Time) bool {
	from, to = validate.Day(from), validate.Day(to)
	if to.Before(from) {
		return false
	}
	return !to.Before(p.Start) && (p.Open() || !from.After(p.End))
}
