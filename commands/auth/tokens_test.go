package auth_test

import (
	"errors"
	"testing"
	"time"

	"backoffice/commands/auth"
	"backoffice/domain"
)

func TestUpsertAccount(t *testing.T) {
	ctx := testCtx(t)
	s, pool := newService(t)
	row := auth.AccountRow{AccountID: "acc-1", Email: "  Jan@Example.NL ", Role: domain.RoleClient, TenantID: "client-7"}
	if err := auth.UpsertAccount(ctx, pool, row); err != nil {
		t.Fatal(err)
	}
	a, err := s.AccountByEmail(ctx, "JAN@example.nl")
	if err != nil {
		t.Fatal(err)
	}
	if a.AccountID != "acc-1" || a.Email != "jan@example.nl" || a.Language != "nl" || a.HasPassword || a.TenantID != "client-7" {
		t.Errorf("account = %+v", a)
	}
	err = auth.UpsertAccount(ctx, pool, auth.AccountRow{AccountID: "acc-2", Email: "jan@example.nl", Role: domain.RoleWorker})
	if !errors.Is(err, auth.ErrEmailTaken) || domain.KindOf(err) != domain.KindConflict {
		t.Errorf("duplicate e-mail: %v", err)
	}
	if err := auth.UpsertAccount(ctx, pool, auth.AccountRow{AccountID: "acc-3", Email: "not an address", Role: domain.RoleWorker}); domain.KindOf(err) != domain.KindInvalid {
		t.Errorf("invalid e-mail: %v", err)
	}
	// An update keeps the password.
	activeAccount(t, ctx, s, pool, "acc-4", "piet@example.nl", "wachtwoord-1")
	if err := auth.UpsertAccount(ctx, pool, auth.AccountRow{AccountID: "acc-4", Email: "piet@example.nl",
		Role: domain.RoleClient, Language: "en"}); err != nil {
		t.Fatal(err)
	}
	if a, _ := s.Account(ctx, "acc-4"); !a.HasPassword || a.Language != "en" {
		t.Errorf("after update: %+v", a)
	}
	if _, err := s.Account(ctx, "nobody"); !errors.Is(err, auth.ErrAccountNotFound) {
		t.Errorf("unknown account: %v", err)
	}
}

