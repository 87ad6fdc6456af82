package account

import (
	"time"

	"backoffice/domain"
)

// ChangePassword records that the logged-in user set a new password (after
// the caller verified the current one). Only the account itself may.
func (a *Account) ChangePassword(actor domain.Actor, now time.Time) ([]domain.Event, error) {
	if err := a.mustExist(); err != nil {
		return nil, err
	}
	if actor.AccountID == "" || actor.AccountID != a.id {
		return nil, Forbidden
	}
	if !a.CanLogIn() {
		return nil, errDisabled
	}
	return []domain.Event{&PasswordChanged{AccountID: a.id}}, nil
}
