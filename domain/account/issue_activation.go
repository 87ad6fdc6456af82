package account

import (
	"time"

	"backoffice/domain"
)

// IssueActivation records a new activation link, valid for ActivationTTL
// from now and replacing any earlier one. The caller generated the token
// (≥128 random bits), passes its hash here and mails the plaintext.
// Only staff (or the system after account creation) issue links.
func (a *Account) IssueActivation(actor domain.Actor, tokenHash string, now time.Time) ([]domain.Event, error) {
	if !IsStaff(actor) {
		return nil, Forbidden
	}
	if err := a.mustExist(); err != nil {
		return nil, err
	}
	if a.activated {
		return nil, domain.Conflict("already_activated",
			"The account is already activated.",
			"Het account is al geactiveerd.")
	}
	if a.disabled {
		return nil, errDisabled
	}
	if err := checkTokenHash(tokenHash); err != nil {
		return nil, err
	}
	return []domain.Event{&ActivationIssued{
		AccountID: a.id,
		TokenHash: tokenHash,
		ExpiresAt: now.UTC().Add(ActivationTTL),
	}}, nil
}
