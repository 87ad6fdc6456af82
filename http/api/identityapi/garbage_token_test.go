package identityapi_test

import (
	"net/http"
	"strings"
	"testing"

	it "backoffice/internal/identitytest"
)

// TestGarbageBearerToken: a token that was never a session is 401 without
// claiming that a session expired (issue 11 §10).
func TestGarbageBearerToken(t *testing.T) {
	e := it.New(t)
	for _, tok := range []string{"garbage", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "bo_garbage"} {
		r := e.Do(t, http.MethodGet, "/me", tok, nil)
		if r.Status != http.StatusUnauthorized {
			t.Fatalf("token %q: status %d: %s", tok, r.Status, r.Body)
		}
		if strings.Contains(strings.ToLower(string(r.Body)), "expired") {
			t.Fatalf("token %q: %s claims an expired session", tok, r.Body)
		}
	}
}
