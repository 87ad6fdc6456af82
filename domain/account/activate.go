package account

import (
	"time"

	"backoffice/domain"
)

// Activate consumes the activation link: the hash of the token from the link
// must match the pending one and not be expired. The caller stores the
// chosen password's hash in the same request; no actor is needed, the token
// is the proof. Single use follows from the stream revision: a second
// Activate sees the account activated.
func (a *Account) Activate(tokenHash string, now time.Time) ([]domain.Event, error) {
	if err := a.mustExist(); err != nil {
		return nil, err
	}
	if a.activated {
		return nil, domain.Conflict("already_activated",
			"The account is already activated. Log in or reset your password.",
			"Het account is al geactiveerd. Log in of vraag een nieuw wachtwoord aan.")
	}
	if a.disabled {
		return nil, errDisabled
	}
	if !a.activation.matches(tokenHash) {
		return nil, errTokenInvalid
	}
	if !now.Before(a.activation.expires) {
		return nil, errTokenExpired
	}
	return []domain.Event{&Activated{AccountID: a.id}}, nil
}
