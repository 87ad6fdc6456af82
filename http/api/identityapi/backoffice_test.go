package identityapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"backoffice/domain/client"
	"backoffice/domain/intermediary"
	"backoffice/internal/apitest"
	it "backoffice/internal/identitytest"
)

// The portal's "Beheer" as JSON (backoffice.go, docs/admin.md "Portal and
// API parity"): each route on the real application, with success, the
// wrong role (403), the other tenant (404), bad input, and a retry under
// the same Idempotency-Key.

// detailsBody is tenant tag's client details with name and contact e-mail.
func detailsBody(name, contactEmail string) map[string]any {
	return map[string]any{
		"name":    name,
		"kvk":     "87654321",
		"address": map[string]any{"street": "Dorpsstraat", "house_number": "2", "postal_code": "1234 AB", "city": "Utrecht"},
		"contact": map[string]any{"name": "Kees Bakker", "email": contactEmail},
	}
}

// keyed sends a command with an Idempotency-Key.
func keyed(t *testing.T, e *it.Env, method, path, token, key string, body any) it.Response {
	t.Helper()
	return it.Response(apitest.Request(t, method, e.URL+path, body, "Authorization", "Bearer "+token, "Idempotency-Key", key))
}

// wantCode fails unless r has the status and the error code.
func wantCode(t *testing.T, r it.Response, status int, code string) {
	t.Helper()
	if got, _ := r.ErrorField(t); r.Status != status || got != code {
		t.Fatalf("%d %s, want %d %s", r.Status, r.Body, status, code)
	}
}

// auditorToken is a new auditor integration token: it reads every tenant
// and changes none.
func auditorToken(t *testing.T, e *it.Env, bo string) string {
	t.Helper()
	return it.Want(t, e.Do(t, http.MethodPost, "/tokens", bo, map[string]string{"role": "auditor", "label": "Accountant"}), http.StatusCreated).Str(t, "token")
}

// emailsOf are the e-mail addresses of a {"items": [Account]} answer.
func emailsOf(t *testing.T, r it.Response) []string {
	t.Helper()
	var l struct {
		Items []struct {
			Email    string `json:"email"`
			Disabled bool   `json:"disabled"`
		} `json:"items"`
	}
	if err := json.Unmarshal(r.Body, &l); err != nil {
		t.Fatalf("%v: %s", err, r.Body)
	}
	var out []string
	for _, i := range l.Items {
		out = append(out, i.Email)
	}
	slices.Sort(out)
	return out
}

