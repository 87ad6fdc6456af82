package identityapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	it "backoffice/internal/identitytest"
)

func nextMonday() string {
	d := time.Now().AddDate(0, 0, 1)
	for d.Weekday() != time.Monday {
		d = d.AddDate(0, 0, 1)
	}
	return d.Format(time.DateOnly)
}

// nextTuesday is the day after nextMonday: no Monday.
func nextTuesday() string {
	d, _ := time.Parse(time.DateOnly, nextMonday())
	return d.AddDate(0, 0, 1).Format(time.DateOnly)
}

// TestAuthorizationMatrix: every endpoint × every tenant role × an object
// of another tenant answers exactly like an object that does not exist
// (404 for addressed objects: existence is not leaked) and carries none of
// the other tenant's data; clients and intermediaries never see BSN or
// IBAN; without a token everything but the anonymous endpoints is 401.
func TestAuthorizationMatrix(t *testing.T) {
	e, bo, a, b := appWithTwoTenants(t)
	tok := it.Want(t, e.Do(t, http.MethodPost, "/tokens", bo, map[string]string{"role": "payroll", "label": "Loket export"}), http.StatusCreated)
	payrollToken, tokenID := tok.Str(t, "token"), tok.Str(t, "id")
	auditorToken := it.Want(t, e.Do(t, http.MethodPost, "/tokens", bo, map[string]string{"role": "auditor", "label": "Accountant"}), http.StatusCreated).Str(t, "token")

	// Read-your-writes for everything registered so far.
	pos := it.Want(t, e.Do(t, http.MethodPost, "/placements/"+b.placementID+"/end", bo,
		map[string]string{"end": time.Now().AddDate(1, 0, 0).Format(time.DateOnly)}), http.StatusOK).Str(t, "position")
	it.Want(t, e.Do(t, http.MethodGet, "/placements?min_position="+pos, bo, nil), http.StatusOK)

	// Strings of tenant b that must never reach a user of tenant a.
	secretsOfB := []string{b.intermediaryID, b.clientID, b.workerID, b.placementID, b.clientName, b.workerEmail, "Flex b"}

	roles := []struct {
		name, token string
	}{{"intermediary", a.interToken}, {"client", a.clientToken}, {"worker", a.workerToken}}

	type endpoint struct {
		name, method, path string
		object             string // the other tenant's object addressed by the path
		body               any
	}
	const missing = "does-not-exist"
	bClientAccount := it.Want(t, e.Do(t, http.MethodGet, "/me", b.clientToken, nil), http.StatusOK).Str(t, "account_id")
	addressed := []endpoint{
		{"disable account", http.MethodPost, "/accounts/%s/disable", bClientAccount, nil},
		{"enable account", http.MethodPost, "/accounts/%s/enable", bClientAccount, nil},
		{"get intermediary", http.MethodGet, "/intermediaries/%s", b.intermediaryID, nil},
		{"get client", http.MethodGet, "/clients/%s", b.clientID, nil},
		{"change agreement", http.MethodPost, "/clients/%s/agreement", b.clientID,
			map[string]any{"effective_from": nextMonday(), "agreement": agreement(false)}},
		{"get worker", http.MethodGet, "/workers/%s", b.workerID, nil},
		{"erase personal data", http.MethodPost, "/workers/%s/erase-personal-data", b.workerID, nil},
		{"get placement", http.MethodGet, "/placements/%s", b.placementID, nil},
		{"end placement", http.MethodPost, "/placements/%s/end", b.placementID, map[string]string{"end": time.Now().Format(time.DateOnly)}},
		{"revoke token", http.MethodDelete, "/tokens/%s", tokenID, nil},
		{"change client details", http.MethodPut, "/clients/%s/details", b.clientID, detailsBody("Nep", "nep@example.test")},
		{"client agreements", http.MethodGet, "/clients/%s/agreements", b.clientID, nil},
		{"client users", http.MethodGet, "/clients/%s/users", b.clientID, nil},
		{"invite client user", http.MethodPost, "/clients/%s/users", b.clientID, map[string]string{"email": "nep@example.test"}},
		{"change intermediary contact", http.MethodPut, "/intermediaries/%s/contact", b.intermediaryID,
			map[string]any{"contact": map[string]string{"name": "Nep", "email": "nep@example.test"}}},
		{"intermediary users", http.MethodGet, "/intermediaries/%s/users", b.intermediaryID, nil},
		{"worker users", http.MethodGet, "/workers/%s/users", b.workerID, nil},
	}
	noLeak := func(t *testing.T, r it.Response) {
		t.Helper()
		for _, s := range secretsOfB {
			if strings.Contains(string(r.Body), s) {
				t.Fatalf("response leaks %q of the other tenant: %s", s, r.Body)
			}
		}
	}
	for _, role := range roles {
		for _, ep := range addressed {
			t.Run(role.name+"/"+ep.name, func(t *testing.T) {
				other := e.Do(t, ep.method, fmt.Sprintf(ep.path, ep.object), role.token, ep.body)
				none := e.Do(t, ep.method, fmt.Sprintf(ep.path, missing), role.token, ep.body)
				if other.Status != http.StatusNotFound || none.Status != http.StatusNotFound {
					t.Fatalf("other tenant %d, missing %d; want 404 for both: %s", other.Status, none.Status, other.Body)
				}
				if c1, _ := other.ErrorField(t); c1 != "not_found" {
					t.Fatalf("error code %q", c1)
				}
				noLeak(t, other)
			})
		}
		// Objects named in the body: same answer as for a missing one, never 2xx.
		bodyRefs := []struct {
			name, path  string
			other, none any
		}{
			{"register worker at other client", "/workers",
				withField(workerBody("x-"+role.name+"@example.test"), "client_id", b.clientID),
				withField(workerBody("x-"+role.name+"@example.test"), "client_id", missing)},
			{"register client under other intermediary", "/clients",
				clientBody(b.intermediaryID, "Nep", "nep-"+role.name+"@example.test"),
				clientBody(missing, "Nep", "nep-"+role.name+"@example.test")},
			{"register intermediary", "/intermediaries",
				intermediaryBody("Nep", "nep-i-"+role.name+"@example.test"), intermediaryBody("Nep", "nep-i-"+role.name+"@example.test")},
			{"create token", "/tokens", map[string]string{"role": "payroll", "label": "x"}, map[string]string{"role": "payroll", "label": "x"}},
		}
		for _, br := range bodyRefs {
			t.Run(role.name+"/"+br.name, func(t *testing.T) {
				other := e.Do(t, http.MethodPost, br.path, role.token, br.other)
				none := e.Do(t, http.MethodPost, br.path, role.token, br.none)
				if other.Status < 400 || other.Status != none.Status {
					t.Fatalf("other tenant %d, missing %d: %s", other.Status, none.Status, other.Body)
				}
				if other.Status != http.StatusNotFound && other.Status != http.StatusForbidden {
					t.Fatalf("status %d: %s", other.Status, other.Body)
				}
				noLeak(t, other)
			})
		}
		for _, path := range []string{"/intermediaries", "/clients", "/placements", "/placements?status=active", "/placements?status=ended",
			"/placements?worker_id=" + b.workerID, "/placements?client_id=" + b.clientID, "/accounts", "/tokens", "/me"} {
			t.Run(role.name+"/list "+path, func(t *testing.T) {
				r := e.Do(t, http.MethodGet, path, role.token, nil)
				if r.Status != http.StatusOK && r.Status != http.StatusForbidden {
					t.Fatalf("status %d: %s", r.Status, r.Body)
				}
				noLeak(t, r)
			})
		}
	}

	// Positive controls: each role sees its own tenant, with the right fields.
	it.Want(t, e.Do(t, http.MethodGet, "/clients/"+a.clientID, a.clientToken, nil), http.StatusOK)
	it.Want(t, e.Do(t, http.MethodGet, "/clients/"+a.clientID, a.interToken, nil), http.StatusOK)
	it.Want(t, e.Do(t, http.MethodGet, "/clients/"+a.clientID, a.workerToken, nil), http.StatusNotFound)
	it.Want(t, e.Do(t, http.MethodGet, "/placements/"+a.placementID, a.workerToken, nil), http.StatusOK)
	it.Want(t, e.Do(t, http.MethodPost, "/placements/"+a.placementID+"/end", a.workerToken,
		map[string]string{"end": time.Now().Format(time.DateOnly)}), http.StatusForbidden)
	it.Want(t, e.Do(t, http.MethodPost, "/workers/"+a.workerID+"/erase-personal-data", a.clientToken, nil), http.StatusForbidden)
	for _, tk := range []string{a.clientToken, a.interToken} {
		r := it.Want(t, e.Do(t, http.MethodGet, "/workers/"+a.workerID, tk, nil), http.StatusOK)
		if b := string(r.Body); strings.Contains(b, testBSN) || strings.Contains(b, testIBAN) || strings.Contains(b, `"bsn"`) || strings.Contains(b, `"iban"`) {
			t.Fatalf("client or intermediary receives BSN/IBAN: %s", b)
		}
	}
	for _, tk := range []string{a.workerToken, bo, payrollToken} {
		r := it.Want(t, e.Do(t, http.MethodGet, "/workers/"+a.workerID, tk, nil), http.StatusOK)
		if !strings.Contains(string(r.Body), testBSN) {
			t.Fatalf("BSN missing for the worker, back office or payroll: %s", r.Body)
		}
	}
	if r := it.Want(t, e.Do(t, http.MethodGet, "/workers/"+a.workerID, auditorToken, nil), http.StatusOK); strings.Contains(string(r.Body), testBSN) {
		t.Fatalf("auditor receives personal data: %s", r.Body)
	}
	// Integration tokens read but do not change the back office.
	it.Want(t, e.Do(t, http.MethodPost, "/clients/"+a.clientID+"/agreement", auditorToken,
		map[string]any{"effective_from": nextMonday(), "agreement": agreement(false)}), http.StatusForbidden)
	it.Want(t, e.Do(t, http.MethodPost, "/intermediaries", payrollToken, intermediaryBody("X", "x@example.test")), http.StatusForbidden)

	// Without credentials: 401 everywhere except the anonymous endpoints.
	for _, ep := range append(addressed,
		endpoint{"", http.MethodGet, "/intermediaries%s", "", nil}, endpoint{"", http.MethodGet, "/clients%s", "", nil},
		endpoint{"", http.MethodGet, "/placements%s", "", nil}, endpoint{"", http.MethodPost, "/workers%s", "", workerBody("z@example.test")},
		endpoint{"", http.MethodGet, "/me%s", "", nil}, endpoint{"", http.MethodDelete, "/session%s", "", nil},
		endpoint{"", http.MethodGet, "/tokens%s", "", nil}) {
		for _, hdr := range []string{"", "not-a-session", "bo_0123456789abcdef_" + strings.Repeat("A", 43)} {
			r := e.Do(t, ep.method, fmt.Sprintf(ep.path, ep.object), hdr, ep.body)
			if r.Status != http.StatusUnauthorized {
				t.Fatalf("%s %s with %q: %d %s", ep.method, ep.path, hdr, r.Status, r.Body)
			}
		}
	}

	// A revoked integration token stops working at once.
	it.Want(t, e.Do(t, http.MethodDelete, "/tokens/"+tokenID, bo, nil), http.StatusOK)
	it.Want(t, e.Do(t, http.MethodGet, "/me", payrollToken, nil), http.StatusUnauthorized)
}
