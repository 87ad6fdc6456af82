package e2e_test

import (
	"net/http"
	"strings"
	"testing"

	"backoffice/internal/apidoc"
	"backoffice/internal/apitest"
	"backoffice/internal/demo"
)

// TestAuditorTokenOnlyReads: the auditor token gets 403 forbidden ("may only read") on every
// documented operation that is not a read, whatever the body, and nothing
// is appended to the ledger. It got 400 (the body was checked first), 404 or
// 409 (the state was checked first) on many of them, so whether an
// auditor's change was refused depended on the request. Its reads still
// answer (the positive control).
func TestAuditorTokenOnlyReads(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	api := e.URL + "/api/v1"
	var session struct {
		Token string `json:"token"`
	}
	apitest.Request(t, http.MethodPost, api+"/session", map[string]string{"email": "beheer@backoffice.example.nl", "password": demo.Password}).Decode(t, &session)
	var tok struct {
		Token string `json:"token"`
	}
	res := apitest.Request(t, http.MethodPost, api+"/tokens", map[string]string{"role": "auditor", "label": "Accountant"}, "Authorization", "Bearer "+session.Token)
	res.Decode(t, &tok)
	if tok.Token == "" {
		t.Fatalf("no auditor token: %s", res.Body)
	}
	auditor := "Bearer " + tok.Token
	// The application's own background work (the demo's TAN mail, as
	// role system) may append meanwhile; no one else may.
	events := func() (n int) {
		if err := e.Pool.QueryRow(t.Context(), `SELECT count(*) FROM eventstore_events WHERE metadata->>'actor_role' IS DISTINCT FROM 'system'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := events()

	// Path parameters with the demo's values, so the auditor asks about
	// objects that exist and that it may read.
	fill := strings.NewReplacer("{placement}", janPlacement, "{week}", "2026-W05", "{client}", demo.ClientBakery,
		"{worker}", "demo-worker-01", "{administration}", "1001", "{batch}", "b1", "{hourType}", "100", "{format}", "csv",
		"{version}", "1", "{id}", "1")
	ops := apidoc.Operations(t)
	writes := 0
	for _, op := range ops {
		method, path, _ := strings.Cut(op, " ")
		if method == http.MethodGet || path == "/session" || strings.HasPrefix(path, "/activation") || strings.HasPrefix(path, "/password-reset") {
			continue // reads; the anonymous endpoints (login, activation, password reset) take no token
		}
		writes++
		got := apitest.Request(t, method, api+fill.Replace(path), map[string]any{"reason": "auditor", "items": []any{}}, "Authorization", auditor)
		if got.Status != http.StatusForbidden || got.Code() != "forbidden" || !strings.Contains(string(got.Body), "may only read") {
			t.Errorf("%s as the auditor: %d %s, want 403 forbidden, may only read", op, got.Status, got.Body)
		}
	}
	if writes < 45 {
		t.Fatalf("only %d writes documented in docs/openapi.yaml", writes)
	}
	if after := events(); after != before {
		t.Fatalf("the auditor's requests appended %d events", after-before)
	}
	// Jan's trail: his record, placement and account, with names.
	trail := apitest.Request(t, http.MethodGet, api+"/audit/workers/demo-worker-01/trail", nil, "Authorization", auditor)
	if trail.Status != http.StatusOK || !strings.Contains(string(trail.Body), `"actor_name":"Jan van der Berg"`) ||
		!strings.Contains(string(trail.Body), `"stream":"placement-`+janPlacement+`"`) {
		t.Errorf("Jan's trail as the auditor: %d %s", trail.Status, trail.Body)
	}
	for _, read := range []string{"/audit/verify", "/timesheets/" + janPlacement + "/2026-W05/history", "/placements"} {
		if got := apitest.Request(t, http.MethodGet, api+read, nil, "Authorization", auditor); got.Status != http.StatusOK {
			t.Errorf("GET %s as the auditor: %d %s", read, got.Status, got.Body)
		}
	}
}
