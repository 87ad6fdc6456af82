package account

import (
	"time"

	"backoffice/domain"
)

// RequestPasswordReset records a reset link valid for PasswordResetTTL. The
// HTTP layer answers "if the address is known, a mail is on its way"
// whatever this returns, so nobody learns which addresses exist. Only the
// system (on behalf of the anonymous user) or staff request resets.
// An account that was never activated gets a new activation link instead.
func (a *Account) RequestPasswordReset(actor domain.Actor, tokenHash string, now time.Time) ([]domain.Event, error) {
	if !IsStaff(actor) {
		return nil, Forbidden
	}
	if err := a.mustExist(); err != nil {
		return nil, err
	}
	if a.disabled {
		return nil, errDisabled
	}
	if !a.activated {
		return nil, domain.Rule("not_activated", "",
			"The account is not activated yet.",
			"Het account is nog niet geactiveerd.")
	}
	if err := checkTokenHash(tokenHash); err != nil {
		return nil, err
	}
	return []domain.Event{&PasswordResetRequested{
		AccountID: a.id,
		TokenHash: tokenHash,
		ExpiresAt: now.UTC().Add(PasswordResetTTL),
	}}, nil
}

// ResetPassword consumes a reset link; the caller stores the new password
// hash in the same request and deletes the account's other sessions.
func (a *Account) ResetPassword(tokenHash string, now time.Time) ([]domain.Event, error) {
	if err := a.mustExist(); err != nil {
		return nil, err
	}
	if a.disabled {
		return nil, errDisabled
	}
	if !a.reset.matches(tokenHash) {
		return nil, errTokenInvalid
	}
	if !now.Before(a.reset.expires) {
		return nil, errTokenExpired
	}
	return []domain.Event{&PasswordChanged{AccountID: a.id, ViaReset: true}}, nil
}

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
