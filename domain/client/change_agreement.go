package client

import (
	"reflect"
	"time"

	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/validate"
)

// ChangeAgreement records a new agreement applying from effectiveFrom.
// Back office only.
//
// Rules: effectiveFrom is a Monday, so a timesheet week never straddles two
// agreements; it is not before the Monday of the current week (the week of
// now), because earlier weeks may already be offered, approved or imported;
// and it is after the date of the client's first agreement. A change on a
// date that already has one replaces it; an agreement equal to the one in
// force on that date records nothing.
func (c *Client) ChangeAgreement(actor domain.Actor, effectiveFrom time.Time, a Agreement, now time.Time) ([]domain.Event, error) {
	if !account.IsStaff(actor) {
		return nil, account.Forbidden
	}
	if !c.registered {
		return nil, domain.ErrNotFound
	}
	from, err := validate.Date("effective_from", effectiveFrom)
	if err != nil {
		return nil, err
	}
	if from.Weekday() != time.Monday {
		return nil, domain.Invalid("effective_from_monday", "effective_from",
			"An agreement change applies from a Monday.",
			"Een wijziging van de afspraken gaat in op een maandag.")
	}
	today := validate.Today(now)
	thisMonday := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
	if from.Before(thisMonday) {
		return nil, domain.Rule("effective_from_past", "effective_from",
			"An agreement change cannot apply to past weeks.",
			"Een wijziging van de afspraken kan niet ingaan in een eerdere week.")
	}
	if !from.After(c.agreements[0].from) {
		return nil, domain.Rule("effective_from_before_start", "effective_from",
			"The change must apply after the first agreement.",
			"De wijziging moet ingaan na de eerste afspraken.")
	}
	norm, err := a.Normalize()
	if err != nil {
		return nil, err
	}
	if cur, ok := c.AgreementOn(from); ok && reflect.DeepEqual(cur, norm) {
		return nil, nil
	}
	return []domain.Event{&AgreementChanged{ClientID: c.id, EffectiveFrom: from, Agreement: norm}}, nil
}
