package portal_test

import (
	"net/http"
	"net/url"
	"regexp"
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

// TestWorkerHomeOpensThisWeek: a worker who enters his own hours finds
// this week's timesheet on the home page (one tap on the phone, not
// Urenbriefjes → Invullen → the year's weeks → the week), named by the
// client; the link opens the editor. Jan, whose client enters his hours,
// and the client user get no such link.
func TestWorkerHomeOpensThisWeek(t *testing.T) {
	h := newHarnessAs(t, worker2Email)
	_, body := h.get("/")
	m := regexp.MustCompile(`<section class="this-week" id="this-week"[\s\S]*?href="(/plaatsingen/p2/weken/\d{4}-W\d{2})">Uren invullen bij Rijn Transport`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("Karim's home has no link to this week's timesheet:\n%s", body)
	}
	if !regexp.MustCompile(`<h2 id="this-week-h">Deze week: week \d+ \(\d{2}-\d{2}-\d{4} – \d{2}-\d{2}-\d{4}\)</h2>`).MatchString(body) {
		t.Error("the section does not say which week and dates")
	}
	res, sheet := h.get(m[1])
	if res.StatusCode != http.StatusOK || !strings.Contains(sheet, `id="grid-form"`) {
		t.Fatalf("the link %s: %d, editor form: %v", m[1], res.StatusCode, strings.Contains(sheet, `id="grid-form"`))
	}
	for _, email := range []string{workerEmail, clientEmail} {
		h.loginAs(email, "nl")
		if _, body := h.get("/"); strings.Contains(body, `id="this-week"`) {
			t.Errorf("%s's home has the worker's this-week link", email)
		}
	}
}
