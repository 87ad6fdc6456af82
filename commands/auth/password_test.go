package auth_test

import (
	"errors"
	"strings"
	"testing"

	"backoffice/commands/auth"
)

func TestValidatePassword(t *testing.T) {
	tests := []struct {
		name string
		pw   string
		want error
	}{
		{"empty", "", auth.ErrPasswordTooShort},
		{"7 chars", "abcdefg", auth.ErrPasswordTooShort},
		{"8 chars", "abcdefgh", nil},
		{"8 spaces count", "        ", nil},
		{"no composition rules", "aaaaaaaaaaaa", nil},
		{"64 chars", strings.Repeat("x", 64), nil},
		{"65 chars", strings.Repeat("x", 65), auth.ErrPasswordTooLong},
		{"8 multibyte runes", "éééééééé", nil},
		{"7 multibyte runes is short though 14 bytes", "ééééééé", auth.ErrPasswordTooShort},
		{"64 emoji", strings.Repeat("🔑", 64), nil},
		{"65 emoji", strings.Repeat("🔑", 65), auth.ErrPasswordTooLong},
		{"invalid utf-8", "abcdefgh\xff", auth.ErrPasswordInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := auth.ValidatePassword(tt.pw)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("ValidatePassword(%q) = %v, want %v", tt.pw, err, tt.want)
			}
			if _, herr := auth.HashPassword(tt.pw, fastParams); (herr == nil) != (tt.want == nil) {
				t.Errorf("HashPassword err = %v, want %v", herr, tt.want)
			}
		})
	}
}

func TestHashPasswordPHC(t *testing.T) {
	h, err := auth.HashPassword("correct horse", auth.DefaultParams)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Count(h, "$") != 5 {
		t.Fatalf("hash %q is not PHC argon2id with the OWASP parameters", h)
	}
	if ok, err := auth.VerifyPassword("correct horse", h); err != nil || !ok {
		t.Errorf("right password: %v, %v", ok, err)
	}
	if ok, err := auth.VerifyPassword("correct horsE", h); err != nil || ok {
		t.Errorf("wrong password: %v, %v", ok, err)
	}
	h2, _ := auth.HashPassword("correct horse", auth.DefaultParams)
	if h == h2 {
		t.Error("two hashes of one password are equal: salt missing")
	}
	if auth.NeedsRehash(h, auth.DefaultParams) {
		t.Error("NeedsRehash with the same parameters")
	}
	if !auth.NeedsRehash(h, fastParams) {
		t.Error("no NeedsRehash with other parameters")
	}
	if !auth.NeedsRehash("$2a$10$bcrypt", auth.DefaultParams) {
		t.Error("no NeedsRehash for a foreign hash")
	}
	for _, bad := range []string{"", "$argon2id$v=19$m=1,t=1,p=1$$", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaA", "plain"} {
		if _, err := auth.VerifyPassword("x", bad); err == nil {
			t.Errorf("VerifyPassword accepted malformed hash %q", bad)
		}
	}
}

func TestPasswordUnicodeNormalisation(t *testing.T) {
	// Full-width letters (an IME) and their ASCII form are one password.
	h, err := auth.HashPassword("Ｗachtwoord1", fastParams)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := auth.VerifyPassword("Wachtwoord1", h); !ok {
		t.Error("NFKC-equal password rejected")
	}
}
