package identity_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"backoffice/commands"
	"backoffice/commands/identity"
	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/eventstore"
	it "backoffice/internal/identitytest"
)

// appendHook runs before each append to a stream with the prefix.
type appendHook struct {
	eventstore.Store
	prefix string
	before func(ctx context.Context, stream string)
}

func (h appendHook) Append(ctx context.Context, stream string, exp eventstore.ExpectedRevision, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	if strings.HasPrefix(stream, h.prefix) {
		h.before(ctx, stream)
	}
	return h.Store.Append(ctx, stream, exp, events...)
}

// TestTokenCreationKilledBeforeItsEvent: kill -9 of serve after the
// token's row was stored but before token.created was appended. The token
// must not be live at that point (it would stay a live credential the
// ledger never recorded, whose secret nobody has: the retry answered 409
// secret_not_replayable over it), and the retry under the same key makes
// it: a secret that works and one token.created. Found by the every-write
// kill loop (internal/reliability): 4 token.created for 5 answered
// creations.
func TestTokenCreationKilledBeforeItsEvent(t *testing.T) {
	e := it.New(t)
	ctx := t.Context()
	meta := commands.Meta{Actor: domain.Actor{AccountID: "bo", Role: domain.RoleBackoffice}, IdempotencyKey: "k1", Command: "POST /tokens"}
	id := identity.TokenID(meta)
	first := meta
	first.IdempotencyKey = "k0"
	firstID := identity.TokenID(first)
	vault, err := identity.NewVault(e.Pool, key(t))
	if err != nil {
		t.Fatal(err)
	}
	liveBeforeAppend := -1
	hooked, err := identity.New(identity.Config{Store: appendHook{Store: e.Store, prefix: account.TokenStreamPrefix,
		before: func(ctx context.Context, stream string) {
			liveBeforeAppend = 0
			toks, err := e.Auth.Tokens(ctx)
			if err != nil {
				t.Error(err)
			}
			for _, tok := range toks {
				if tok.ID == firstID && tok.RevokedAt == nil {
					liveBeforeAppend++
				}
			}
		}}, Pool: e.Pool, Auth: e.Auth, Vault: vault})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := hooked.Tokens.CreateToken(ctx, first, domain.RoleAuditor, "Accountant"); err != nil {
		t.Fatal(err)
	}
	if liveBeforeAppend != 0 {
		t.Fatalf("the token was live before its token.created was appended (%d): a kill there leaves an unrecorded live token", liveBeforeAppend)
	}

	// The state such a kill leaves: the row stored as the command stores
	// it, no event. The retry makes the token.
	if _, err := e.Auth.CreatePendingToken(ctx, id, domain.RoleAuditor, "Accountant"); err != nil {
		t.Fatal(err)
	}
	_, created, err := e.Identity.Tokens.CreateToken(ctx, meta, domain.RoleAuditor, "Accountant")
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	if created.ID != id {
		t.Fatalf("retry made token %s, want %s", created.ID, id)
	}
	if tok, err := e.Auth.AuthenticateToken(ctx, created.Secret); err != nil || tok.ID != id {
		t.Fatalf("the retry's secret: %+v %v", tok, err)
	}
	if n := len(e.Recorded(t, account.TokenStream(id), account.TypeTokenCreated)); n != 1 {
		t.Fatalf("%d token.created events, want 1", n)
	}
}

// crashAfterAppend is a store whose process dies (a panic the test
// recovers) right after an append to a stream with the prefix succeeded.
type crashAfterAppend struct {
	eventstore.Store
	prefix string
}

type crashed struct{}

func (c crashAfterAppend) Append(ctx context.Context, stream string, exp eventstore.ExpectedRevision, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	res, err := c.Store.Append(ctx, stream, exp, events...)
	if err == nil && strings.HasPrefix(stream, c.prefix) {
		panic(crashed{})
	}
	return res, err
}

