package portal_test

import (
	"errors"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"backoffice/commands"
	"backoffice/commands/identity"
	"backoffice/domain"
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

// TestPlaceFormerWorkerAgain: Els (Bakkerij Bol) lists her workers whose
// placements ended and places them again from that list: Piet, whom she
// registered, and Karim, whom Rijn Transport registered and the back
// office placed at Bol for a while. Rik (Rijn Transport) sees none of
// Bol's former workers and may not place them; the intermediary sees the
// list but does not place.
func TestPlaceFormerWorkerAgain(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	ctx := t.Context()
	bo := commands.Meta{Actor: h.accounts[boEmail]}
	if _, err := h.App.Identity.Tenants.EndPlacement(ctx, bo, "p4", time.Date(2026, 1, 30, 0, 0, 0, 0, time.UTC), ""); err != nil {
		t.Fatal(err)
	}
	end := time.Date(2026, 1, 16, 0, 0, 0, 0, time.UTC)
	if _, _, err := h.App.Identity.Tenants.StartPlacement(ctx, bo, identity.StartPlacement{WorkerID: "w2", ClientID: "bol", PlacementID: "p9",
		Start: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), End: &end}); err != nil {
		t.Fatal(err)
	}
	h.WaitForProjections(t)

	if _, list := h.get("/werknemers"); !strings.Contains(list, `href="/werknemers?status=beeindigd"`) || strings.Contains(list, "Piet Jansen") {
		t.Fatalf("Werknemers has no way to the ended placements, or still lists Piet:\n%s", list)
	}
	const ended = "/werknemers?status=beeindigd"
	h.checkPage(ended, "nl")
	_, list := h.get(ended)
	for _, p := range []string{"p4", "p9"} {
		if !strings.Contains(list, `href="/plaatsingen/`+p+`/nieuwe-plaatsing"`) {
			t.Fatalf("the ended list has no new placement for %s:\n%s", p, list)
		}
	}
	if strings.Contains(list, "Jan de Vries") || !strings.Contains(list, "plaatst u een werknemer opnieuw") {
		t.Fatalf("the ended list lists an active placement or does not say what it is for:\n%s", list)
	}

	for p, function := range map[string]string{"p4": "Verkoper", "p9": "Chauffeur"} {
		page := "/plaatsingen/" + p + "/nieuwe-plaatsing"
		res, body := h.submit(page, page, url.Values{"function": {function}, "start": {"2026-02-16"}})
		if got := h.follow(res, body); !strings.Contains(got, "De nieuwe plaatsing is aangemaakt.") {
			t.Fatalf("%s placed again:\n%s", p, got)
		}
	}
	_, active := h.get("/werknemers")
	for _, name := range []string{"Piet Jansen", "Karim Yilmaz"} {
		if !periodRE(name, "16-02-2026 – onbepaald").MatchString(active) {
			t.Errorf("%s is not placed again:\n%s", name, active)
		}
	}

	// Another client: not in its list, no form, and the command refuses
	// as for a worker it does not know.
	rik := newHarnessOn(t, h.fixture)
	rik.loginAs(client2Email, "nl")
	if _, list := rik.get(ended); strings.Contains(list, "Piet Jansen") || strings.Contains(list, "/plaatsingen/p4/") {
		t.Errorf("Rijn Transport lists Bol's former worker:\n%s", list)
	}
	if res, _ := rik.get("/plaatsingen/p4/nieuwe-plaatsing"); res.StatusCode != http.StatusNotFound {
		t.Errorf("Rijn Transport gets the form for Bol's former worker: %d", res.StatusCode)
	}
	if _, _, err := h.App.Identity.Tenants.StartPlacement(ctx, commands.Meta{Actor: h.accounts[client2Email]},
		identity.StartPlacement{WorkerID: "w4", Start: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("Rijn Transport places Bol's worker: %v", err)
	}
	inter := newHarnessOn(t, h.fixture)
	inter.loginAs(interEmail, "nl")
	if _, list := inter.get(ended); !strings.Contains(list, "Jansen") || strings.Contains(list, "nieuwe-plaatsing") {
		t.Errorf("the intermediary's ended list:\n%s", list)
	}
}

// TestPlacementCorrectionsShown: the placement's page (its weeks) lists
// its corrections: when, by whom, what changed and why. Names only as the
// viewer may see them: the client sees that the back office corrected,
// not who (nor an address); the intermediary sees the client's user.
func TestPlacementCorrectionsShown(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	const weeks = "/plaatsingen/p1/weken"
	if _, page := h.get(weeks); strings.Contains(page, `id="corrections"`) {
		t.Fatal("an uncorrected placement shows corrections")
	}
	const page = "/plaatsingen/p1/corrigeren"
	h.follow(h.submit(page, page, url.Values{"function": {"Broodbakker"}, "start": {"2025-10-27"}, "reason": {"typefout"}}))
	if _, err := h.App.Identity.Tenants.CorrectPlacement(t.Context(), commands.Meta{Actor: h.accounts[boEmail]},
		identity.CorrectPlacement{PlacementID: "p1", Function: "Bakker"}); err != nil {
		t.Fatal(err)
	}
	h.WaitForProjections(t)
	h.checkPage(weeks, "nl")
	_, got := h.get(weeks)
	got = html.UnescapeString(got)
	for _, want := range []string{"Correcties van deze plaatsing", "Els Bol (opdrachtgever)", "Functie: Bakker → Broodbakker",
		"Begindatum: 03-11-2025 → 27-10-2025", "typefout", "Functie: Broodbakker → Bakker", ">backoffice</td>"} {
		if !strings.Contains(got, want) {
			t.Fatalf("the placement's page lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, boEmail) || strings.Contains(got, clientEmail) {
		t.Fatalf("the client's page shows an e-mail address:\n%s", got)
	}
	in := newHarnessOn(t, h.fixture)
	in.loginAs(interEmail, "nl")
	if _, got := in.get(weeks); !strings.Contains(got, "Els Bol (opdrachtgever)") {
		t.Errorf("the intermediary does not see who corrected:\n%s", got)
	}
	rik := newHarnessOn(t, h.fixture)
	rik.loginAs(client2Email, "nl")
	if res, _ := rik.get(weeks); res.StatusCode != http.StatusNotFound {
		t.Errorf("another client sees the placement's page: %d", res.StatusCode)
	}
}
