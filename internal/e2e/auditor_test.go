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

// TestAuditorReadsWithoutAddresses walks every documented read as the
// auditor token on the demo data: what an audit needs answers (every
// tenant, read-only), what is the back office's or a portal user's own
// answers as the table says, and no answer carries an e-mail address of
// the demo's people (the auditor needs to know who acted, not how to reach
// them). The audit export is the exception: it is the ledger byte for
// byte, which the hash chain covers.
func TestAuditorReadsWithoutAddresses(t *testing.T) {
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
	apitest.Request(t, http.MethodPost, api+"/tokens", map[string]string{"role": "auditor", "label": "Accountant"}, "Authorization", "Bearer "+session.Token).Decode(t, &tok)
	auditor := "Bearer " + tok.Token
	var docs struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	apitest.Request(t, http.MethodGet, api+"/documents", nil, "Authorization", auditor).Decode(t, &docs)
	if len(docs.Items) == 0 {
		t.Fatal("the auditor lists no documents")
	}
	docID := docs.Items[0].ID

	// The answer per documented read: 200 unless named here.
	want := map[string]int{
		"/audit/documents/{id}/evidence.pdf":      http.StatusConflict,  // the demo's request is not answered yet
		"/me/mobile":                              http.StatusForbidden, // a login's own
		"/me/notification-settings":               http.StatusForbidden,
		"/missing-hours":                          http.StatusForbidden,
		"/mail-deliveries/failed":                 http.StatusForbidden, // the back office's work list, with recipients
		"/sms-deliveries/failed":                  http.StatusForbidden,
		"/tokens":                                 http.StatusForbidden, // the bureau's keys
		"/payroll/clients/{client}":               http.StatusNotFound,  // payroll's own set-up and files
		"/payroll/clients/{client}/backlog":       http.StatusNotFound,
		"/payroll/workers/{worker}":               http.StatusNotFound,
		"/payroll/exports/{batch}":                http.StatusNotFound,
		"/payroll/exports/{batch}/files/{format}": http.StatusNotFound,
	}
	fill := func(path string) string {
		id := map[string]string{"/clients/": demo.ClientBakery, "/intermediaries/": demo.IntermediaryID, "/workers/": "demo-worker-01",
			"/placements/": janPlacement, "/documents/": docID, "/audit/documents/": docID, "/audit/workers/": "demo-worker-01"}
		for prefix, v := range id {
			if strings.HasPrefix(path, prefix) {
				path = strings.Replace(path, "{id}", v, 1)
			}
		}
		path = strings.NewReplacer("{placement}", janPlacement, "{week}", "2026-W05", "{client}", demo.ClientBakery,
			"{worker}", "demo-worker-01", "{batch}", "b1", "{format}", "csv", "{version}", "1").Replace(path)
		if path == "/reports/hours" {
			path += "?from=2026-W01&to=2026-W06"
		}
		return path
	}
	addresses := []string{janEmail, fatimaEmail, daanEmail, keesEmail, mariekeEmail, annaEmail, "beheer@backoffice.example.nl"}
	reads := 0
	for _, op := range apidoc.Operations(t) {
		method, path, _ := strings.Cut(op, " ")
		if method != http.MethodGet {
			continue
		}
		reads++
		got := apitest.Request(t, method, api+fill(path), nil, "Authorization", auditor)
		status := want[path]
		if status == 0 {
			status = http.StatusOK
		}
		if got.Status != status {
			t.Errorf("GET %s as the auditor: %d %.300s, want %d", fill(path), got.Status, got.Body, status)
		}
		if path == "/audit/events" {
			continue // the ledger as stored
		}
		for _, a := range addresses {
			if strings.Contains(string(got.Body), a) {
				t.Errorf("GET %s gives the auditor %s: %.300s", fill(path), a, got.Body)
			}
		}
	}
	if reads < 35 {
		t.Fatalf("only %d reads documented in docs/openapi.yaml", reads)
	}
	// The portal is for logins, not integration tokens: the auditor's token,
	// as a bearer or in the session cookie, opens no page (its lists of
	// accounts and documents are the API's above).
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, page := range []string{"/overige/documenten", "/werknemers", "/urenbriefjes", "/beheer"} {
		for _, header := range [][]string{{"Authorization", auditor}, {"Cookie", "session=" + tok.Token}} {
			req, err := http.NewRequest(http.MethodGet, e.URL+page, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set(header[0], header[1])
			res, body := apitest.RoundTrip(t, noRedirect, req)
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/inloggen") {
				t.Errorf("portal %s with the auditor token (%s): %d %.200s", page, header[0], res.StatusCode, body)
			}
		}
	}
}
