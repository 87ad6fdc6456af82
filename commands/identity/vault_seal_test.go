package identity_test

import (
	"encoding/base64"
	"errors"
	"testing"

	"backoffice/commands/identity"
)

// TestSealShredsWithTheSubjectKey: a sealed value opens only for its
// subject, holds no plain text, and is unreadable for good once the
// subject's key is erased.
func TestSealShredsWithTheSubjectKey(t *testing.T) {
	ctx, v, _ := newVault(t)
	type conn struct{ IP, UA string }
	in := conn{IP: "192.0.2.7", UA: "Mozilla/5.0"}
	sealed, err := v.Seal(ctx, "account-a1", in)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(sealed)
	if containsAny(raw, "192.0.2.7", "Mozilla") {
		t.Fatal("plain text in the sealed value")
	}
	var got conn
	if err := v.Unseal(ctx, "account-a1", sealed, &got); err != nil || got != in {
		t.Fatalf("round trip: %+v %v", got, err)
	}
	if err := v.Unseal(ctx, "account-a2", sealed, &got); err == nil {
		t.Fatal("opened for another subject")
	}
	if err := v.Erase(ctx, "account-a1"); err != nil {
		t.Fatal(err)
	}
	if err := v.Unseal(ctx, "account-a1", sealed, &got); !errors.Is(err, identity.ErrErased) {
		t.Fatalf("after erasure: %v", err)
	}
	if _, err := v.Seal(ctx, "account-a1", in); !errors.Is(err, identity.ErrErased) {
		t.Fatalf("seal after erasure: %v", err)
	}
}
