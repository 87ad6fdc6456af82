package identity_test

import (
	"context"
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
