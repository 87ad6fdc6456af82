package identityapi_test

import (
	"net/http"
	"testing"

	it "backoffice/internal/identitytest"
)

// TestMobileNumber: a user sets their own mobile number, normalised to
// E.164; the back office sets anyone's; another user cannot find the
// account; the number never shows in a URL or an event.
func TestMobileNumber(t *testing.T) {
	e, bo, a, b := appWithTwoTenants(t)
	me := it.Want(t, e.Do(t, http.MethodGet, "/me", a.clientToken, nil), http.StatusOK).Str(t, "account_id")

	r := it.Want(t, e.Do(t, http.MethodPut, "/me/mobile", a.clientToken, map[string]string{"mobile": "06-87 65 43 21"}), http.StatusOK)
	if got := r.Str(t, "mobile"); got != "+31687654321" {
		t.Fatalf("own number: %q", got)
	}
	r = it.Want(t, e.Do(t, http.MethodPut, "/accounts/"+me+"/mobile", bo, map[string]string{"mobile": "0049 151 12345678"}), http.StatusOK)
	if got := r.Str(t, "mobile"); got != "+4915112345678" {
		t.Fatalf("set by the back office: %q", got)
	}
	it.Want(t, e.Do(t, http.MethodPut, "/accounts/"+me+"/mobile", b.clientToken, map[string]string{"mobile": "0611111111"}), http.StatusNotFound)
	it.Want(t, e.Do(t, http.MethodPut, "/accounts/"+me+"/mobile", a.interToken, map[string]string{"mobile": "0611111111"}), http.StatusNotFound)
	if got, err := e.Identity.Profile.MobileOf(t.Context(), me); err != nil || got != "+4915112345678" {
		t.Fatalf("after refused changes: %q, %v", got, err)
	}
	r = it.Want(t, e.Do(t, http.MethodPut, "/me/mobile", a.clientToken, map[string]string{"mobile": ""}), http.StatusOK)
	if got := r.Str(t, "mobile"); got != "" {
		t.Fatalf("removed: %q", got)
	}
	var n int
	if err := e.Pool.QueryRow(t.Context(), `SELECT count(*) FROM eventstore_events WHERE data::text LIKE '%4915112345678%' OR data::text LIKE '%687654321%'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%d events hold the number", n)
	}
}
