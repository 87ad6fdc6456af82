package identityapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"backoffice/internal/apitest"
)

// TestTokenSecretIsNeverReplayedOrKept: an integration token's secret is
// shown once. A retry with the same Idempotency-Key must not show it again,
// and the stored answer must not hold it.
func TestTokenSecretIsNeverReplayedOrKept(t *testing.T) {
	e, bo := newApp(t)
	post := func() (int, []byte) {
		r := apitest.Request(t, http.MethodPost, e.URL+"/tokens", `{"role":"payroll","label":"Loket"}`,
			"Authorization", "Bearer "+bo, "Idempotency-Key", "token-once")
		return r.Status, r.Body
	}
	status, body := post()
	if status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, body)
	}
	var created struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(body, &created); err != nil || created.Token == "" {
		t.Fatalf("no token in %s", body)
	}
	status, again := post()
	if status != http.StatusConflict || bytes.Contains(again, []byte(created.Token)) {
		t.Fatalf("replay: %d %s, want 409 without the secret", status, again)
	}
	var leaked bool
	if err := e.Pool.QueryRow(context.Background(),
		`SELECT EXISTS (SELECT 1 FROM idempotency_keys WHERE position($1::bytea IN response) > 0)`, []byte(created.Token)).Scan(&leaked); err != nil {
		t.Fatal(err)
	}
	if leaked {
		t.Fatal("the token secret is stored in idempotency_keys")
	}
}
