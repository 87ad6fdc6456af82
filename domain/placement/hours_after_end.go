package placement

import (
	"strings"
	"time"

	"backoffice/domain"
	"backoffice/domain/validate"
)

// Booked is a day of the placement with hours or expenses in its
// timesheet of Week (an ISO week, "2026-W05"), as the ledger holds them.
type Booked struct {
	Week string
	Day  time.Time
}

// CheckNoHoursAfterEnd refuses ending the placement on end while hours or
// expenses are booked after it: they would stay in the ledger, be offered,
// approved and paid for days the worker was no longer placed. The error
// names the weeks concerned so they can be corrected (rejected and cleared)
// first. Ending is refused rather than voiding the hours, since an
// approved or imported week cannot be undone by an end date.
func CheckNoHoursAfterEnd(end time.Time, booked []Booked) error {
	end = validate.Day(end)
	var weeks []string
	for _, b := range booked {
		if validate.Day(b.Day).After(end) && (len(weeks) == 0 || weeks[len(weeks)-1] != b.Week) {
			weeks = append(weeks, b.Week)
		}
	}
	if len(weeks) == 0 {
		return nil
	}
	list := strings.Join(weeks, ", ")
	return domain.Rule("hours_after_end", "end",
		"hours or expenses are booked after this end date, in week(s) "+list+"; have them removed first or choose a later end date",
		"Er zijn uren of onkosten geboekt na deze einddatum, in week "+list+"; laat die eerst verwijderen of kies een latere einddatum.")
}
