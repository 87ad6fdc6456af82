package validate

import (
	"time"
	_ "time/tzdata" // the zone database, also where the OS has none

	"backoffice/domain"
)

// Day returns the calendar date of t (in t's own location) as midnight UTC.
//
// The domain represents calendar dates (start and end of a placement, the
// date an agreement applies from, a date of birth) as time.Time values at
// midnight UTC, so they compare with ==, Before and After and serialize
// stably in events ("2025-01-06T00:00:00Z"). Callers pass "now" in
// Europe/Amsterdam so that Day(now) is the Dutch "today".
func Day(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// amsterdam is the bureau's time zone: "today" is the Dutch date.
var amsterdam = domain.Amsterdam

// Today is the Dutch calendar date at the instant now, whatever now's own
// location (servers usually run in UTC; between midnight and 01:00 or
// 02:00 Amsterdam time the UTC date is still yesterday).
func Today(now time.Time) time.Time {
	if now.IsZero() {
		return time.Time{}
	}
	return Day(now.In(amsterdam))
}

// Date checks that a required date is set and returns it as Day(t).
func Date(field string, t time.Time) (time.Time, error) {
	if t.IsZero() {
		return time.Time{}, domain.Invalid("required", field,
			"The date is required.",
			"De datum is verplicht.")
	}
	if y := t.Year(); y < 1900 || y > 2200 {
		return time.Time{}, errDateRange(field)
	}
	return Day(t), nil
}

// ParseDate parses "2006-01-02" (the form in HTML date inputs) into a Day.
func ParseDate(field, s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, domain.Invalid("date_format", field,
			"The date must look like 2025-01-31.",
			"De datum moet de vorm 2025-01-31 hebben.")
	}
	if t.IsZero() { // "0001-01-01" was typed: out of range, not missing
		return time.Time{}, errDateRange(field)
	}
	return Date(field, t)
}

// ParseOptionalDate is ParseDate for a date that may be left out: ""
// gives nil.
func ParseOptionalDate(field, s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := ParseDate(field, s)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// YearsBetween returns the completed years from birth to on (an age).
func YearsBetween(birth, on time.Time) int {
	birth, on = Day(birth), Day(on)
	years := on.Year() - birth.Year()
	if on.Month() < birth.Month() || on.Month() == birth.Month() && on.Day() < birth.Day() {
		years--
	}
	return years
}

func errDateRange(field string) error {
	return domain.Invalid("date_range", field, "The date is out of range.", "De datum valt buiten het toegestane bereik.")
}
