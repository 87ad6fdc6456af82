package auth_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"backoffice/commands/auth"
	"backoffice/domain"
)

func TestLoginAndAuthenticate(t *testing.T) {
	ctx, s, pool := withJan(t, auth.Config{})

	tok1, sess, err := s.Login(ctx, " JAN@example.nl", "geheim-wachtwoord", "192.0.2.1", t0, auth.WithUserAgent("test-browser"))
	if err != nil {
		t.Fatal(err)
	}
	if sess.AccountID != "acc-1" || sess.Role != domain.RoleClient || sess.IP != "192.0.2.1" || sess.UserAgent != "test-browser" ||
		!sess.ExpiresAt.Equal(t0.Add(12*time.Hour)) || !sess.IdleExpiresAt.Equal(t0.Add(30*time.Minute)) {
		t.Errorf("session = %+v", sess)
	}
	if a := sess.Actor(); a.ClientID != "client-1" || a.AccountID != "acc-1" || a.Role != domain.RoleClient {
		t.Errorf("actor = %+v", a)
	}
	tok2, _, err := s.Login(ctx, janEmail, janPassword, "192.0.2.1", t0)
	if err != nil {
		t.Fatal(err)
	}
	if tok1 == tok2 {
		t.Error("two logins share a session ID")
	}
	var stored int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM sessions WHERE id_hash = convert_to($1, 'UTF8')`, tok1).Scan(&stored); err != nil || stored != 0 {
		t.Errorf("session token stored in plaintext (%d, %v)", stored, err)
	}
	got, err := s.Authenticate(ctx, tok1, t0.Add(time.Minute))
	if err != nil || got.AccountID != "acc-1" {
		t.Fatalf("Authenticate = %+v, %v", got, err)
	}

	if err := s.Logout(ctx, tok1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, tok1, t0.Add(2*time.Minute)); !errors.Is(err, auth.ErrSessionInvalid) || domain.KindOf(err) != domain.KindUnauthorized {
		t.Errorf("after logout: %v", err)
	}
	if _, err := s.Authenticate(ctx, tok2, t0.Add(2*time.Minute)); err != nil {
		t.Errorf("the other session ended too: %v", err)
	}
	if n, err := s.LogoutAll(ctx, "acc-1"); err != nil || n != 1 {
		t.Errorf("LogoutAll = %d, %v", n, err)
	}
	if _, err := s.Authenticate(ctx, tok2, t0.Add(2*time.Minute)); !errors.Is(err, auth.ErrSessionInvalid) {
		t.Errorf("after LogoutAll: %v", err)
	}
	for _, junk := range []string{"", "x", strings.Repeat("A", 43)} {
		if _, err := s.Authenticate(ctx, junk, t0); !errors.Is(err, auth.ErrSessionInvalid) {
			t.Errorf("Authenticate(%q) = %v", junk, err)
		}
	}
}

func TestSessionTimeouts(t *testing.T) {
	ctx, s, pool := withJan(t, auth.Config{})
	login := func() string { return janLogin(t, ctx, s) }
	lastSeen := func(tok string) time.Time {
		t.Helper()
		sess, err := s.Authenticate(ctx, tok, t0) // read back without moving forward
		if err != nil {
			t.Fatal(err)
		}
		return sess.LastSeenAt
	}

	t.Run("idle timeout slides", func(t *testing.T) {
		tok := login()
		at := t0
		for range 5 { // 5 × 29 min: longer than one idle period in total
			at = at.Add(29 * time.Minute)
			if _, err := s.Authenticate(ctx, tok, at); err != nil {
				t.Fatalf("active session refused at %v: %v", at.Sub(t0), err)
			}
		}
		if _, err := s.Authenticate(ctx, tok, at.Add(30*time.Minute)); !errors.Is(err, auth.ErrSessionInvalid) {
			t.Fatalf("session alive after 30 min idle: %v", err)
		}
		if _, err := s.Authenticate(ctx, tok, at.Add(time.Minute)); !errors.Is(err, auth.ErrSessionInvalid) {
			t.Errorf("expired session came back: %v", err)
		}
	})

	t.Run("last seen written at most once a minute", func(t *testing.T) {
		tok := login()
		if _, err := s.Authenticate(ctx, tok, t0.Add(59*time.Second)); err != nil {
			t.Fatal(err)
		}
		if got := lastSeen(tok); !got.Equal(t0) {
			t.Errorf("last seen moved to %v within the touch interval", got.Sub(t0))
		}
		sess, err := s.Authenticate(ctx, tok, t0.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if !sess.IdleExpiresAt.Equal(t0.Add(31 * time.Minute)) {
			t.Errorf("idle end = %v", sess.IdleExpiresAt.Sub(t0))
		}
		if got := lastSeen(tok); !got.Equal(t0.Add(time.Minute)) {
			t.Errorf("last seen = %v, want 1m", got.Sub(t0))
		}
	})

	t.Run("absolute timeout", func(t *testing.T) {
		tok := login()
		at := t0
		for at.Add(20 * time.Minute).Before(t0.Add(12 * time.Hour)) {
			at = at.Add(20 * time.Minute)
			if _, err := s.Authenticate(ctx, tok, at); err != nil {
				t.Fatalf("refused at %v: %v", at.Sub(t0), err)
			}
		}
		if _, err := s.Authenticate(ctx, tok, t0.Add(12*time.Hour)); !errors.Is(err, auth.ErrSessionInvalid) {
			t.Fatalf("session alive at 12 h: %v", err)
		}
	})

	t.Run("disabling the account ends its sessions", func(t *testing.T) {
		tok := login()
		if err := auth.UpsertAccount(ctx, pool, auth.AccountRow{AccountID: "acc-1", Email: "jan@example.nl", Role: domain.RoleClient, Disabled: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, tok, t0); !errors.Is(err, auth.ErrSessionInvalid) {
			t.Errorf("disabled account's session: %v", err)
		}
	})

	if err := s.PurgeExpired(ctx, t0.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM sessions`).Scan(&n); err != nil || n != 0 {
		t.Errorf("after purge %d sessions, %v", n, err)
	}
}

