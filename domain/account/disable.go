package account

import (
	"time"

	"backoffice/domain"
	"backoffice/domain/validate"
)

// Disable blocks the account (staff only). Pending links become void.
func (a *Account) Disable(actor domain.Actor, reason string, now time.Time) ([]domain.Event, error) {
	if !IsStaff(actor) {
		return nil, Forbidden
	}
	if err := a.mustExist(); err != nil {
		return nil, err
	}
	if a.disabled {
		return nil, domain.Conflict("already_disabled",
			"The account is already disabled.",
			"Het account is al geblokkeerd.")
	}
	reason, err := validate.OptionalText("reason", reason, 200)
	if err != nil {
		return nil, err
	}
	return []domain.Event{&Disabled{AccountID: a.id, Reason: reason}}, nil
}

// Enable lifts a block (staff only). A never-activated account needs a new
// activation link afterwards.
func (a *Account) Enable(actor domain.Actor, now time.Time) ([]domain.Event, error) {
	if !IsStaff(actor) {
		return nil, Forbidden
	}
	if err := a.mustExist(); err != nil {
		return nil, err
	}
	if !a.disabled {
		return nil, domain.Conflict("not_disabled",
			"The account is not disabled.",
			"Het account is niet geblokkeerd.")
	}
	return []domain.Event{&Enabled{AccountID: a.id}}, nil
}
