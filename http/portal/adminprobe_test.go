package portal_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// workerForm is a complete registration of a new worker (no client).
func workerForm(bsn, email string) url.Values {
	return url.Values{
		"name.first": {"Sanne"}, "name.last": {"Visser"}, "date_of_birth": {"1990-05-17"},
		"bsn": {bsn}, "iban": {"NL91ABNA0417164300"}, "email": {email}, "mobile": {"0612345678"},
		"address.street": {"Dorpsstraat"}, "address.house_number": {"1"}, "address.postal_code": {"1234 AB"},
		"address.city": {"Utrecht"}, "address.country": {"NL"}, "function": {"Heftruckchauffeur"}, "start": {"2026-02-16"},
	}
}

var clientSelectRE = regexp.MustCompile(`(?s)<label for="f-client_id">Opdrachtgever <span aria-hidden="true">\*</span></label>\s*<select id="f-client_id" name="client_id" required`)

// TestBackofficeRegistersWorkerAtChosenClient: the back office registers
// a worker from "Werknemers" and chooses the client (the form had no
// client, so every back-office registration failed with an error at no
// field); without a choice the error is at the select and what was typed
// stays. A client user places at their own company and sees no choice.
func TestBackofficeRegistersWorkerAtChosenClient(t *testing.T) {
	h := newHarnessAs(t, boEmail)
	_, page := h.get("/werknemers/nieuw")
	if !clientSelectRE.MatchString(page) || !strings.Contains(page, `<option value="rijn">Rijn Transport</option>`) {
		t.Fatalf("no client choice for the back office:\n%s", page)
	}

	form := workerForm("111222333", "sanne.visser@example.nl")
	form.Set("csrf", h.token("/werknemers/nieuw"))
	res, body := h.post("/werknemers/nieuw", form)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("without a client: %d", res.StatusCode)
	}
	if got := fieldError(body, "client_id"); !strings.Contains(got, "Kies de opdrachtgever") {
		t.Fatalf("error at the client select: %q\n%s", got, body)
	}
	if !strings.Contains(body, `href="#f-client_id"`) || !strings.Contains(body, `aria-describedby="err-client_id"`) {
		t.Error("the summary does not link to the client select, or the select is not marked invalid")
	}
	if !strings.Contains(body, `value="Heftruckchauffeur"`) || !strings.Contains(body, `value="Visser"`) {
		t.Error("what was typed is gone")
	}

	form.Set("client_id", "rijn")
	form.Set("csrf", h.token("/werknemers/nieuw"))
	page = h.follow(h.post("/werknemers/nieuw", form))
	row := regexp.MustCompile(`<tr><td>Sanne Visser</td><td[^>]*>Heftruckchauffeur</td><td[^>]*>Rijn Transport</td>`)
	if !row.MatchString(page) {
		t.Fatalf("the new placement is not at Rijn Transport:\n%s", page)
	}

	c := newHarnessAs(t, clientEmail)
	if _, page := c.get("/werknemers/nieuw"); strings.Contains(page, `name="client_id"`) {
		t.Error("a client user chooses a client")
	}
}