// TestTokenCreationKilledBeforeItsActivation: kill -9 of serve after
// token.created was appended but before the token was made live. The
// first attempt answered nothing, so its secret was shown to nobody. The
// retry under the same key used to answer 409 secret_not_replayable,
// leaving a recorded token nobody could use or was told about; it now
// finishes the creation: a new secret that works, shown once, the first
// attempt's position, and still one token.created. A further retry is 409.
func TestTokenCreationKilledBeforeItsActivation(t *testing.T) {
	e := it.New(t)
	ctx := t.Context()
	meta := commands.Meta{Actor: domain.Actor{AccountID: "bo", Role: domain.RoleBackoffice}, IdempotencyKey: "k1", Command: "POST /tokens"}
	id := identity.TokenID(meta)
	dying := dyingAfterTokenAppend(t, e)
	func() {
		defer func() {
			if r := recover(); r != (crashed{}) {
				t.Fatalf("the first attempt did not reach the crash point: %v", r)
			}
		}()
		_, _, _ = dying.Tokens.CreateToken(ctx, meta, domain.RoleAuditor, "Accountant")
	}()
	recorded := e.Recorded(t, account.TokenStream(id), account.TypeTokenCreated)
	if len(recorded) != 1 {
		t.Fatalf("%d token.created after the crash, want 1", len(recorded))
	}

	retry := meta
	retry.Retry = true
	res, created, err := e.Identity.Tokens.CreateToken(ctx, retry, domain.RoleAuditor, "Accountant")
	if err != nil {
		t.Fatalf("retry: %v; want the token finished", err)
	}
	if created.ID != id || created.Label != "Accountant" || created.Role != domain.RoleAuditor || created.Secret == "" {
		t.Fatalf("retry answered %+v", created)
	}
	if res.Position != recorded[0].Position {
		t.Errorf("retry position %v, want the first attempt's %v", res.Position, recorded[0].Position)
	}
	if tok, err := e.Auth.AuthenticateToken(ctx, created.Secret); err != nil || tok.ID != id {
		t.Fatalf("the retry's secret: %+v %v", tok, err)
	}
	if n := len(e.Recorded(t, account.TokenStream(id), account.TypeTokenCreated)); n != 1 {
		t.Fatalf("%d token.created events, want 1", n)
	}
	// The secret is shown once: another retry cannot have it (nor a new one).
	if _, _, err := e.Identity.Tokens.CreateToken(ctx, retry, domain.RoleAuditor, "Accountant"); !errors.Is(err, identity.ErrTokenSecretShown) {
		t.Fatalf("third attempt: %v; want ErrTokenSecretShown", err)
	}
	if _, err := e.Auth.AuthenticateToken(ctx, created.Secret); err != nil {
		t.Fatalf("the second retry broke the token: %v", err)
	}
}

// TestRevokedTokenIsNotFinishedByARetry: a recorded token revoked by the
// back office (DELETE /tokens/{id}) before anyone retried its creation
// stays revoked: the retry answers 409, it does not bring it back.
func TestRevokedTokenIsNotFinishedByARetry(t *testing.T) {
	e := it.New(t)
	ctx := t.Context()
	meta := commands.Meta{Actor: domain.Actor{AccountID: "bo", Role: domain.RoleBackoffice}, IdempotencyKey: "k2", Command: "POST /tokens"}
	id := identity.TokenID(meta)
	dying := dyingAfterTokenAppend(t, e)
	func() {
		defer func() { _ = recover() }()
		_, _, _ = dying.Tokens.CreateToken(ctx, meta, domain.RoleAuditor, "Accountant")
	}()
	revoke := commands.Meta{Actor: meta.Actor, IdempotencyKey: "r2", Command: "DELETE /tokens/" + id}
	if _, err := e.Identity.Tokens.RevokeToken(ctx, revoke, id); err != nil {
		t.Fatal(err)
	}
	retry := meta
	retry.Retry = true
	if _, _, err := e.Identity.Tokens.CreateToken(ctx, retry, domain.RoleAuditor, "Accountant"); !errors.Is(err, identity.ErrTokenSecretShown) {
		t.Fatalf("retry of a revoked token's creation: %v; want ErrTokenSecretShown", err)
	}
	toks, err := e.Auth.Tokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range toks {
		if tok.ID == id && tok.RevokedAt == nil {
			t.Fatal("the revoked token is live again")
		}
	}
}

// dyingAfterTokenAppend is the identity commands on e whose store panics
// (crashed{}) right after a token stream's append, as a kill would end them.
func dyingAfterTokenAppend(t *testing.T, e *it.Env) *identity.Handlers {
	t.Helper()
	vault, err := identity.NewVault(e.Pool, key(t))
	if err != nil {
		t.Fatal(err)
	}
	dying, err := identity.New(identity.Config{Store: crashAfterAppend{Store: e.Store, prefix: account.TokenStreamPrefix},
		Pool: e.Pool, Auth: e.Auth, Vault: vault})
	if err != nil {
		t.Fatal(err)
	}
	return dying
}