func TestBackofficeChangesClientDetails(t *testing.T) {
	e, bo, a, b := appWithTwoTenants(t)
	path := "/clients/" + a.clientID + "/details"

	// Refusals first: nothing may change through them.
	aud := auditorToken(t, e, bo)
	for _, tk := range []string{a.clientToken, a.interToken, aud} {
		wantCode(t, e.Do(t, http.MethodPut, path, tk, detailsBody("Overgenomen", "inkoop-a@example.test")), http.StatusForbidden, "forbidden")
	}
	for _, tk := range []string{b.clientToken, b.interToken, a.workerToken} {
		wantCode(t, e.Do(t, http.MethodPut, path, tk, detailsBody("Overgenomen", "inkoop-a@example.test")), http.StatusNotFound, "not_found")
	}
	wantCode(t, e.Do(t, http.MethodPut, "/clients/bestaat-niet/details", bo, detailsBody("X", "x@example.test")), http.StatusNotFound, "not_found")
	wantCode(t, e.Do(t, http.MethodPut, path, bo, `{"name": `), http.StatusBadRequest, "malformed_json")
	wantCode(t, e.Do(t, http.MethodPut, path, bo, withField(detailsBody("X", "inkoop-a@example.test"), "btw", "1")), http.StatusBadRequest, "unknown_field")
	wantCode(t, e.Do(t, http.MethodPut, path, bo, withField(detailsBody("X", "inkoop-a@example.test"), "kvk", "123")), http.StatusBadRequest, "kvk_format")
	wantCode(t, e.Do(t, http.MethodPut, path, bo, detailsBody("X", a.workerEmail)), http.StatusUnprocessableEntity, "email_taken")
	// Bounded bodies: over the API's 1 MiB, with and without a key.
	huge := detailsBody(strings.Repeat("x", 2<<20), "inkoop-a@example.test")
	wantCode(t, e.Do(t, http.MethodPut, path, bo, huge), http.StatusRequestEntityTooLarge, "body_too_large")
	wantCode(t, keyed(t, e, http.MethodPut, path, bo, "huge", huge), http.StatusRequestEntityTooLarge, "body_too_large")
	if n := len(e.Recorded(t, client.Stream(a.clientID), client.TypeDetailsChanged)); n != 0 {
		t.Fatalf("%d client.details_changed after the refusals", n)
	}

	// The new name, sent twice under one key: one event, the same answer.
	first := it.Want(t, keyed(t, e, http.MethodPut, path, bo, "details-1", detailsBody("Bakkerij a BV", "inkoop-a@example.test")), http.StatusOK)
	again := it.Want(t, keyed(t, e, http.MethodPut, path, bo, "details-1", detailsBody("Bakkerij a BV", "inkoop-a@example.test")), http.StatusOK)
	if !bytes.Equal(first.Body, again.Body) {
		t.Fatalf("retry answered %s, first %s", again.Body, first.Body)
	}
	if n := len(e.Recorded(t, client.Stream(a.clientID), client.TypeDetailsChanged)); n != 1 {
		t.Fatalf("%d client.details_changed, want 1", n)
	}
	got := it.Want(t, e.Do(t, http.MethodGet, "/clients/"+a.clientID+"?min_position="+first.Str(t, "position"), a.clientToken, nil), http.StatusOK).JSON(t)
	if got["name"] != "Bakkerij a BV" {
		t.Fatalf("client after the change: %v", got)
	}

	// A new contact address gets its own login and the activation mail;
	// the former contact's login stays.
	r := it.Want(t, e.Do(t, http.MethodPut, path, bo, detailsBody("Bakkerij a BV", "nieuw-inkoop-a@example.test")), http.StatusOK)
	e.WaitForMail(t, "nieuw-inkoop-a@example.test", 1)
	users := it.Want(t, e.Do(t, http.MethodGet, "/clients/"+a.clientID+"/users?min_position="+r.Str(t, "position"), bo, nil), http.StatusOK)
	if got := emailsOf(t, users); !slices.Equal(got, []string{"inkoop-a@example.test", "nieuw-inkoop-a@example.test"}) {
		t.Fatalf("the client's logins: %v", got)
	}
}

