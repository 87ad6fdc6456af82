package identityapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	it "backoffice/internal/identitytest"
	"backoffice/notify/mail/mailtest"
)

// TestSetLanguage: PUT /me/language stores the caller's language; the same
// session's next request acts in it, the accounts read model shows it and
// the next mail to the account is in it.
func TestSetLanguage(t *testing.T) {
	e, bo, a := appWithTenant(t, "lang")

	lang := func(token string) string {
		t.Helper()
		s, _ := it.Want(t, e.Do(t, http.MethodGet, "/me", token, nil), http.StatusOK).JSON(t)["language"].(string)
		return s
	}
	if got := lang(a.workerToken); got != "nl" {
		t.Fatalf("language before the change: %q", got)
	}

	r := it.Want(t, e.Do(t, http.MethodPut, "/me/language", a.workerToken, map[string]string{"language": "en"}), http.StatusOK)
	pos := r.Str(t, "position")
	if r.Str(t, "language") != "en" || pos == "" || r.Header.Get("X-Position") != pos {
		t.Fatalf("answer: %s (X-Position %q)", r.Body, r.Header.Get("X-Position"))
	}
	// The session's next request acts in English.
	if got := lang(a.workerToken); got != "en" {
		t.Fatalf("the session's language after the change: %q", got)
	}
	// A new login too.
	if got := lang(e.Login(t, a.workerEmail, pw)); got != "en" {
		t.Fatalf("a new session's language: %q", got)
	}
	// Other accounts keep theirs.
	if got := lang(a.clientToken); got != "nl" {
		t.Fatalf("the client's language changed too: %q", got)
	}

	// The accounts read model (read-your-writes on the position).
	type acc struct {
		Email    string `json:"email"`
		Language string `json:"language"`
	}
	var accounts struct {
		Items []acc `json:"items"`
	}
	r = it.Want(t, e.Do(t, http.MethodGet, "/accounts?min_position="+pos, bo, nil), http.StatusOK)
	if err := json.Unmarshal(r.Body, &accounts); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(accounts.Items, func(x acc) bool { return x.Email == a.workerEmail })
	if i < 0 || accounts.Items[i].Language != "en" {
		t.Fatalf("accounts read model: %s", r.Body)
	}

	// Mail follows the account's language.
	it.Want(t, e.Do(t, http.MethodPost, "/password-reset", "", map[string]string{"email": a.workerEmail}), http.StatusAccepted)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	m, err := e.SMTP.WaitFor(ctx, func(m mailtest.Received) bool {
		return slices.Contains(m.Rcpt, a.workerEmail) && strings.Contains(strings.ToLower(m.Subject), "password")
	})
	if err != nil {
		t.Fatalf("no password mail: %v", err)
	}
	if !strings.HasPrefix(m.Subject, "Reset your password") {
		t.Fatalf("reset mail after switching to English: %q", m.Subject)
	}

	// Choosing the current language changes nothing; case and spaces do
	// not matter.
	r = it.Want(t, e.Do(t, http.MethodPut, "/me/language", a.workerToken, map[string]string{"language": " EN "}), http.StatusOK)
	if r.Str(t, "language") != "en" {
		t.Fatalf("answer: %s", r.Body)
	}
	// And back to Dutch.
	it.Want(t, e.Do(t, http.MethodPut, "/me/language", a.workerToken, map[string]string{"language": "nl"}), http.StatusOK)
	if got := lang(a.workerToken); got != "nl" {
		t.Fatalf("back to Dutch: %q", got)
	}
	// The back office changes its own language too.
	it.Want(t, e.Do(t, http.MethodPut, "/me/language", bo, map[string]string{"language": "en"}), http.StatusOK)
	if got := lang(bo); got != "en" {
		t.Fatalf("back office: %q", got)
	}

	// Refused input.
	for _, body := range []any{
		map[string]string{"language": "fr"},
		map[string]string{"language": ""},
		map[string]string{},
	} {
		r := it.Want(t, e.Do(t, http.MethodPut, "/me/language", a.clientToken, body), http.StatusBadRequest)
		if code, field := r.ErrorField(t); code != "language" || field != "language" {
			t.Fatalf("%v: error %s on %s", body, code, field)
		}
	}
	it.Want(t, e.Do(t, http.MethodPut, "/me/language", a.clientToken, map[string]string{"language": "en", "taal": "en"}), http.StatusBadRequest)
	it.Want(t, e.Do(t, http.MethodPut, "/me/language", a.clientToken, `"en"`), http.StatusBadRequest)
	if got := lang(a.clientToken); got != "nl" {
		t.Fatalf("refused input changed the language: %q", got)
	}

	// Integration tokens have no account; without a token: 401.
	payroll := it.Want(t, e.Do(t, http.MethodPost, "/tokens", bo, map[string]string{"role": "payroll", "label": "Loket"}), http.StatusCreated).Str(t, "token")
	it.Want(t, e.Do(t, http.MethodPut, "/me/language", payroll, map[string]string{"language": "en"}), http.StatusForbidden)
	it.Want(t, e.Do(t, http.MethodPut, "/me/language", "", map[string]string{"language": "en"}), http.StatusUnauthorized)
}
