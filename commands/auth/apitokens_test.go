package auth_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"backoffice/commands/auth"
	"backoffice/domain"
)

func TestAPITokens(t *testing.T) {
	ctx := testCtx(t)
	s, pool := newService(t)
	id, plain, err := s.CreateToken(ctx, domain.RolePayroll, "Loket payroll-import")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(plain, "bo_"+id+"_") {
		t.Errorf("plaintext %q does not carry its ID", plain)
	}
	tok, err := s.AuthenticateToken(ctx, plain)
	if err != nil {
		t.Fatal(err)
	}
	if tok.ID != id || tok.Role != domain.RolePayroll || tok.Label != "Loket payroll-import" || tok.Actor().Role != domain.RolePayroll {
		t.Errorf("token = %+v", tok)
	}
	var leaked int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM api_tokens WHERE position(convert_to($1, 'UTF8') in secret_hash) > 0`,
		plain[len("bo_"+id+"_"):]).Scan(&leaked); err != nil || leaked != 0 {
		t.Errorf("secret stored in plaintext (%d, %v)", leaked, err)
	}

	// The last character changed to another one (a token may end in "A").
	other := "A"
	if strings.HasSuffix(plain, "A") {
		other = "B"
	}
	bad := []string{"", plain + "x", plain[:len(plain)-1] + other, "bo_" + id, strings.Replace(plain, id, "0000000000000000", 1), "Bearer " + plain}
	for _, b := range bad {
		if _, err := s.AuthenticateToken(ctx, b); !errors.Is(err, auth.ErrAPITokenInvalid) || domain.KindOf(err) != domain.KindUnauthorized {
			t.Errorf("AuthenticateToken(%q) = %v", b, err)
		}
	}

	if err := s.RevokeToken(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeToken(ctx, id); err != nil {
		t.Errorf("second revoke: %v", err)
	}
	if _, err := s.AuthenticateToken(ctx, plain); !errors.Is(err, auth.ErrAPITokenInvalid) {
		t.Errorf("revoked token accepted: %v", err)
	}
	if err := s.RevokeToken(ctx, "nope"); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("revoke unknown: %v", err)
	}
	if _, _, err := s.CreateToken(ctx, domain.RoleClient, "x"); domain.KindOf(err) != domain.KindInvalid {
		t.Errorf("client token: %v", err)
	}
	if _, _, err := s.CreateToken(ctx, domain.RoleAuditor, " "); domain.KindOf(err) != domain.KindInvalid {
		t.Errorf("empty label: %v", err)
	}
	list, err := s.Tokens(ctx)
	if err != nil || len(list) != 1 || list[0].RevokedAt == nil {
		t.Errorf("Tokens = %+v, %v", list, err)
	}
}

// TestAPITokenWithID: a chosen ID (a command's, derived from its
// idempotency key) is stored once: a second creation under it is
// ErrTokenIDTaken while the token is live, so a retry never makes a second
// live token; a revoked one (an undone creation) is made anew, and only
// the new secret works.
func TestAPITokenWithID(t *testing.T) {
	ctx := testCtx(t)
	s, _ := newService(t)
	const id = "0123456789abcdef"
	first, err := s.CreateTokenWithID(ctx, id, domain.RoleAuditor, "Accountant")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateTokenWithID(ctx, id, domain.RoleAuditor, "Accountant"); !errors.Is(err, auth.ErrTokenIDTaken) {
		t.Fatalf("second creation: %v, want ErrTokenIDTaken", err)
	}
	if _, err := s.AuthenticateToken(ctx, first); err != nil {
		t.Fatalf("the first secret stopped working: %v", err)
	}
	if err := s.RevokeToken(ctx, id); err != nil {
		t.Fatal(err)
	}
	again, err := s.CreateTokenWithID(ctx, id, domain.RoleAuditor, "Accountant")
	if err != nil {
		t.Fatalf("creation after an undone one: %v", err)
	}
	if _, err := s.AuthenticateToken(ctx, again); err != nil {
		t.Fatalf("new secret: %v", err)
	}
	if _, err := s.AuthenticateToken(ctx, first); !errors.Is(err, auth.ErrAPITokenInvalid) {
		t.Fatalf("the undone token's secret works again: %v", err)
	}
	for _, bad := range []string{"", "0123", "0123456789ABCDEF", "0123456789abcdeg"} {
		if _, err := s.CreateTokenWithID(ctx, bad, domain.RoleAuditor, "x"); err == nil {
			t.Errorf("ID %q accepted", bad)
		}
	}
}

// TestFinishPendingToken: a pending token (its creation recorded, its
// activation lost to a kill) gets a new secret and goes live, once: two
// finishers at once give one secret that works; a live or revoked token
// is never finished (its secret may have been shown).
func TestFinishPendingToken(t *testing.T) {
	ctx := testCtx(t)
	s, _ := newService(t)
	const id = "00112233445566aa"
	first, err := s.CreatePendingToken(ctx, id, domain.RoleAuditor, "Accountant")
	if err != nil {
		t.Fatal(err)
	}
	secrets := make(chan string, 2)
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			plain, err := s.FinishPendingToken(ctx, id)
			switch {
			case err == nil:
				secrets <- plain
			case !errors.Is(err, auth.ErrTokenIDTaken):
				t.Error(err)
			}
		})
	}
	wg.Wait()
	close(secrets)
	var got []string
	for p := range secrets {
		got = append(got, p)
	}
	if len(got) != 1 {
		t.Fatalf("%d finishers got a secret; want 1", len(got))
	}
	if tok, err := s.AuthenticateToken(ctx, got[0]); err != nil || tok.ID != id {
		t.Fatalf("the finished secret: %+v %v", tok, err)
	}
	if _, err := s.AuthenticateToken(ctx, first); !errors.Is(err, auth.ErrAPITokenInvalid) {
		t.Errorf("the pending token's first secret: %v; want ErrAPITokenInvalid", err)
	}
	if _, err := s.FinishPendingToken(ctx, id); !errors.Is(err, auth.ErrTokenIDTaken) {
		t.Errorf("finishing a live token: %v; want ErrTokenIDTaken", err)
	}
	if err := s.RevokeToken(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FinishPendingToken(ctx, id); !errors.Is(err, auth.ErrTokenIDTaken) {
		t.Errorf("finishing a revoked token: %v; want ErrTokenIDTaken", err)
	}
}

// TestEndedPendingTokenIsNotFinished: the back office revoking a pending
// token (EndToken) ends it: a creation retried at the same moment, which
// loaded the token before the revocation was recorded, cannot make it
// live; RevokeToken (the clean-up of an unrecorded creation) leaves it
// finishable.
func TestEndedPendingTokenIsNotFinished(t *testing.T) {
	ctx := testCtx(t)
	fixed := time.Date(2026, 2, 9, 9, 0, 0, 0, time.UTC) // the revocation at the creation's very time
	s, _ := newServiceWith(t, auth.Config{Now: func() time.Time { return fixed }})
	const kept, ended = "00112233445566bb", "00112233445566cc"
	for _, id := range []string{kept, ended} {
		if _, err := s.CreatePendingToken(ctx, id, domain.RoleAuditor, "Accountant"); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RevokeToken(ctx, kept); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FinishPendingToken(ctx, kept); err != nil {
		t.Errorf("finishing a token only RevokeToken touched: %v; want it finished", err)
	}
	if err := s.EndToken(ctx, ended); err != nil {
		t.Fatal(err)
	}
	if plain, err := s.FinishPendingToken(ctx, ended); !errors.Is(err, auth.ErrTokenIDTaken) {
		t.Errorf("finishing a token the back office revoked: %q, %v; want ErrTokenIDTaken", plain, err)
	}
	if err := s.EndToken(ctx, ended); err != nil {
		t.Errorf("ending twice: %v", err)
	}
	if err := s.EndToken(ctx, "00112233445566dd"); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("ending an unknown token: %v; want ErrNotFound", err)
	}
}
