package timesheet

import (
	"time"

	"backoffice/domain"
)

// Reject (afkeuren) returns the offered timesheet, with a reason, to the
// one who enters the hours; it is editable again and the reason is shown.
// Only the current step's party (or the back office) may reject.
func (t *Timesheet) Reject(actor domain.Actor, terms Terms, reason string, now time.Time) ([]domain.Event, error) {
	if err := t.checkTerms(terms); err != nil {
		return nil, err
	}
	if err := t.checkOffered(); err != nil {
		return nil, err
	}
	if err := t.checkStepParty(actor); err != nil {
		return nil, err
	}
	reason, err := reasonText(reason)
	if err != nil {
		return nil, err
	}
	return t.record(&Rejected{
		Round: t.round, Step: t.step, Party: t.chain[t.step], By: actor.Role,
		Reason: reason, ReturnedTo: t.enteredBy, Hash: t.hash,
	}), nil
}
