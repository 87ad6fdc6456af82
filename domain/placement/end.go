package placement

import (
	"time"

	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/validate"
)

// End ends the placement on date (the last working day, inclusive).
//
// Who: the back office, the placement's intermediary or its client; others
// who cannot see the placement get not-found, workers and tokens are
// forbidden.
//
// Rules: not before the start; a placement ends once (a second End is a
// conflict; correcting an end date is a back-office correction not built
// yet); and not after a fixed end date agreed at the start, since ending
// later would extend the placement.
func (p *Placement) End(actor domain.Actor, date time.Time, reason string, now time.Time) ([]domain.Event, error) {
	if !p.started || !account.CanSeePlacement(actor, p.Ref()) {
		return nil, domain.ErrNotFound
	}
	if !account.IsStaff(actor) && !actor.Is(domain.RoleIntermediary, domain.RoleClient) {
		return nil, account.Forbidden
	}
	if p.ended {
		return nil, domain.Conflict("already_ended",
			"The placement has already ended.",
			"De plaatsing is al beëindigd.")
	}
	end, err := validate.Date("end", date)
	if err != nil {
		return nil, err
	}
	if end.Before(p.period.Start) {
		return nil, errEndBeforeStart
	}
	if !p.period.Open() && end.After(p.period.End) {
		return nil, domain.Rule("end_after_planned_end", "end",
			"The placement already ends earlier; ending later would extend it.",
			"De plaatsing eindigt al eerder; later beëindigen zou haar verlengen.")
	}
	reason, err = validate.OptionalText("reason", reason, 200)
	if err != nil {
		return nil, err
	}
	return []domain.Event{&Ended{PlacementID: p.id, End: end, Reason: reason}}, nil
}
