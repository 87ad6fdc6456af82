package account

import (
	"crypto/subtle"
	"fmt"
	"time"

	"backoffice/domain"
)

// Token lifetimes.
const (
	ActivationTTL    = 72 * time.Hour
	PasswordResetTTL = 2 * time.Hour
)

// StreamPrefix starts the stream name of every account.
//
// WARNING: stored stream names; never change.
const StreamPrefix = "account-"

// Stream returns the stream name of an account.
func Stream(id string) string { return StreamPrefix + id }

// Account is a login: its role and tenant and its pending tokens.
type Account struct {
	id             string
	email          string
	role           domain.Role
	intermediaryID string
	clientID       string
	workerID       string
	language       string

	created   bool
	activated bool
	disabled  bool

	activation pendingToken
	reset      pendingToken
}

type pendingToken struct {
	hash    string
	expires time.Time
}

func (p pendingToken) matches(hash string) bool {
	return p.hash != "" && subtle.ConstantTimeCompare([]byte(p.hash), []byte(hash)) == 1
}

// Apply folds one event into the state: the only place state changes.
func (a *Account) Apply(e domain.Event) error {
	switch e := e.(type) {
	case *Created:
		a.id, a.email, a.role, a.language = e.AccountID, e.Email, e.Role, e.Language
		a.intermediaryID, a.clientID, a.workerID = e.IntermediaryID, e.ClientID, e.WorkerID
		a.created = true
	case *ActivationIssued:
		a.activation = pendingToken{hash: e.TokenHash, expires: e.ExpiresAt}
	case *Activated:
		a.activated = true
		a.activation = pendingToken{}
	case *PasswordResetRequested:
		a.reset = pendingToken{hash: e.TokenHash, expires: e.ExpiresAt}
	case *PasswordChanged:
		a.reset = pendingToken{}
	case *Disabled:
		a.disabled = true
		a.activation, a.reset = pendingToken{}, pendingToken{}
	case *Enabled:
		a.disabled = false
	case *LanguageChanged:
		a.language = e.Language
	case *MobileChanged:
		// The number lives in the vault; the event is the trail.
	default:
		return fmt.Errorf("account: cannot apply %T", e)
	}
	return nil
}

// ID returns the account ID ("" before creation).
func (a *Account) ID() string { return a.id }

// Exists reports whether the account was created.
func (a *Account) Exists() bool { return a.created }

// Email returns the username.
func (a *Account) Email() string { return a.email }

// Role returns the account's role.
func (a *Account) Role() domain.Role { return a.role }

// Language returns the account's language ("nl" or "en").
func (a *Account) Language() string { return a.language }

// Activated reports whether a password was chosen.
func (a *Account) Activated() bool { return a.activated }

// Disabled reports whether the account is disabled.
func (a *Account) Disabled() bool { return a.disabled }

// CanLogIn reports whether a password login may succeed at all.
func (a *Account) CanLogIn() bool { return a.created && a.activated && !a.disabled }

// Actor returns the actor a session of this account acts as.
func (a *Account) Actor() domain.Actor {
	return domain.Actor{
		AccountID:      a.id,
		Role:           a.role,
		IntermediaryID: a.intermediaryID,
		ClientID:       a.clientID,
		WorkerID:       a.workerID,
		Language:       a.language,
	}
}

func (a *Account) mustExist() error {
	if !a.created {
		return domain.ErrNotFound
	}
	return nil
}

var errDisabled = domain.Rule("account_disabled", "",
	"This account is disabled.",
	"Dit account is geblokkeerd.")
