package account

import (
	"fmt"
	"time"

	"backoffice/domain"
	"backoffice/domain/validate"
)

// TokenKind is the kind of an integration token; it equals the role the
// token acts as.
//
// WARNING: stored in events; never rename a value.
type TokenKind string

const (
	TokenPayroll TokenKind = "payroll" // reads the approved-hours feed, marks imports
	TokenAuditor TokenKind = "auditor" // reads history, changes nothing
)

// Role returns the role a request with this token acts as.
func (k TokenKind) Role() domain.Role { return domain.Role(k) }

// Valid reports whether k is a known kind.
func (k TokenKind) Valid() bool { return k == TokenPayroll || k == TokenAuditor }

// TokenStreamPrefix starts the stream name of every integration token.
//
// WARNING: stored stream names; never change.
const TokenStreamPrefix = "token-"

// TokenStream returns the stream name of an integration token.
func TokenStream(id string) string { return TokenStreamPrefix + id }

// RevokeCause says in a fixed code why a token was revoked when it was not
// the back office's decision (TokenRevoked.Cause; empty: the back office).
//
// WARNING: stored in events; never rename a value.
type RevokeCause string

// RevokeNeverActivated: the token's creation was recorded (token.created)
// but it was never made live, and no retry of the creation finished it
// within the bound; the application revoked it so that the ledger says it
// ended (commands/identity's sweep of pending tokens).
const RevokeNeverActivated RevokeCause = "never_activated"

// Token is an integration token (payroll or auditor). Its secret is shown
// once at creation and stored hashed in the tokens table; the aggregate only
// knows it exists and whether it is revoked.
type Token struct {
	id      string
	kind    TokenKind
	label   string
	created bool
	revoked bool
	cause   RevokeCause
}

// Apply folds one event into the state.
func (t *Token) Apply(e domain.Event) error {
	switch e := e.(type) {
	case *TokenCreated:
		t.id, t.kind, t.label, t.created = e.TokenID, e.Kind, e.Label, true
	case *TokenRevoked:
		t.revoked, t.cause = true, e.Cause
	default:
		return fmt.Errorf("account: token cannot apply %T", e)
	}
	return nil
}

// ID returns the token ID.
func (t *Token) ID() string { return t.id }

// Kind returns the token kind.
func (t *Token) Kind() TokenKind { return t.kind }

// Label returns the name given at creation.
func (t *Token) Label() string { return t.label }

// Active reports whether the token may authenticate.
func (t *Token) Active() bool { return t.created && !t.revoked }

// Revoked reports whether the token was revoked, and why when it was not
// the back office's decision (empty cause).
func (t *Token) Revoked() (bool, RevokeCause) { return t.revoked, t.cause }

// Actor returns the actor a request with this token acts as.
func (t *Token) Actor() domain.Actor {
	return domain.Actor{AccountID: TokenStream(t.id), Role: t.kind.Role()}
}

// CreateToken is the command to create an integration token.
type CreateToken struct {
	TokenID string
	Kind    TokenKind
	Label   string // what it is for: "Loket export", "Accountant 2025"
}

// Create records a new integration token. Back office only.
func (t *Token) Create(actor domain.Actor, cmd CreateToken, now time.Time) ([]domain.Event, error) {
	if !IsStaff(actor) {
		return nil, Forbidden
	}
	if err := validate.NewID("token_id", cmd.TokenID, t.created, errTokenExists); err != nil {
		return nil, err
	}
	if !cmd.Kind.Valid() {
		return nil, domain.Invalid("token_kind", "kind",
			"A token is for payroll or for an auditor.",
			"Een token is voor de salarisadministratie of voor een accountant.")
	}
	label, err := validate.Text("label", cmd.Label, 80)
	if err != nil {
		return nil, err
	}
	return []domain.Event{&TokenCreated{TokenID: cmd.TokenID, Kind: cmd.Kind, Label: label}}, nil
}

// Revoke ends the token for good. Back office only.
func (t *Token) Revoke(actor domain.Actor, reason string, now time.Time) ([]domain.Event, error) {
	if !IsStaff(actor) {
		return nil, Forbidden
	}
	if !t.created {
		return nil, domain.ErrNotFound
	}
	if t.revoked {
		return nil, errAlreadyRevoked
	}
	reason, err := validate.OptionalText("reason", reason, 200)
	if err != nil {
		return nil, err
	}
	return []domain.Event{&TokenRevoked{TokenID: t.id, Reason: reason}}, nil
}

// RevokeNeverActivated ends a recorded token that was never made live
// (its secret was shown to nobody): token.revoked with cause
// never_activated. Only the application itself (RoleSystem) decides it;
// the command layer checks that the token is pending.
func (t *Token) RevokeNeverActivated(actor domain.Actor, now time.Time) ([]domain.Event, error) {
	if !actor.Is(domain.RoleSystem) {
		return nil, Forbidden
	}
	if !t.created {
		return nil, domain.ErrNotFound
	}
	if t.revoked {
		return nil, errAlreadyRevoked
	}
	return []domain.Event{&TokenRevoked{TokenID: t.id, Cause: RevokeNeverActivated}}, nil
}

var errAlreadyRevoked = domain.Conflict("already_revoked",
	"The token is already revoked.",
	"Het token is al ingetrokken.")

var errTokenExists = domain.Conflict("token_exists",
	"The token already exists.",
	"Het token bestaat al.")