func TestChangePassword(t *testing.T) {
	ctx := testCtx(t)
	s, pool := newService(t)
	activeAccount(t, ctx, s, pool, "acc-1", "jan@example.nl", "oud-wachtwoord")
	keep, _, _ := s.Login(ctx, "jan@example.nl", "oud-wachtwoord", "", t0)
	other, _, _ := s.Login(ctx, "jan@example.nl", "oud-wachtwoord", "", t0)
	if err := s.ChangePassword(ctx, "acc-1", "fout", "nieuw-wachtwoord", keep, "", t0); domain.KindOf(err) != domain.KindInvalid {
		t.Errorf("wrong current password: %v", err)
	}
	if err := s.ChangePassword(ctx, "acc-1", "oud-wachtwoord", "nieuw-wachtwoord", keep, "", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, keep, t0); err != nil {
		t.Errorf("own session ended: %v", err)
	}
	if _, err := s.Authenticate(ctx, other, t0); !errors.Is(err, auth.ErrSessionInvalid) {
		t.Errorf("other session survived: %v", err)
	}
	if _, _, err := s.Login(ctx, "jan@example.nl", "nieuw-wachtwoord", "", t0); err != nil {
		t.Error(err)
	}
}

func TestLoginRehashesOldParameters(t *testing.T) {
	ctx, _, pool := withJan(t, auth.Config{})
	stronger := fastParams
	stronger.Time = 2
	s2, err := auth.New(pool, auth.Config{Params: stronger})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s2.Login(ctx, janEmail, janPassword, "", t0); err != nil {
		t.Fatal(err)
	}
	var h string
	if err := pool.QueryRow(ctx, `SELECT password_hash FROM credentials WHERE account_id = 'acc-1'`).Scan(&h); err != nil {
		t.Fatal(err)
	}
	if auth.NeedsRehash(h, stronger) {
		t.Errorf("hash %s not upgraded", h)
	}
}

func TestSessionCookie(t *testing.T) {
	c := auth.SessionCookie("tok", true, 12*time.Hour)
	if c.Name != "__Host-session" || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode ||
		c.Path != "/" || c.Domain != "" || c.MaxAge != 12*3600 {
		t.Errorf("secure cookie = %+v", c)
	}
	c = auth.SessionCookie("tok", false, 0)
	if c.Name != "session" || c.Secure || !c.HttpOnly || c.MaxAge != 0 {
		t.Errorf("localhost cookie = %+v", c)
	}
	if c := auth.ClearSessionCookie(true); c.MaxAge >= 0 || c.Name != "__Host-session" {
		t.Errorf("clear cookie = %+v", c)
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(auth.SessionCookie("abc", true, 0))
	if got := auth.SessionToken(r, true); got != "abc" {
		t.Errorf("SessionToken = %q", got)
	}
	if got := auth.SessionToken(r, false); got != "" {
		t.Errorf("SessionToken(insecure) = %q", got)
	}
}
