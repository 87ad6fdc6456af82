package identity_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"backoffice/commands"
	"backoffice/commands/auth"
	"backoffice/commands/identity"
	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/eventstore"
	"backoffice/http/api"
	it "backoffice/internal/identitytest"
)

// killedBeforeActivation leaves what a kill -9 between token.created and
// the activation leaves: a recorded token, pending. It returns its ID.
func killedBeforeActivation(t *testing.T, e *it.Env, meta commands.Meta) string {
	t.Helper()
	dying := dyingAfterTokenAppend(t, e)
	func() {
		defer func() {
			if r := recover(); r != (crashed{}) {
				t.Fatalf("the creation did not reach the crash point: %v", r)
			}
		}()
		_, _, _ = dying.Tokens.CreateToken(t.Context(), meta, domain.RoleAuditor, "Accountant")
	}()
	id := identity.TokenID(meta)
	if n := len(e.Recorded(t, account.TokenStream(id), account.TypeTokenCreated)); n != 1 {
		t.Fatalf("%d token.created after the crash, want 1", n)
	}
	return id
}

// secondProcess is the identity commands of another serve on e's database.
func secondProcess(t *testing.T, e *it.Env) *identity.Handlers {
	t.Helper()
	vault, err := identity.NewVault(e.Pool, key(t))
	if err != nil {
		t.Fatal(err)
	}
	h, err := identity.New(identity.Config{Store: e.Store, Pool: e.Pool, Auth: e.Auth, Vault: vault})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// revocations returns the token.revoked events of the token's stream.
func revocations(t *testing.T, e *it.Env, id string) []account.TokenRevoked {
	t.Helper()
	var out []account.TokenRevoked
	for _, rec := range e.Recorded(t, account.TokenStream(id), account.TypeTokenRevoked) {
		var r account.TokenRevoked
		if err := json.Unmarshal(rec.Data, &r); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// sweepBoth runs the sweep of both processes at once at now and returns
// how many token.revoked they appended together.
func sweepBoth(t *testing.T, a, b *identity.Handlers, now time.Time) int {
	t.Helper()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		total int
	)
	for _, h := range []*identity.Handlers{a, b} {
		wg.Go(func() {
			n, err := h.Tokens.SweepPendingTokens(t.Context(), now)
			if err != nil {
				t.Errorf("sweep: %v", err)
			}
			mu.Lock()
			total += n
			mu.Unlock()
		})
	}
	wg.Wait()
	return total
}

// TestNeverActivatedTokenIsRevokedOnce: a creation killed between
// token.created and the activation, never retried, stayed pending for ever
// and the ledger never said it ended. Two serve processes sweeping at once
// past PendingTokenBound record exactly one token.revoked (cause
// never_activated), also when a sweeper was killed between ending the row
// and the append and two others finish its work at once; a retry after
// that answers token_creation_expired and the token never authenticates.
func TestNeverActivatedTokenIsRevokedOnce(t *testing.T) {
	e := it.New(t)
	ctx := t.Context()
	other := secondProcess(t, e)
	bo := domain.Actor{AccountID: "bo", Role: domain.RoleBackoffice}
	late := time.Now().Add(identity.PendingTokenBound + time.Hour)

	// Two sweeps at once over a pending token.
	meta := commands.Meta{Actor: bo, IdempotencyKey: "k-swept", Command: "POST /tokens"}
	id := killedBeforeActivation(t, e, meta)
	if n := sweepBoth(t, e.Identity, other, late); n != 1 {
		t.Errorf("the two sweeps appended %d token.revoked, want 1", n)
	}
	if got := revocations(t, e, id); len(got) != 1 || got[0].Cause != account.RevokeNeverActivated || got[0].TokenID != id {
		t.Fatalf("token.revoked recorded: %+v; want one with cause never_activated", got)
	}
	// Again, and after a sweeper's stale time: nothing more.
	if n := sweepBoth(t, e.Identity, other, late.Add(time.Hour)); n != 0 {
		t.Errorf("later sweeps appended %d token.revoked, want 0", n)
	}
	if n := len(revocations(t, e, id)); n != 1 {
		t.Fatalf("%d token.revoked after later sweeps, want 1", n)
	}

	// A retry of the creation now: a clear 409, no token.
	retry := meta
	retry.Retry = true
	if _, _, err := e.Identity.Tokens.CreateToken(ctx, retry, domain.RoleAuditor, "Accountant"); !errors.Is(err, identity.ErrTokenCreationExpired) {
		t.Fatalf("retry after the sweep: %v; want ErrTokenCreationExpired", err)
	}
	assertNotLive(t, e, id)
	toks, err := e.Auth.Tokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range toks {
		if tok.ID == id && (tok.RevokedAt == nil || !tok.RevokedAt.Equal(late.Truncate(time.Microsecond))) {
			t.Errorf("the swept token is listed as revoked at %v, want the sweep's time %v", tok.RevokedAt, late)
		}
	}

	// A sweeper killed after ending the row, before its append: two
	// sweeps at once finish its work, with one token.revoked.
	meta2 := commands.Meta{Actor: bo, IdempotencyKey: "k-killed-sweeper", Command: "POST /tokens"}
	id2 := killedBeforeActivation(t, e, meta2)
	ended, err := e.Auth.SweepPendingTokens(ctx, late.Add(-identity.PendingTokenBound), late.Add(-time.Minute), late, 100)
	if err != nil || len(ended) != 1 || ended[0] != id2 {
		t.Fatalf("the killed sweeper ended %v (%v); want [%s]", ended, err, id2)
	}
	// A retry that loaded the token before the sweep ended it (still
	// unrevoked in the ledger) can no longer make it live.
	if _, err := e.Auth.FinishPendingToken(ctx, id2); !errors.Is(err, auth.ErrTokenSwept) {
		t.Fatalf("finishing a swept token: %v; want auth.ErrTokenSwept", err)
	}
	if n := sweepBoth(t, e.Identity, other, late.Add(2*time.Minute)); n != 1 {
		t.Errorf("the two sweeps after a killed one appended %d token.revoked, want 1", n)
	}
	if got := revocations(t, e, id2); len(got) != 1 || got[0].Cause != account.RevokeNeverActivated {
		t.Fatalf("token.revoked recorded after a killed sweeper: %+v; want one with cause never_activated", got)
	}
	st, err := e.Identity.Tokens.PendingTokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Pending != 0 || st.Swept != 2 || st.Unrecorded != 0 {
		t.Errorf("pending token stats %+v; want 0 pending, 2 swept, 0 unrecorded", st)
	}
	e.WaitForProjections(t) // every projector stores the new revocation
}

// TestPendingTokenRetriedWithinTheBound: a sweep before the bound leaves a
// pending token alone, so a retry then still finishes it; a live token,
// finished or created whole, is never swept.
func TestPendingTokenRetriedWithinTheBound(t *testing.T) {
	e := it.New(t)
	ctx := t.Context()
	bo := domain.Actor{AccountID: "bo", Role: domain.RoleBackoffice}
	meta := commands.Meta{Actor: bo, IdempotencyKey: "k-in-time", Command: "POST /tokens"}
	id := killedBeforeActivation(t, e, meta)
	if n, err := e.Identity.Tokens.SweepPendingTokens(ctx, time.Now().Add(identity.PendingTokenBound-time.Hour)); err != nil || n != 0 || len(revocations(t, e, id)) != 0 {
		t.Fatalf("a sweep within the bound revoked %d (%v); want 0", n, err)
	}
	retry := meta
	retry.Retry = true
	_, finished, err := e.Identity.Tokens.CreateToken(ctx, retry, domain.RoleAuditor, "Accountant")
	if err != nil || finished.ID != id {
		t.Fatalf("retry within the bound: %+v %v; want token %s finished", finished, err, id)
	}
	_, whole, err := e.Identity.Tokens.CreateToken(ctx, commands.Meta{Actor: bo, IdempotencyKey: "k-whole", Command: "POST /tokens"}, domain.RolePayroll, "Loket")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := e.Identity.Tokens.SweepPendingTokens(ctx, time.Now().Add(10*identity.PendingTokenBound)); err != nil || n != 0 {
		t.Fatalf("a sweep long after revoked %d live tokens (%v); want 0", n, err)
	}
	for _, tok := range []identity.TokenCreated{finished, whole} {
		if got, err := e.Auth.AuthenticateToken(ctx, tok.Secret); err != nil || got.ID != tok.ID {
			t.Errorf("live token %s after the sweep: %+v %v", tok.ID, got, err)
		}
		if n := len(revocations(t, e, tok.ID)); n != 0 {
			t.Errorf("live token %s: %d token.revoked", tok.ID, n)
		}
	}
}

// TestSweepOfTokensTheLedgerNeverHeardOfOrRevoked: a pending token whose
// token.created was never appended (killed before it) is ended without an
// event (there is nothing to revoke in the ledger), and its retry after
// the bound answers token_creation_expired; a pending token the back
// office revoked keeps its one token.revoked (its row was ended by the
// revocation, so the sweep passes it by).
func TestSweepOfTokensTheLedgerNeverHeardOfOrRevoked(t *testing.T) {
	e := it.New(t)
	ctx := t.Context()
	bo := domain.Actor{AccountID: "bo", Role: domain.RoleBackoffice}
	unrecorded := commands.Meta{Actor: bo, IdempotencyKey: "k-no-event", Command: "POST /tokens"}
	noEvent := identity.TokenID(unrecorded)
	if _, err := e.Auth.CreatePendingToken(ctx, noEvent, domain.RoleAuditor, "Accountant"); err != nil {
		t.Fatal(err)
	}
	revokedMeta := commands.Meta{Actor: bo, IdempotencyKey: "k-revoked", Command: "POST /tokens"}
	revoked := killedBeforeActivation(t, e, revokedMeta)
	if _, err := e.Identity.Tokens.RevokeToken(ctx, commands.Meta{Actor: bo, IdempotencyKey: "r", Command: "DELETE /tokens/" + revoked}, revoked); err != nil {
		t.Fatal(err)
	}
	if n, err := e.Identity.Tokens.SweepPendingTokens(ctx, time.Now().Add(identity.PendingTokenBound+time.Hour)); err != nil || n != 0 {
		t.Fatalf("sweep appended %d (%v); want 0", n, err)
	}
	if _, err := e.Store.ReadStream(ctx, account.TokenStream(noEvent), eventstore.ReadStreamOptions{Max: 1}); !errors.Is(err, eventstore.ErrStreamNotFound) {
		t.Errorf("the sweep wrote to the stream of a token the ledger never heard of: %v", err)
	}
	if got := revocations(t, e, revoked); len(got) != 1 || got[0].Cause != "" {
		t.Errorf("revoked token's token.revoked: %+v; want the back office's one", got)
	}
	retry := unrecorded
	retry.Retry = true
	if _, _, err := e.Identity.Tokens.CreateToken(ctx, retry, domain.RoleAuditor, "Accountant"); !errors.Is(err, identity.ErrTokenCreationExpired) {
		t.Fatalf("retry after the sweep: %v; want ErrTokenCreationExpired", err)
	}
	assertNotLive(t, e, noEvent)
	st, err := e.Identity.Tokens.PendingTokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The back office's revocation ended its row (auth.EndToken): not
	// pending, so not the sweep's; the sweep ended the unrecorded one.
	if st.Pending != 0 || st.Swept != 1 || st.Unrecorded != 0 {
		t.Errorf("pending token stats %+v; want 0 pending, 1 swept, 0 unrecorded", st)
	}
}

// TestPendingTokenBoundOutlivesTheIdempotencyKey: a retry within the
// API's promise for its key always finds its token pending.
func TestPendingTokenBoundOutlivesTheIdempotencyKey(t *testing.T) {
	if identity.PendingTokenBound <= api.IdempotencyRetention {
		t.Fatalf("PendingTokenBound %v must be longer than api.IdempotencyRetention %v", identity.PendingTokenBound, api.IdempotencyRetention)
	}
}

func assertNotLive(t *testing.T, e *it.Env, id string) {
	t.Helper()
	toks, err := e.Auth.Tokens(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range toks {
		if tok.ID == id && tok.RevokedAt == nil {
			t.Fatalf("token %s is live", id)
		}
	}
}

// TestTokenCreationExpiredNamesTheBound: the answer to a retry after the
// sweep names PendingTokenBound (in whole days, in both languages), not a
// number of its own that a change of the bound would leave behind.
func TestTokenCreationExpiredNamesTheBound(t *testing.T) {
	day := 24 * time.Hour
	if identity.PendingTokenBound%day != 0 {
		t.Fatalf("PendingTokenBound %v is not whole days; the message names days", identity.PendingTokenBound)
	}
	n := int(identity.PendingTokenBound / day)
	e := identity.ErrTokenCreationExpired
	if en := fmt.Sprintf("within %d days", n); !strings.Contains(e.Message, en) {
		t.Errorf("message %q does not say %q", e.Message, en)
	}
	if nl := fmt.Sprintf("binnen %d dagen", n); !strings.Contains(e.MessageNL, nl) {
		t.Errorf("Dutch message %q does not say %q", e.MessageNL, nl)
	}
}
