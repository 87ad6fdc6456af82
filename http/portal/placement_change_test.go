package portal_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestPlacementNew: from a row of Werknemers the back office places Jan
// again, at another client (at his own client it would overlap his open
// placement: refused in Dutch at the start date); his login then has this
// week's timesheet of the new placement on its home page.
func TestPlacementNew(t *testing.T) {
	h := newHarnessAs(t, boEmail)
	const page = "/plaatsingen/p1/nieuwe-plaatsing"
	if _, list := h.get("/werknemers"); !strings.Contains(list, `href="`+page+`"`) || !strings.Contains(list, `href="/plaatsingen/p1/corrigeren"`) {
		t.Fatal("Werknemers has no links to place Jan again or to correct his placement")
	}
	h.checkPage(page, "nl")
	_, form := h.get(page)
	if !strings.Contains(form, `value="Bakker"`) || !strings.Contains(form, `<option value="bol" selected>`) {
		t.Fatalf("the form does not start from Jan's placement:\n%s", form)
	}

	res, body := h.submit(page, page, url.Values{"client_id": {"bol"}, "function": {"Bakker"}, "start": {"2026-03-02"}})
	if !refused(res) || !strings.Contains(html.UnescapeString(fieldError(body, "start")), "al een plaatsing in deze periode (vanaf 3-11-2025)") {
		t.Fatalf("an overlapping placement at Bakkerij Bol: %d, start error %q", res.StatusCode, fieldError(body, "start"))
	}
	res, body = h.submit(page, page, url.Values{"client_id": {"rijn"}, "function": {"Bijrijder"}, "start": {"2026-02-09"}})
	list := h.follow(res, body)
	if !strings.Contains(list, "De nieuwe plaatsing is aangemaakt.") || !periodRE("Jan de Vries", "09-02-2026 – onbepaald").MatchString(list) ||
		!strings.Contains(list, ">Bijrijder</td>") {
		t.Fatalf("the new placement is not listed:\n%s", list)
	}

	// Jan enters his hours at Rijn Transport: this week's timesheet of the
	// new placement is on his home page.
	w := newHarnessOn(t, h.fixture)
	w.loginAs(workerEmail, "nl")
	if _, home := w.get("/"); !strings.Contains(home, "Rijn Transport") || !strings.Contains(home, "Bijrijder") {
		t.Fatalf("Jan's home has no week of the new placement:\n%s", home)
	}
}

// TestPlacementCorrect: Els corrects her worker's function and start date;
// a start past booked hours is refused naming the week; the intermediary
// and another client do not get the form.
func TestPlacementCorrect(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	const page = "/plaatsingen/p1/corrigeren"
	h.checkPage(page, "nl")
	res, body := h.submit(page, page, url.Values{"function": {"Bakker"}, "start": {"2026-01-06"}})
	if !refused(res) || !strings.Contains(html.UnescapeString(fieldError(body, "start")), "geboekt vóór deze begindatum, in week 2026-W01, 2026-W02;") {
		t.Fatalf("a start past booked hours: %d, start error %q", res.StatusCode, fieldError(body, "start"))
	}
	res, body = h.submit(page, page, url.Values{"function": {"Broodbakker"}, "start": {"2025-10-27"}, "reason": {"typefout"}})
	list := h.follow(res, body)
	if !strings.Contains(list, "De plaatsing is gecorrigeerd.") || !strings.Contains(list, ">Broodbakker</td>") ||
		!periodRE("Jan de Vries", "27-10-2025 – onbepaald").MatchString(list) {
		t.Fatalf("the corrected placement is not listed:\n%s", list)
	}

	for _, email := range []string{interEmail, client2Email, workerEmail} {
		o := newHarnessOn(t, h.fixture)
		o.loginAs(email, "nl")
		if res, _ := o.get(page); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s gets the correction form: %d", email, res.StatusCode)
		}
		if res, _ := o.get("/plaatsingen/p1/nieuwe-plaatsing"); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s gets the new-placement form: %d", email, res.StatusCode)
		}
	}
}
