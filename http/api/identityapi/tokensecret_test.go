package identityapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestTokenSecretIsNeverReplayedOrKept: an integration token's secret is
// shown once. A retry with the same Idempotency-Key must not show it again,
// and the stored answer must not hold it.
func TestTokenSecretIsNeverReplayedOrKept(t *testing.T) {
	e, bo := newApp(t)
	post := func() (int, []byte) {
		req, _ := http.NewRequest(http.MethodPost, e.URL+"/tokens", strings.NewReader(`{"role":"payroll","label":"Loket"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+bo)
		req.Header.Set("Idempotency-Key", "token-once")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b
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
