package timesheet

import (
	"time"

	"backoffice/domain"
)

// AddRemark adds a remark before offering.
func (t *Timesheet) AddRemark(actor domain.Actor, terms Terms, text string, now time.Time) ([]domain.Event, error) {
	prelude, err := t.beginEdit(actor, terms, now)
	if err != nil {
		return nil, err
	}
	if text, err = remarkText(text); err != nil {
		return nil, err
	}
	if len(t.remarks) >= MaxRemarks {
		return nil, errTooManyRemarks()
	}
	return t.record(append(prelude, &RemarkAdded{Remark: Remark{Text: text, By: actor.Role}})...), nil
}