func TestBackofficeChangesIntermediaryContact(t *testing.T) {
	e, bo, a, b := appWithTwoTenants(t)
	path := "/intermediaries/" + a.intermediaryID + "/contact"
	body := func(email string) map[string]any {
		return map[string]any{"contact": map[string]any{"name": "Piet Flex", "email": email}}
	}
	for _, tk := range []string{a.interToken, auditorToken(t, e, bo)} {
		wantCode(t, e.Do(t, http.MethodPut, path, tk, body("piet@example.test")), http.StatusForbidden, "forbidden")
	}
	// A client user does not see its intermediary's record.
	for _, tk := range []string{b.interToken, a.clientToken, a.workerToken} {
		wantCode(t, e.Do(t, http.MethodPut, path, tk, body("piet@example.test")), http.StatusNotFound, "not_found")
	}
	wantCode(t, e.Do(t, http.MethodPut, "/intermediaries/bestaat-niet/contact", bo, body("piet@example.test")), http.StatusNotFound, "not_found")
	wantCode(t, e.Do(t, http.MethodPut, path, bo, body("piet@")), http.StatusBadRequest, "email_format")
	wantCode(t, e.Do(t, http.MethodPut, path, bo, `[]`), http.StatusBadRequest, "wrong_type")
	if n := len(e.Recorded(t, intermediary.Stream(a.intermediaryID), intermediary.TypeContactChanged)); n != 0 {
		t.Fatalf("%d intermediary.contact_changed after the refusals", n)
	}

	first := it.Want(t, keyed(t, e, http.MethodPut, path, bo, "contact-1", body("piet@example.test")), http.StatusOK)
	again := it.Want(t, keyed(t, e, http.MethodPut, path, bo, "contact-1", body("piet@example.test")), http.StatusOK)
	if !bytes.Equal(first.Body, again.Body) {
		t.Fatalf("retry answered %s, first %s", again.Body, first.Body)
	}
	if n := len(e.Recorded(t, intermediary.Stream(a.intermediaryID), intermediary.TypeContactChanged)); n != 1 {
		t.Fatalf("%d intermediary.contact_changed, want 1", n)
	}
	e.WaitForMail(t, "piet@example.test", 1)
	got := it.Want(t, e.Do(t, http.MethodGet, "/intermediaries/"+a.intermediaryID+"?min_position="+first.Str(t, "position"), bo, nil), http.StatusOK).JSON(t)
	if c, _ := got["contact"].(map[string]any); c["email"] != "piet@example.test" {
		t.Fatalf("intermediary after the change: %v", got)
	}
	users := it.Want(t, e.Do(t, http.MethodGet, "/intermediaries/"+a.intermediaryID+"/users?min_position="+first.Str(t, "position"), bo, nil), http.StatusOK)
	if got := emailsOf(t, users); !slices.Equal(got, []string{"flex-a@example.test", "piet@example.test"}) {
		t.Fatalf("the intermediary's logins: %v", got)
	}
}

func TestBackofficeInvitesClientUser(t *testing.T) {
	e, bo, a, b := appWithTwoTenants(t)
	path := "/clients/" + a.clientID + "/users"
	invite := map[string]string{"email": "Marie@Example.test", "language": "en"}
	for _, tk := range []string{a.clientToken, a.interToken} {
		wantCode(t, e.Do(t, http.MethodPost, path, tk, invite), http.StatusForbidden, "forbidden")
	}
	for _, tk := range []string{b.clientToken, b.interToken, a.workerToken} {
		wantCode(t, e.Do(t, http.MethodPost, path, tk, invite), http.StatusNotFound, "not_found")
	}
	wantCode(t, e.Do(t, http.MethodPost, "/clients/bestaat-niet/users", bo, invite), http.StatusNotFound, "not_found")
	wantCode(t, e.Do(t, http.MethodPost, path, bo, map[string]string{"email": "marie@"}), http.StatusBadRequest, "email_format")
	wantCode(t, e.Do(t, http.MethodPost, path, bo, map[string]string{"email": b.workerEmail}), http.StatusUnprocessableEntity, "email_taken")
	wantCode(t, e.Do(t, http.MethodPost, path, bo, ""), http.StatusBadRequest, "empty_body")

	first := it.Want(t, keyed(t, e, http.MethodPost, path, bo, "invite-1", invite), http.StatusCreated)
	again := it.Want(t, keyed(t, e, http.MethodPost, path, bo, "invite-1", invite), http.StatusCreated)
	if !bytes.Equal(first.Body, again.Body) || first.Str(t, "account_id") == "" {
		t.Fatalf("retry answered %s, first %s", again.Body, first.Body)
	}
	// The same person again, as a new request: a conflict.
	wantCode(t, e.Do(t, http.MethodPost, path, bo, invite), http.StatusConflict, "client_user_exists")
	if m := e.WaitForMail(t, "marie@example.test", 1); !strings.Contains(m.Text, "token=") {
		t.Fatalf("no activation link in %q", m.Text)
	}
	users := it.Want(t, e.Do(t, http.MethodGet, path+"?min_position="+first.Str(t, "position"), bo, nil), http.StatusOK)
	if got := emailsOf(t, users); !slices.Equal(got, []string{"inkoop-a@example.test", "marie@example.test"}) {
		t.Fatalf("the client's logins: %v", got)
	}
	// Blocking the new login is the general account command.
	it.Want(t, e.Do(t, http.MethodPost, "/accounts/"+first.Str(t, "account_id")+"/disable", bo, nil), http.StatusOK)
}

