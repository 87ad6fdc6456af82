package identityapi_test

import (
	"net/http"
	"testing"

	it "backoffice/internal/identitytest"
)

// TestBackofficeBlocksAccount: POST /accounts/{id}/disable stops a login
// at once (its token answers 401, a new login is refused), the account
// list says disabled, and /enable lets the person log in again. Only the
// back office may (the matrix test: 404 for everyone else).
func TestBackofficeBlocksAccount(t *testing.T) {
	e, bo, a := appWithTenant(t, "a")
	worker := it.Want(t, e.Do(t, http.MethodGet, "/me", a.workerToken, nil), http.StatusOK).Str(t, "account_id")

	it.Want(t, e.Do(t, http.MethodPost, "/accounts/"+worker+"/disable", a.clientToken, nil), http.StatusNotFound)
	it.Want(t, e.Do(t, http.MethodGet, "/me", a.workerToken, nil), http.StatusOK)

	it.Want(t, e.Do(t, http.MethodPost, "/accounts/"+worker+"/disable", bo, nil), http.StatusOK)
	if r := e.Do(t, http.MethodGet, "/me", a.workerToken, nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("the blocked worker's session: %d %s", r.Status, r.Body)
	}
	if r := e.Do(t, http.MethodPost, "/session", "", map[string]string{"email": a.workerEmail, "password": pw}); r.Status == http.StatusOK || r.Status == http.StatusCreated {
		t.Fatalf("the blocked worker logs in: %d", r.Status)
	}
	// Again: nothing changes, still 200.
	it.Want(t, e.Do(t, http.MethodPost, "/accounts/"+worker+"/disable", bo, nil), http.StatusOK)

	it.Want(t, e.Do(t, http.MethodPost, "/accounts/"+worker+"/enable", bo, nil), http.StatusOK)
	token := e.Login(t, a.workerEmail, pw)
	it.Want(t, e.Do(t, http.MethodGet, "/me", token, nil), http.StatusOK)
}
