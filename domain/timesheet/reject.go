package timesheet

import (
	"strings"
	"time"
	"unicode/utf8"

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
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return nil, domain.Invalid("reason_required", "reason", "give a reason for the rejection", "Geef een reden voor het afkeuren.")
	case !utf8.ValidString(reason):
		return nil, domain.Invalid("reason_invalid", "reason", "the reason is not valid text", "De reden is geen geldige tekst.")
	case utf8.RuneCountInString(reason) > MaxReasonLength:
		return nil, domain.Invalid("reason_too_long", "reason", "the reason is too long (max 1000 characters)",
			"De reden is te lang (maximaal 1000 tekens).")
	}
	return t.record(&Rejected{
		Round: t.round, Step: t.step, Party: t.chain[t.step], By: actor.Role,
		Reason: reason, ReturnedTo: t.enteredBy, Hash: t.hash,
	}), nil
}
