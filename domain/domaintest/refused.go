package domaintest

import (
	"errors"
	"testing"
)

// Refused checks the error of a table case that runs a command or query:
// when the case wants a refusal, err must be wantErr (errors.Is: a
// sentinel, or Code(c) for any error with code c) and Refused reports
// true, so the case ends there; otherwise any error fails t and Refused
// reports false. WantError is the stricter check of one domain error's
// kind, field and messages.
func Refused(t testing.TB, err, wantErr error) bool {
	t.Helper()
	if wantErr != nil {
		if !errors.Is(err, wantErr) {
			t.Fatalf("error %v, want %v", err, wantErr)
		}
		return true
	}
	if err != nil {
		t.Fatalf("unexpected error %v", err)
	}
	return false
}
