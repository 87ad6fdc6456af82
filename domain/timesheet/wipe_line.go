package timesheet

import (
	"time"

	"backoffice/domain"
)

// WipeLine removes the whole line of an hour type (wissen).
func (t *Timesheet) WipeLine(actor domain.Actor, terms Terms, hourType string, now time.Time) ([]domain.Event, error) {
	if _, err := t.beginEdit(actor, terms, now); err != nil {
		return nil, err
	}
	if _, ok := t.lines[hourType]; !ok {
		return nil, domain.NotFound("line_not_found", "There is no line of this hour type.", "Er is geen urenregel van deze uursoort.")
	}
	lines := make(map[string]Line, len(t.lines))
	for c, l := range t.lines {
		if c != hourType {
			lines[c] = l
		}
	}
	days := t.dayTotalsWith(lines, t.normalLine.Minutes)
	return t.record(&LineWiped{HourType: hourType, DayTotals: days}), nil
}
