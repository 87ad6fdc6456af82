package timesheet

import (
	"time"

	"backoffice/domain"
)

// WithdrawOffer (aanbieden intrekken) takes an offer back before anyone
// approved it, so the one who enters the hours can correct them: the
// timesheet is open again. Only the one who enters the hours (or the back
// office) may; after the first step approved, only a rejection returns it.
func (t *Timesheet) WithdrawOffer(actor domain.Actor, terms Terms, now time.Time) ([]domain.Event, error) {
	if err := t.checkEnterer(actor, terms, "only the one who enters the hours can withdraw the offer",
		"Alleen wie de uren invoert kan het aanbieden intrekken."); err != nil {
		return nil, err
	}
	if err := t.checkOffered(); err != nil {
		return nil, err
	}
	if t.step > 0 {
		return nil, domain.Conflict("offer_partly_approved", "a step has approved the offer already; ask for a rejection instead",
			"Het urenbriefje is al (deels) geaccordeerd; vraag om afkeuren.")
	}
	return t.record(&OfferWithdrawn{Round: t.round, By: actor.Role, Hash: t.hash}), nil
}

// MayWithdrawOffer reports whether actor may take an offer back
// (WithdrawOffer): offered, no step approved yet (approvedSteps is the
// index of the next step), and the actor enters the hours (or is the back
// office).
func MayWithdrawOffer(actor domain.Actor, enteredBy domain.Role, s Status, approvedSteps int) bool {
	return s == StatusOffered && approvedSteps == 0 && enteredBy != "" && actor.Is(enteredBy, domain.RoleBackoffice)
}
