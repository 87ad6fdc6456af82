package auth_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"backoffice/commands/auth"
	"backoffice/domain"
)

func TestLoginThrottlePerAccount(t *testing.T) {
	ctx := testCtx(t)
	s, pool := newService(t, auth.Config{})
	activeAccount(t, ctx, s, pool, "acc-1", "jan@example.nl", "geheim-wachtwoord")

	var prevHint time.Duration
	for i := 1; i <= 100; i++ {
		at := t0.Add(time.Duration(i) * time.Second)
		_, _, err := s.Login(ctx, "jan@example.nl", fmt.Sprintf("fout-%d", i), fmt.Sprintf("198.51.100.%d", i%250), at)
		if !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Fatalf("failure %d: %v", i, err)
		}
		hint := auth.RetryAfter(err)
		switch {
		case i < 5 && hint != 0:
			t.Errorf("failure %d: delay hint %v before a few failures", i, hint)
		case i >= 5 && (hint < prevHint || hint == 0):
			t.Errorf("failure %d: delay hint %v after %v, want growing", i, hint, prevHint)
		}
		prevHint = hint
	}
	if prevHint != 15*time.Minute {
		t.Errorf("delay hint capped at %v, want 15m", prevHint)
	}
	// The 101st attempt is refused, even with the right password.
	at := t0.Add(30 * time.Minute)
	_, _, err := s.Login(ctx, "jan@example.nl", "geheim-wachtwoord", "203.0.113.9", at)
	var de *domain.Error
	if !errors.Is(err, auth.ErrTooManyAttempts) || domain.KindOf(err) != domain.KindTooMany || !errors.As(err, &de) || de.MessageNL == "" {
		t.Fatalf("101st attempt: %v", err)
	}
	// The window started with the first failure, at t0+1s.
	if got, want := auth.RetryAfter(err), t0.Add(time.Second+time.Hour).Sub(at); got != want {
		t.Errorf("RetryAfter = %v, want %v", got, want)
	}
	// Once the window has passed, the right password works and clears the count.
	if _, _, err := s.Login(ctx, "jan@example.nl", "geheim-wachtwoord", "203.0.113.9", t0.Add(time.Hour+time.Second)); err != nil {
		t.Fatalf("after the window: %v", err)
	}
	_, _, err = s.Login(ctx, "jan@example.nl", "fout", "203.0.113.9", t0.Add(time.Hour+2*time.Second))
	if auth.RetryAfter(err) != 0 {
		t.Errorf("a success did not reset the failures: hint %v", auth.RetryAfter(err))
	}
}

func TestLoginThrottlePerIP(t *testing.T) {
	ctx := testCtx(t)
	s, pool := newService(t, auth.Config{MaxFailuresPerIP: 5})
	activeAccount(t, ctx, s, pool, "acc-1", "jan@example.nl", "geheim-wachtwoord")
	const ip = "192.0.2.77"
	for i := range 5 {
		// Different (unknown) addresses from one IP: credential stuffing.
		_, _, err := s.Login(ctx, fmt.Sprintf("user%d@example.nl", i), "wachtwoord", ip, t0)
		if !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	if _, _, err := s.Login(ctx, "jan@example.nl", "geheim-wachtwoord", ip, t0); !errors.Is(err, auth.ErrTooManyAttempts) {
		t.Errorf("6th attempt from the IP: %v", err)
	}
	if _, _, err := s.Login(ctx, "jan@example.nl", "geheim-wachtwoord", "192.0.2.78", t0); err != nil {
		t.Errorf("other IP refused: %v", err)
	}
	// Several instances share the counts: a second Service sees them.
	s2, err := auth.New(pool, auth.Config{Params: fastParams, MaxFailuresPerIP: 5})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s2.Login(ctx, "jan@example.nl", "geheim-wachtwoord", ip, t0.Add(time.Minute)); !errors.Is(err, auth.ErrTooManyAttempts) {
		t.Errorf("other instance: %v", err)
	}
}

func TestUnknownEmailIsIndistinguishable(t *testing.T) {
	ctx := testCtx(t)
	s, pool := newService(t, auth.Config{})
	activeAccount(t, ctx, s, pool, "acc-1", "jan@example.nl", "geheim-wachtwoord")
	if err := auth.UpsertAccount(ctx, pool, auth.AccountRow{AccountID: "acc-2", Email: "nieuw@example.nl", Role: domain.RoleWorker}); err != nil {
		t.Fatal(err)
	}
	if err := auth.UpsertAccount(ctx, pool, auth.AccountRow{AccountID: "acc-3", Email: "weg@example.nl", Role: domain.RoleWorker, Disabled: true}); err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"wrong password":  "jan@example.nl",
		"unknown e-mail":  "niemand@example.nl",
		"not activated":   "nieuw@example.nl",
		"disabled":        "weg@example.nl",
		"empty e-mail":    "",
		"unknown (caps)":  "NIEMAND2@example.nl",
		"no such domain!": "x@y",
	}
	var first string
	for name, email := range cases {
		_, _, err := s.Login(ctx, email, "fout-wachtwoord", "", t0)
		var re *auth.RetryError
		if !errors.As(err, &re) || re.Err != auth.ErrInvalidCredentials || re.RetryAfter != 0 {
			t.Errorf("%s: %#v", name, err)
			continue
		}
		if first == "" {
			first = err.Error()
		} else if err.Error() != first {
			t.Errorf("%s: error %q differs from %q", name, err, first)
		}
	}
}
