package account

import (
	"time"

	"backoffice/domain"
)

// RecordPasswordSet decides what storing a password means for the audit
// trail, once the credentials store (commands/auth) has checked the link's
// single-use token and stored the password: the token lives there, never in
// an event. The first password activates the account (account.activated);
// a new password through a reset link afterwards is account.password_changed
// with via_reset; an activation link or a bootstrap password on an account
// that is activated already records nothing.
func (a *Account) RecordPasswordSet(viaReset bool, now time.Time) ([]domain.Event, error) {
	if err := a.mustExist(); err != nil {
		return nil, err
	}
	switch {
	case !a.activated:
		return []domain.Event{&Activated{AccountID: a.id}}, nil
	case viaReset:
		return []domain.Event{&PasswordChanged{AccountID: a.id, ViaReset: true}}, nil
	}
	return nil, nil
}
