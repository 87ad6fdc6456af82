package auth_test

import (
	"errors"
	"testing"
	"time"

	"backoffice/commands/auth"
)

func TestRotateSession(t *testing.T) {
	ctx, s, _ := withJan(t, auth.Config{})
	old, before, err := s.Login(ctx, janEmail, janPassword, "192.0.2.1", t0)
	if err != nil {
		t.Fatal(err)
	}
	// Looked up once, so the old token sits in the session cache too.
	if _, err := s.Authenticate(ctx, old, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	next, after, err := s.RotateSession(ctx, old)
	if err != nil {
		t.Fatal(err)
	}
	if next == old || next == "" {
		t.Fatalf("new token %q, old %q", next, old)
	}
	if after.AccountID != before.AccountID || !after.CreatedAt.Equal(before.CreatedAt) || !after.ExpiresAt.Equal(before.ExpiresAt) {
		t.Errorf("rotation changed the session: before %+v, after %+v", before, after)
	}
	if _, err := s.Authenticate(ctx, old, t0.Add(2*time.Minute)); !errors.Is(err, auth.ErrSessionInvalid) {
		t.Errorf("old token after rotation: %v", err)
	}
	if got, err := s.Authenticate(ctx, next, t0.Add(2*time.Minute)); err != nil || got.AccountID != before.AccountID {
		t.Errorf("new token: %+v, %v", got, err)
	}
	if _, _, err := s.RotateSession(ctx, old); !errors.Is(err, auth.ErrSessionInvalid) {
		t.Errorf("rotating a dead token: %v", err)
	}
}
