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
// Rules: not before the start; not after a fixed end date agreed at the
// start, since ending later would extend the placement. While the recorded
// end is still to come (today or later, Dutch date) it may be corrected by
// ending again: a typo such as 2200-01-01 must not fix the placement for
// ever, and another Ended event is what every projector already stores
// (the last one counts). Once the end date has passed the placement is
// over (already_ended).
func (p *Placement) End(actor domain.Actor, date time.Time, reason string, now time.Time) ([]domain.Event, error) {
	if !p.started || !account.CanSeePlacement(actor, p.Ref()) {
		return nil, domain.ErrNotFound
	}
	if !account.IsStaff(actor) && !actor.Is(domain.RoleIntermediary, domain.RoleClient) {
		return nil, account.Forbidden
	}
	if p.ended && p.period.End.Before(validate.Today(now)) {
		return nil, domain.Conflict("already_ended",
			"The placement has already ended.",
			"De plaatsing is al beëindigd.")
	}
	end, err := validate.Date("end", date)
	if err != nil {
		return nil, err
	}
	if p.ended && end.Equal(p.period.End) {
		return nil, domain.Conflict("already_ended",
			"The placement already ends on "+end.Format(time.DateOnly)+".",
			"De plaatsing eindigt al op "+end.Format("2-1-2006")+".")
	}
	if end.Before(p.period.Start) {
		return nil, errEndBeforeStart
	}
	if !p.plannedEnd.IsZero() && end.After(p.plannedEnd) {
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
