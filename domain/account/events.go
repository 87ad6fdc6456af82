package account

import (
	"time"

	"backoffice/domain"
)

// Stored event type names.
//
// WARNING: these strings are stored with every event forever. Never rename
// one; add a new event type instead.
const (
	TypeCreated                = "account.created"
	TypeActivationIssued       = "account.activation_issued"
	TypeActivated              = "account.activated"
	TypePasswordResetRequested = "account.password_reset_requested"
	TypePasswordChanged        = "account.password_changed"
	TypeDisabled               = "account.disabled"
	TypeEnabled                = "account.enabled"
	TypeLanguageChanged        = "account.language_changed"

	TypeTokenCreated = "token.created"
	TypeTokenRevoked = "token.revoked"
)

// Events is the registry of this package's event payloads.
var Events = domain.NewRegistry(
	&Created{}, &ActivationIssued{}, &Activated{}, &PasswordResetRequested{},
	&PasswordChanged{}, &Disabled{}, &Enabled{}, &LanguageChanged{},
	&TokenCreated{}, &TokenRevoked{},
	&MobileChanged{}, // mobile.go
)

// Created: a login exists. Exactly the tenant ID matching Role is set. The
// e-mail address (lower case) is the username.
type Created struct {
	AccountID      string      `json:"account_id"`
	Email          string      `json:"email"`
	Role           domain.Role `json:"role"`
	IntermediaryID string      `json:"intermediary_id,omitempty"`
	ClientID       string      `json:"client_id,omitempty"`
	WorkerID       string      `json:"worker_id,omitempty"`
	Language       string      `json:"language"`
}

// ActivationIssued: an activation link was mailed. TokenHash is the hex
// SHA-256 of the random token in the link; a new one replaces the previous.
// Legacy: no longer recorded since the links' tokens live in commands/auth;
// kept so that old streams fold and project (Account.Apply ignores it).
type ActivationIssued struct {
	AccountID string    `json:"account_id"`
	TokenHash string    `json:"token_hash"`
	ExpiresAt time.Time `json:"expires_at"`
}

// Activated: the user followed the activation link and chose a password
// (the password hash itself is in the credentials table).
type Activated struct {
	AccountID string `json:"account_id"`
}

// PasswordResetRequested: a reset link was mailed. Legacy, as
// ActivationIssued.
type PasswordResetRequested struct {
	AccountID string    `json:"account_id"`
	TokenHash string    `json:"token_hash"`
	ExpiresAt time.Time `json:"expires_at"`
}

// PasswordChanged: a new password was set, through a reset link or by the
// logged-in user. It consumes any pending reset token.
type PasswordChanged struct {
	AccountID string `json:"account_id"`
	ViaReset  bool   `json:"via_reset"`
}

// Disabled: the account may no longer log in; pending tokens are void.
// The command layer also deletes the account's sessions.
type Disabled struct {
	AccountID string `json:"account_id"`
	Reason    string `json:"reason,omitempty"`
}

// Enabled: a disabled account may log in again.
type Enabled struct {
	AccountID string `json:"account_id"`
}

// LanguageChanged: the account's language (portal and mail) is now
// Language, "nl" or "en".
type LanguageChanged struct {
	AccountID string `json:"account_id"`
	Language  string `json:"language"`
}

// TokenCreated: an integration token exists. Its hashed secret lives in the
// tokens table, never in an event; the secret is shown once at creation.
type TokenCreated struct {
	TokenID string    `json:"token_id"`
	Kind    TokenKind `json:"kind"`
	Label   string    `json:"label"`
}

// TokenRevoked: the token no longer authenticates. Cause says why in a
// fixed code; it is absent in every revocation by the back office (the
// actor in the event's metadata), and so in every event recorded before
// causes existed (2026-12-06). Reason is the revoker's free text.
type TokenRevoked struct {
	TokenID string      `json:"token_id"`
	Reason  string      `json:"reason,omitempty"`
	Cause   RevokeCause `json:"cause,omitempty"`
}

func (*Created) EventType() string                { return TypeCreated }
func (*ActivationIssued) EventType() string       { return TypeActivationIssued }
func (*Activated) EventType() string              { return TypeActivated }
func (*PasswordResetRequested) EventType() string { return TypePasswordResetRequested }
func (*PasswordChanged) EventType() string        { return TypePasswordChanged }
func (*Disabled) EventType() string               { return TypeDisabled }
func (*Enabled) EventType() string                { return TypeEnabled }
func (*LanguageChanged) EventType() string        { return TypeLanguageChanged }
func (*TokenCreated) EventType() string           { return TypeTokenCreated }
func (*TokenRevoked) EventType() string           { return TypeTokenRevoked }
