package account

import (
	"fmt"

	"backoffice/domain"
)

// StreamPrefix starts the stream name of every account.
//
// WARNING: stored stream names; never change.
const StreamPrefix = "account-"

// Stream returns the stream name of an account.
func Stream(id string) string { return StreamPrefix + id }

// Account is a login: its role and tenant, whether it is activated and
// whether it is disabled. Activation and reset tokens live in commands/auth,
// never in the account's state (see Apply).
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
}

// Apply folds one event into the state: the only place state changes.
func (a *Account) Apply(e domain.Event) error {
	switch e := e.(type) {
	case *Created:
		a.id, a.email, a.role, a.language = e.AccountID, e.Email, e.Role, e.Language
		a.intermediaryID, a.clientID, a.workerID = e.IntermediaryID, e.ClientID, e.WorkerID
		a.created = true
	case *ActivationIssued, *PasswordResetRequested:
		// Legacy: until tokens moved to commands/auth the account recorded
		// the hash of each link it mailed. Old streams still hold them and
		// must fold; nothing decides on them any more (auth's single-use
		// tokens are the proof), so they change nothing.
	case *Activated:
		a.activated = true
	case *PasswordChanged:
		// The trail of a new password; the password is in commands/auth.
	case *Disabled:
		a.disabled = true
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