func TestTokens(t *testing.T) {
	ctx := testCtx(t)
	s, pool := newService(t)
	if err := auth.UpsertAccount(ctx, pool, auth.AccountRow{AccountID: "acc-1", Email: "jan@example.nl", Role: domain.RoleClient}); err != nil {
		t.Fatal(err)
	}
	issue := func(p auth.Purpose, at time.Time) string {
		t.Helper()
		tok, exp, err := s.IssueToken(ctx, "acc-1", p, at)
		if err != nil {
			t.Fatal(err)
		}
		if !exp.Equal(at.Add(72 * time.Hour)) {
			t.Errorf("expires %v, want 72 h after %v", exp, at)
		}
		if len(tok) < 43 {
			t.Errorf("token %q shorter than 256 bits base64url", tok)
		}
		return tok
	}

	t.Run("stored only as hash", func(t *testing.T) {
		tok := issue(auth.PurposeActivation, t0)
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM auth_tokens WHERE encode(token_hash, 'escape') LIKE '%' || $1 || '%'`, tok).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Error("plaintext token found in the table")
		}
	})

	tests := []struct {
		name    string
		setup   func() string // returns the token to consume
		purpose auth.Purpose
		pw      string
		at      time.Time
		want    error
	}{
		{"expired at exactly 72 h", func() string { return issue(auth.PurposeActivation, t0) }, auth.PurposeActivation, "wachtwoord-1", t0.Add(72 * time.Hour), auth.ErrTokenInvalid},
		{"valid just before expiry", func() string { return issue(auth.PurposeActivation, t0) }, auth.PurposeActivation, "wachtwoord-1", t0.Add(72*time.Hour - time.Second), nil},
		{"wrong purpose", func() string { return issue(auth.PurposePasswordReset, t0) }, auth.PurposeActivation, "wachtwoord-1", t0, auth.ErrTokenInvalid},
		{"unknown", func() string { return "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }, auth.PurposeActivation, "wachtwoord-1", t0, auth.ErrTokenInvalid},
		{"malformed", func() string { return "../../etc" }, auth.PurposeActivation, "wachtwoord-1", t0, auth.ErrTokenInvalid},
		{"superseded by a newer one", func() string {
			old := issue(auth.PurposePasswordReset, t0)
			issue(auth.PurposePasswordReset, t0.Add(time.Minute))
			return old
		}, auth.PurposePasswordReset, "wachtwoord-1", t0.Add(2 * time.Minute), auth.ErrTokenInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.ConsumeToken(ctx, tt.setup(), tt.purpose, tt.pw, tt.at)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("ConsumeToken = %v, want %v", err, tt.want)
			}
		})
	}

	t.Run("single use, and the message says so in Dutch", func(t *testing.T) {
		tok := issue(auth.PurposePasswordReset, t0)
		id, err := s.ConsumeToken(ctx, tok, auth.PurposePasswordReset, "nieuw-wachtwoord", t0.Add(time.Hour))
		if err != nil || id != "acc-1" {
			t.Fatalf("first use = %q, %v", id, err)
		}
		_, err = s.ConsumeToken(ctx, tok, auth.PurposePasswordReset, "ander-wachtwoord", t0.Add(time.Hour))
		var de *domain.Error
		if !errors.As(err, &de) || de.MessageNL != "Deze link is verlopen of al gebruikt. Vraag een nieuwe aan." {
			t.Fatalf("second use = %v", err)
		}
		if _, _, err := s.Login(ctx, "jan@example.nl", "nieuw-wachtwoord", "", t0.Add(time.Hour)); err != nil {
			t.Errorf("login with the password set by the first use: %v", err)
		}
	})

	t.Run("the same form sent again is answered as the first", func(t *testing.T) {
		// A double click, or a reload after a lost answer: the second
		// submission of the link's form with the password the first set,
		// within a few minutes, gets that result (ErrTokenResubmitted),
		// not "this link was used" for a password that was just set. Another
		// password, or later, is refused as before.
		tok := issue(auth.PurposeActivation, t0)
		at := t0.Add(time.Minute)
		id, err := s.ConsumeToken(ctx, tok, auth.PurposeActivation, "mijn-wachtwoord-1", at)
		if err != nil {
			t.Fatal(err)
		}
		again, err := s.ConsumeToken(ctx, tok, auth.PurposeActivation, "mijn-wachtwoord-1", at.Add(30*time.Second))
		if !errors.Is(err, auth.ErrTokenResubmitted) || again != id {
			t.Fatalf("the same submission again = %q, %v, want %q, ErrTokenResubmitted", again, err, id)
		}
		if _, err := s.ConsumeToken(ctx, tok, auth.PurposeActivation, "een-ander-wachtwoord", at.Add(30*time.Second)); !errors.Is(err, auth.ErrTokenInvalid) {
			t.Fatalf("another password = %v, want ErrTokenInvalid", err)
		}
		if _, err := s.ConsumeToken(ctx, tok, auth.PurposeActivation, "mijn-wachtwoord-1", at.Add(auth.ResubmitWindow+time.Second)); !errors.Is(err, auth.ErrTokenInvalid) {
			t.Fatalf("the same password later = %v, want ErrTokenInvalid", err)
		}
	})

	t.Run("bad password keeps the token", func(t *testing.T) {
		tok := issue(auth.PurposePasswordReset, t0)
		if _, err := s.ConsumeToken(ctx, tok, auth.PurposePasswordReset, "kort", t0); !errors.Is(err, auth.ErrPasswordTooShort) {
			t.Fatalf("short password: %v", err)
		}
		if _, err := s.ConsumeToken(ctx, tok, auth.PurposePasswordReset, "lang genoeg", t0); err != nil {
			t.Fatalf("retry with a good password: %v", err)
		}
	})

	t.Run("reset ends sessions", func(t *testing.T) {
		token, _, err := s.Login(ctx, "jan@example.nl", "lang genoeg", "", t0)
		if err != nil {
			t.Fatal(err)
		}
		tok := issue(auth.PurposePasswordReset, t0)
		if _, err := s.ConsumeToken(ctx, tok, auth.PurposePasswordReset, "weer een ander", t0); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, token, t0); !errors.Is(err, auth.ErrSessionInvalid) {
			t.Errorf("session survived a password reset: %v", err)
		}
	})

	t.Run("disabled account", func(t *testing.T) {
		tok := issue(auth.PurposePasswordReset, t0)
		if err := auth.UpsertAccount(ctx, pool, auth.AccountRow{AccountID: "acc-1", Email: "jan@example.nl", Role: domain.RoleClient, Disabled: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ConsumeToken(ctx, tok, auth.PurposePasswordReset, "wachtwoord-2", t0); !errors.Is(err, auth.ErrTokenInvalid) {
			t.Errorf("token of a disabled account: %v", err)
		}
		if _, _, err := s.IssueToken(ctx, "acc-1", auth.PurposePasswordReset, t0); !errors.Is(err, auth.ErrAccountNotFound) {
			t.Errorf("issue for a disabled account: %v", err)
		}
	})

	if _, _, err := s.IssueToken(ctx, "nobody", auth.PurposeActivation, t0); !errors.Is(err, auth.ErrAccountNotFound) {
		t.Errorf("issue for unknown account: %v", err)
	}
	if _, _, err := s.IssueToken(ctx, "acc-1", auth.Purpose("bogus"), t0); err == nil {
		t.Error("issue with unknown purpose succeeded")
	}
}
