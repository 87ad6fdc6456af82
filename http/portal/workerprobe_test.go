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

// TestSheetLinksStayInsidePlacement: "Vorige week" in the placement's
// first week and "Volgende week" in the week it ended led to 404 ("niet
// gevonden"); the worker reading his history after the end now gets no
// link out of the placement, and the links inside it stay.
func TestSheetLinksStayInsidePlacement(t *testing.T) {
	h := newHarnessAs(t, boEmail)
	const end = "/plaatsingen/p2/beeindigen"
	if res, body := h.post(end, url.Values{"csrf": {h.token(end)}, "end": {"2026-02-08"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("ending p2: %d\n%s", res.StatusCode, body)
	}
	k := newHarnessOn(t, h.fixture)
	k.loginAs(worker2Email, "nl")
	for _, c := range []struct{ week, gone, kept string }{
		{"2026-W06", "2026-W07", "2026-W05"}, // the placement's last week
		{"2025-W45", "2025-W44", "2025-W46"}, // its first (start 03-11-2025)
	} {
		res, body := k.get("/plaatsingen/p2/weken/" + c.week)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", c.week, res.StatusCode)
		}
		if strings.Contains(body, `href="/plaatsingen/p2/weken/`+c.gone+`"`) {
			t.Errorf("%s links to %s, outside the placement", c.week, c.gone)
		}
		if strings.Contains(body, `href=""`) {
			t.Errorf("%s has an empty link", c.week)
		}
		if !strings.Contains(body, `href="/plaatsingen/p2/weken/`+c.kept+`"`) {
			t.Errorf("%s lost its link to %s", c.week, c.kept)
		}
		if res, _ := k.get("/plaatsingen/p2/weken/" + c.gone); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s outside the placement: %d (the test's premise)", c.gone, res.StatusCode)
		}
	}
}

// TestFutureWeekSaysWhenItOpens: "Volgende week" from this week opens a
// week that has not started; it was an empty sheet without any form and
// without a word why. Now it says so and from which Monday; this week
// (fillable) does not.
func TestFutureWeekSaysWhenItOpens(t *testing.T) {
	h := newHarnessAs(t, worker2Email) // now: Wednesday 11-02-2026, week 7
	_, body := h.get("/plaatsingen/p2/weken/2026-W08")
	if !strings.Contains(body, `<p class="callout" id="not-started">Deze week is nog niet begonnen en kan nog niet worden ingevuld. Dat kan vanaf maandag 16-02-2026.</p>`) {
		t.Fatalf("week 8 does not say when it opens:\n%s", body)
	}
	if strings.Contains(body, `id="grid-form"`) {
		t.Error("week 8 has the hours form")
	}
	if _, body := h.get("/plaatsingen/p2/weken/2026-W07"); strings.Contains(body, `id="not-started"`) || !strings.Contains(body, `id="grid-form"`) {
		t.Error("this week says it has not started, or lost its form")
	}
}

// TestExpiredActivationLinkOffersANewOne: a worker who opens his
// activation mail after 72 hours read "Vraag een nieuwe aan" above the
// same password form, which could only fail again, and no way to ask.
// Now the page links to "Wachtwoord vergeten" (which mails a fresh
// activation link to an account without a password) instead of the form.
func TestExpiredActivationLinkOffersANewOne(t *testing.T) {
	h := newHarness(t)
	tok := h.token("/activeren?token=oud")
	res, body := h.post("/activeren", url.Values{"csrf": {tok}, "token": {"oud"}, "password": {"lang genoeg wachtwoord"}, "password2": {"lang genoeg wachtwoord"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Deze link is verlopen of al gebruikt.") {
		t.Fatalf("expired link: %d\n%s", res.StatusCode, body)
	}
	if !strings.Contains(body, `<a class="button primary" id="new-link" href="/wachtwoord-vergeten">Vraag een nieuwe link aan</a>`) {
		t.Errorf("no way to a new link:\n%s", body)
	}
	if strings.Contains(body, `name="password2"`) || strings.Contains(body, "Kies een wachtwoord") {
		t.Error("the dead link's password form (or its invitation) is still offered")
	}
	// A mistake that is not the link keeps the form.
	res, body = h.post("/activeren", url.Values{"csrf": {tok}, "token": {"oud"}, "password": {"lang genoeg wachtwoord"}, "password2": {"anders"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `name="password2"`) || strings.Contains(body, `id="new-link"`) {
		t.Errorf("mismatched passwords: %d, form kept: %v", res.StatusCode, strings.Contains(body, `name="password2"`))
	}
}

// TestTimeRegistrationWeekPointsToTheTimes: on a placement with time
// registration an empty week said "Er zijn nog geen uren ingevuld." with
// only "Andere uursoort" below it; whoever enters the hours now reads that
// the normal hours come from the times and where to enter them.
func TestTimeRegistrationWeekPointsToTheTimes(t *testing.T) {
	h := newHarnessAs(t, client3Email) // Bakkerij Bol Vers: time registration, p3
	_, body := h.get("/plaatsingen/p3/weken/2026-W07")
	if !strings.Contains(body, `<p class="hint" id="no-lines-tr">De normale uren volgen uit de begin- en eindtijden: vul die in bij <a href="#tijd">Tijdregistratie</a></p>`) {
		t.Fatalf("the empty time-registration week does not point to the times:\n%s", body)
	}
	if !strings.Contains(body, `id="tijd"`) {
		t.Fatal("the anchor #tijd is gone")
	}
	h.loginAs(worker2Email, "nl") // no time registration: the grid itself
	if _, body := h.get("/plaatsingen/p2/weken/2026-W07"); strings.Contains(body, `id="no-lines-tr"`) {
		t.Error("a placement without time registration gets the hint")
	}
}

// TestWorkerCraftedApprovalIsRefused: Karim crafts the client's approval
// of his own offered week (with the step and check value the client's
// form carries), one by one and in bulk, and the rejection: each is
// refused and the week stays offered, waiting for the client.
func TestWorkerCraftedApprovalIsRefused(t *testing.T) {
	h := newHarnessAs(t, client2Email)
	const sheet = "/plaatsingen/p2/weken/2026-W05"
	_, page := h.get(sheet)
	m := regexp.MustCompile(`name="controle" value="([0-9a-f]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the client's approval form has no check value:\n%s", page)
	}
	k := newHarnessOn(t, h.fixture)
	k.loginAs(worker2Email, "nl")
	for _, action := range []string{"/accorderen", "/afkeuren"} {
		if res, _ := k.postOn(sheet, action, url.Values{"stap": {"0"}, "controle": {m[1]}, "reden": {"Zelf afgekeurd"}}); res.StatusCode < 400 {
			t.Errorf("Karim's %s: %d", action, res.StatusCode)
		}
	}
	if res, body := k.postOn("/urenbriefjes", "/accorderen", url.Values{"kies": {"p2|2026-W05|0|" + m[1]}}); res.StatusCode == http.StatusSeeOther || !strings.Contains(body, "2026-W05") {
		t.Errorf("Karim's bulk approval: %d, week named as not approved: %v", res.StatusCode, strings.Contains(body, "2026-W05"))
	}
	_, page = k.get(sheet)
	if !strings.Contains(page, "Aan de beurt om te beoordelen: <strong>opdrachtgever</strong>") {
		t.Fatalf("week 5 is no longer waiting for the client:\n%s", page)
	}
}
