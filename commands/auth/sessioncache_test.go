package auth_test

import (
	"errors"
	"testing"
	"time"

	"backoffice/commands/auth"
	"backoffice/domain"
)

// TestSessionCacheBound: a session ended behind this process's back
// (another instance's logout, here SQL) is still answered from memory
// within SessionCacheTTL, and refused once the bound has passed.
func TestSessionCacheBound(t *testing.T) {
	ctx, s, pool := withJan(t, auth.Config{})
	if got := s.Config().SessionCacheTTL; got != auth.DefaultSessionCacheTTL || got > 2*time.Second {
		t.Fatalf("SessionCacheTTL = %v, want the documented 2 s", got)
	}
	wall := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	auth.SetSessionCacheClock(s, func() time.Time { return wall })
	tok := janLogin(t, ctx, s)
	if _, err := s.Authenticate(ctx, tok, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `DELETE FROM sessions`); err != nil {
		t.Fatal(err)
	}
	wall = wall.Add(auth.DefaultSessionCacheTTL - time.Millisecond)
	if _, err := s.Authenticate(ctx, tok, t0); err != nil {
		t.Fatalf("within the bound the cached session answers: %v", err)
	}
	wall = wall.Add(time.Millisecond)
	if _, err := s.Authenticate(ctx, tok, t0); !errors.Is(err, auth.ErrSessionInvalid) {
		t.Fatalf("session ended elsewhere still accepted after the bound: %v", err)
	}
}

// TestSessionCacheRevokedHereAtOnce: revocations made through this
// process end a cached session immediately, the wall clock standing still.
func TestSessionCacheRevokedHereAtOnce(t *testing.T) {
	ctx, s, pool := withJan(t, auth.Config{})
	auth.SetSessionCacheClock(s, func() time.Time { return t0 }) // never expires by age
	login := func() string {
		t.Helper()
		tok := janLogin(t, ctx, s)
		if _, err := s.Authenticate(ctx, tok, t0); err != nil { // now cached
			t.Fatal(err)
		}
		return tok
	}
	for _, tc := range []struct {
		name   string
		revoke func(tok string) error
	}{
		{"logout", func(tok string) error { return s.Logout(ctx, tok) }},
		{"logout everywhere", func(string) error { _, err := s.LogoutAll(ctx, "acc-1"); return err }},
		{"password changed", func(string) error {
			if err := s.ChangePassword(ctx, "acc-1", "geheim-wachtwoord", "nieuw-geheim-wachtwoord", "", "", time.Now()); err != nil {
				return err
			}
			return s.ChangePassword(ctx, "acc-1", "nieuw-geheim-wachtwoord", "geheim-wachtwoord", "", "", time.Now())
		}},
		{"account disabled", func(string) error {
			return auth.UpsertAccount(ctx, pool, auth.AccountRow{AccountID: "acc-1", Email: "jan@example.nl",
				Role: domain.RoleClient, TenantID: "client-1", Disabled: true})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok := login()
			if err := tc.revoke(tok); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Authenticate(ctx, tok, t0); !errors.Is(err, auth.ErrSessionInvalid) {
				t.Errorf("revoked session accepted: %v", err)
			}
		})
	}
}

// TestSessionCacheBlockedAtOnce: blocking an account (Disable) ends its
// cached sessions in this process at once.
func TestSessionCacheBlockedAtOnce(t *testing.T) {
	ctx, s, _ := withJan(t, auth.Config{})
	auth.SetSessionCacheClock(s, func() time.Time { return t0 })
	tok := janLogin(t, ctx, s)
	if _, err := s.Authenticate(ctx, tok, t0); err != nil { // now cached
		t.Fatal(err)
	}
	if err := s.Disable(ctx, "acc-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, tok, t0); !errors.Is(err, auth.ErrSessionInvalid) {
		t.Errorf("blocked account's cached session accepted: %v", err)
	}
}
