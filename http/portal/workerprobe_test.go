package portal_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestWorkerCraftedRegisterIsRefused: a worker (and an intermediary) who
// posts the registration form by hand gets 403, as the form page, not the
// form back with its field errors (which told him the form exists and
// what it asks).
func TestWorkerCraftedRegisterIsRefused(t *testing.T) {
	h := newHarnessAs(t, workerEmail)
	for _, email := range []string{workerEmail, interEmail} {
		if email != workerEmail {
			h.loginAs(email, "nl")
		}
		form := url.Values{"csrf": {h.token("/")}, "name.first": {"Eva"}}
		res, body := h.post("/werknemers/nieuw", form)
		if res.StatusCode != http.StatusForbidden || strings.Contains(body, `id="err-name.first"`) || strings.Contains(body, `name="name.last"`) {
			t.Fatalf("%s posts the registration: %d\n%s", email, res.StatusCode, body)
		}
		if !strings.Contains(body, "Alleen de opdrachtgever kan werknemers inschrijven.") {
			t.Errorf("%s: the refusal is not in Dutch", email)
		}
	}
}
