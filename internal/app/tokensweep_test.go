package app

import (
	"context"
	"testing"
	"time"

	"backoffice/commands"
	"backoffice/commands/auth"
	"backoffice/commands/identity"
	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/eventstore"
)

// TestServeSweepsPendingTokensAtStart: the application sweeps API tokens
// left pending (a creation killed between token.created and the
// activation, never retried) as it starts: past the bound, the ledger gets
// the token's token.revoked without anyone asking.
func TestServeSweepsPendingTokensAtStart(t *testing.T) {
	const id = "00000000000000b1"
	stream := account.TokenStream(id)
	_, _, store := runTestApp(t, "app_full", func(o *Options) {
		ctx := context.Background()
		a, err := auth.New(o.Pool, auth.Config{Params: o.Auth.Params})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.CreatePendingToken(ctx, id, domain.RoleAuditor, "Accountant"); err != nil {
			t.Fatal(err)
		}
		if _, err := commands.Save(ctx, o.Store, commands.Stream{Name: stream}, commands.Meta{Actor: identity.System}, time.Now(),
			&account.TokenCreated{TokenID: id, Kind: account.TokenAuditor, Label: "Accountant"}); err != nil {
			t.Fatal(err)
		}
		later := time.Now().Add(identity.PendingTokenBound + time.Hour)
		o.Clock = func() time.Time { return later }
	})
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	for {
		evs, err := store.ReadStream(ctx, stream, eventstore.ReadStreamOptions{Max: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 2 && evs[1].Type == account.TypeTokenRevoked {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("no token.revoked a minute after the start: %d events", len(evs))
		case <-time.After(50 * time.Millisecond):
		}
	}
}
