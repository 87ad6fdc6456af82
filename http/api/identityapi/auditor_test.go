package identityapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	it "backoffice/internal/identitytest"
)

// TestAuditorReadsWhoActedNotHowToReachThem walks the identity API's reads
// as the auditor token: each answers (the auditor reads every tenant,
// including the logins of a client, intermediary or worker and every
// agreement version), and none carries an e-mail address. The account list
// says whose each login is, its tenant, status, and when it was created and
// blocked; the back office's list keeps the addresses.
func TestAuditorReadsWhoActedNotHowToReachThem(t *testing.T) {
	e, bo, a, b := appWithTwoTenants(t)
	aud := auditorToken(t, e, bo)
	clientAcc := it.Want(t, e.Do(t, http.MethodGet, "/me", a.clientToken, nil), http.StatusOK).Str(t, "account_id")
	pos := it.Want(t, e.Do(t, http.MethodPost, "/accounts/"+clientAcc+"/disable", bo, nil), http.StatusOK).Str(t, "position")

	for _, path := range []string{
		"/accounts?min_position=" + pos, "/accounts?limit=1",
		"/intermediaries", "/intermediaries/" + a.intermediaryID, "/intermediaries/" + b.intermediaryID + "/users",
		"/clients", "/clients/" + a.clientID, "/clients/" + a.clientID + "/users", "/clients/" + b.clientID + "/agreements",
		"/workers/" + a.workerID, "/workers/" + a.workerID + "/users",
		"/placements", "/placements/" + b.placementID, "/me",
	} {
		r := it.Want(t, e.Do(t, http.MethodGet, path, aud, nil), http.StatusOK)
		if body := string(r.Body); strings.Contains(body, "@") || strings.Contains(body, `"email"`) {
			t.Errorf("GET %s gives the auditor an address: %s", path, body)
		}
	}
	if r := it.Want(t, e.Do(t, http.MethodGet, "/clients/"+a.clientID+"/users", aud, nil), http.StatusOK); !strings.Contains(string(r.Body), clientAcc) {
		t.Errorf("the client's logins as the auditor: %s", r.Body)
	}

	type acc struct {
		ID             string  `json:"id"`
		Email          string  `json:"email"`
		Name           string  `json:"name"`
		Role           string  `json:"role"`
		ClientID       string  `json:"client_id"`
		Disabled       bool    `json:"disabled"`
		CreatedAt      string  `json:"created_at"`
		DisabledAt     *string `json:"disabled_at"`
		IntermediaryID string  `json:"intermediary_id"`
	}
	accounts := func(tok string) map[string]acc {
		t.Helper()
		var l struct {
			Items []acc `json:"items"`
		}
		r := it.Want(t, e.Do(t, http.MethodGet, "/accounts?min_position="+pos, tok, nil), http.StatusOK)
		if err := json.Unmarshal(r.Body, &l); err != nil {
			t.Fatal(err)
		}
		out := map[string]acc{}
		for _, x := range l.Items {
			out[x.ID] = x
		}
		return out
	}
	seen, all := accounts(aud), accounts(bo)
	if len(seen) != len(all) || len(all) < 7 { // the back office and three logins per tenant
		t.Fatalf("the auditor lists %d accounts, the back office %d", len(seen), len(all))
	}
	for id, x := range seen {
		if x.Role == "" || x.CreatedAt == "" || all[id].Email == "" {
			t.Errorf("account %s: auditor %+v, back office %+v", id, x, all[id])
		}
	}
	if c := seen[clientAcc]; c.Name != "Kees Bakker" || c.ClientID != a.clientID || !c.Disabled || c.DisabledAt == nil {
		t.Errorf("the blocked client login as the auditor: %+v", c)
	}

	// Read-only: the same token changes nothing.
	it.Want(t, e.Do(t, http.MethodPost, "/accounts/"+clientAcc+"/enable", aud, nil), http.StatusForbidden)
}