// TestBackofficeViews: the lists behind the portal's client, intermediary
// and end-placement pages: the back office reads them; a caller who sees
// the object gets 403, the other tenant and a missing object 404.
func TestBackofficeViews(t *testing.T) {
	e, bo, a, b := appWithTwoTenants(t)
	// The auditor reads these views too, without addresses
	// (TestAuditorReadsWhoActedNotHowToReachThem); the payroll token sees
	// the objects but not these views.
	payroll := it.Want(t, e.Do(t, http.MethodPost, "/tokens", bo, map[string]string{"role": "payroll", "label": "Loket"}), http.StatusCreated).Str(t, "token")
	views := []struct {
		path, want  string // want: a string of the back office's answer
		sees, blind []string
	}{
		{"/clients/" + a.clientID + "/users", `"email":"inkoop-a@example.test"`, []string{a.clientToken, a.interToken, payroll}, []string{b.clientToken, b.interToken, a.workerToken}},
		{"/clients/" + a.clientID + "/agreements", `"effective_from":"2025-01-06"`, []string{a.clientToken, a.interToken, payroll}, []string{b.clientToken, b.interToken, a.workerToken}},
		{"/intermediaries/" + a.intermediaryID + "/users", `"email":"flex-a@example.test"`, []string{a.interToken, payroll}, []string{b.interToken, b.clientToken}},
		{"/workers/" + a.workerID + "/users", `"email":"` + a.workerEmail + `"`, []string{a.workerToken, a.clientToken, a.interToken}, []string{b.workerToken, b.clientToken, b.interToken}},
	}
	for _, v := range views {
		t.Run(v.path, func(t *testing.T) {
			r := it.Want(t, e.Do(t, http.MethodGet, v.path, bo, nil), http.StatusOK)
			if !strings.Contains(string(r.Body), v.want) {
				t.Fatalf("back office: %s lacks %s", r.Body, v.want)
			}
			for _, tk := range v.sees {
				wantCode(t, e.Do(t, http.MethodGet, v.path, tk, nil), http.StatusForbidden, "forbidden")
			}
			for _, tk := range v.blind {
				r := e.Do(t, http.MethodGet, v.path, tk, nil)
				wantCode(t, r, http.StatusNotFound, "not_found")
				if strings.Contains(string(r.Body), "@example.test") {
					t.Fatalf("404 leaks: %s", r.Body)
				}
			}
			missing := strings.Replace(v.path, strings.Split(v.path, "/")[2], "bestaat-niet", 1)
			wantCode(t, e.Do(t, http.MethodGet, missing, bo, nil), http.StatusNotFound, "not_found")
			wantCode(t, e.Do(t, http.MethodGet, v.path+"?min_position=x", bo, nil), http.StatusBadRequest, "invalid_min_position")
			it.Want(t, e.Do(t, http.MethodGet, v.path, "", nil), http.StatusUnauthorized)
		})
	}
}

// TestMyMobile: "Mijn gegevens" reads the caller's own mobile number.
func TestMyMobile(t *testing.T) {
	e, bo, a := appWithTenant(t, "a")
	if got := it.Want(t, e.Do(t, http.MethodGet, "/me/mobile", a.clientToken, nil), http.StatusOK).Str(t, "mobile"); got != "+31612345678" {
		t.Fatalf("the contact's mobile: %q", got)
	}
	it.Want(t, e.Do(t, http.MethodPut, "/me/mobile", a.interToken, map[string]string{"mobile": "06 87654321"}), http.StatusOK)
	if got := it.Want(t, e.Do(t, http.MethodGet, "/me/mobile", a.interToken, nil), http.StatusOK).Str(t, "mobile"); got != "+31687654321" {
		t.Fatalf("after the change: %q", got)
	}
	wantCode(t, e.Do(t, http.MethodGet, "/me/mobile", auditorToken(t, e, bo), nil), http.StatusForbidden, "forbidden")
	it.Want(t, e.Do(t, http.MethodGet, "/me/mobile", "", nil), http.StatusUnauthorized)
}
