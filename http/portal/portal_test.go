package portal_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"backoffice/domain"
	"backoffice/http/portal"
	"backoffice/internal/app"
	rmtimesheets "backoffice/readmodel/timesheets"
)

// The portal's screens on the real application (see app_test.go for the
// fixture).

// sheet reads a timesheet from the read model (as the back office).
func (h *harness) sheet(placementID string, week int) rmtimesheets.Detail {
	h.t.Helper()
	q, err := rmtimesheets.NewQueries(h.Pool, h.Clock.Now)
	if err != nil {
		h.t.Fatal(err)
	}
	h.WaitForProjections(h.t)
	d, err := q.Detail(context.Background(), h.accounts[boEmail], placementID, wk(week))
	if err != nil {
		h.t.Fatal(err)
	}
	return d
}

func lineOf(d rmtimesheets.Detail, code string) (rmtimesheets.Line, bool) {
	for _, l := range d.Lines {
		if l.HourType == code {
			return l, true
		}
	}
	return rmtimesheets.Line{}, false
}

var anonPages = []string{"/inloggen", "/activeren?token=x", "/wachtwoord-vergeten", "/wachtwoord-herstellen?token=x"}

// TestEveryPageRenders renders every timesheet, people and report screen in
// Dutch and English and checks the security headers, that no text is
// missing from the catalogue and that no page holds inline script or style.
// The document screens: TestEveryOtherPageRenders.
func TestEveryPageRenders(t *testing.T) {
	f := newFixture(t)
	for _, lang := range []string{"nl", "en"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarnessOn(t, f)
			h.c.Jar.SetCookies(h.base(), []*http.Cookie{{Name: "lang", Value: lang, Path: "/"}})
			check := func(path string) { t.Helper(); h.checkPage(path, lang) }
			for _, p := range anonPages {
				check(p)
			}
			pages := map[string][]string{
				clientEmail: {"/", "/urenbriefjes", "/urenbriefjes?status=not_approved", "/urenbriefjes?status=open",
					"/plaatsingen/p1/weken?jaar=2026", "/plaatsingen/p1/weken/2026-W05", "/plaatsingen/p1/weken/2026-W07",
					"/plaatsingen/p1/weken/2026-W04", "/plaatsingen/p1/weken/2026-W02", "/plaatsingen/p1/weken/2026-W03", // W03: with the withdraw button
					"/plaatsingen/p1/weken/2026-W05/geschiedenis", "/werknemers", "/werknemers/nieuw",
					"/overige/facturen", "/overige/documenten", "/overige/documenten/nieuw",
					"/overige/urenrapport", "/overige/urenrapport?van=2026-W01&tot=2026-W06", "/mijn-gegevens"},
				client2Email: {"/plaatsingen/p2/weken/2026-W05"},
				client3Email: {"/plaatsingen/p3/weken/2026-W06", "/plaatsingen/p3/weken/2026-W06?wijzig=1"},
				interEmail: {"/", "/urenbriefjes", "/plaatsingen/p1/weken/2026-W03",
					"/overige/documenten", "/overige/facturen", "/overige/urenrapport?van=2026-W01&tot=2026-W06"},
				workerEmail: {"/", "/urenbriefjes", "/plaatsingen/p1/weken?jaar=2025", "/plaatsingen/p1/weken/2026-W05"},
				boEmail:     {"/demo/berichten", "/overige/documenten", "/overige/facturen", "/overige/documenten/nieuw", "/overige/documenten/nieuw?soort=factuur"},
			}
			for _, email := range []string{clientEmail, client2Email, client3Email, interEmail, workerEmail, boEmail} {
				h.loginAs(email, lang)
				for _, p := range pages[email] {
					check(p)
				}
			}
		})
	}
}

// TestDemoOutboxIsForBackofficeOnly: the outbox holds everyone's activation
// and reset links; anyone else reading it could take over any account.
func TestDemoOutboxIsForBackofficeOnly(t *testing.T) {
	h := newHarness(t)
	for _, email := range []string{clientEmail, workerEmail, interEmail} {
		h.loginAs(email, "nl")
		if res, body := h.get("/demo/berichten"); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: GET /demo/berichten = %d, want 404", email, res.StatusCode)
		} else if strings.Contains(body, `href="/demo/berichten"`) {
			t.Errorf("%s: the navigation still links the outbox", email)
		}
		if _, body := h.get("/"); strings.Contains(body, `href="/demo/berichten"`) {
			t.Errorf("%s: the home page links the outbox", email)
		}
	}
	// Fatima never activated: her invitation is mailed in the background.
	h.Mail(t, "fatima@example.nl", "")
	h.loginAs(boEmail, "nl")
	if res, body := h.get("/demo/berichten"); res.StatusCode != http.StatusOK || !strings.Contains(body, "fatima@example.nl") {
		t.Fatalf("back office: GET /demo/berichten = %d, without the activation mail to fatima@example.nl", res.StatusCode)
	}
}

func TestCSRFRefused(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	path := "/plaatsingen/p1/weken/2026-W05/aanbieden"
	for name, form := range map[string]url.Values{
		"without token":  {},
		"wrong token":    {"csrf": {"bm90IHRoZSB0b2tlbg"}},
		"anonymous form": {"csrf": {portal.AnonymousCSRFToken(strings.Repeat("a", 43))}},
	} {
		t.Run(name, func(t *testing.T) {
			res, body := h.post(path, form)
			if res.StatusCode != http.StatusForbidden {
				t.Fatalf("status %d, want 403", res.StatusCode)
			}
			if !strings.Contains(body, "Dit formulier is verlopen of komt niet van deze site.") {
				t.Fatalf("no Dutch refusal in:\n%s", body)
			}
		})
	}
	if st := h.sheet("p1", 5).Status; st != "open" {
		t.Fatalf("a refused form changed the timesheet: %s", st)
	}
	// Another site's origin is refused even with the right token.
	tok := h.token("/plaatsingen/p1/weken/2026-W05")
	req, _ := http.NewRequest(http.MethodPost, h.URL+path, strings.NewReader(url.Values{"csrf": {tok}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	res, err := h.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-origin POST: %d, want 403", res.StatusCode)
	}
	if st := h.sheet("p1", 5).Status; st != "open" {
		t.Fatalf("a cross-origin form changed the timesheet: %s", st)
	}
	// With the token it works.
	res, _ = h.post(path, url.Values{"csrf": {tok}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST with token: %d, want 303", res.StatusCode)
	}
	if st := h.sheet("p1", 5).Status; st != "offered" {
		t.Fatalf("the form with the token did not offer: %s", st)
	}
}

func TestLoginSetsSessionCookieAndLogoutClearsIt(t *testing.T) {
	h := newHarness(t)
	tok := h.token("/inloggen")
	res, body := h.post("/inloggen", url.Values{"csrf": {tok}, "email": {clientEmail}, "password": {"fout"}})
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Onbekend e-mailadres of onjuist wachtwoord.") {
		t.Fatalf("wrong password: %d\n%s", res.StatusCode, body)
	}
	res, _ = h.post("/inloggen", url.Values{"csrf": {tok}, "email": {clientEmail}, "password": {password},
		"terug": {"/urenbriefjes"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/urenbriefjes" {
		t.Fatalf("login: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	var sess *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "session" {
			sess = c
		}
	}
	if sess == nil || !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode || sess.Secure || sess.Path != "/" {
		t.Fatalf("session cookie = %+v", sess)
	}
	if _, body := h.get("/"); !strings.Contains(body, "Els Bol") {
		t.Fatal("home does not show the logged-in user")
	}
	res, _ = h.post("/uitloggen", url.Values{"csrf": {h.token("/")}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", res.StatusCode)
	}
	if res, _ := h.get("/"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/inloggen") {
		t.Fatalf("after logout / gives %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	// The session ended on the server: its token no longer works anywhere.
	other := newHarnessOn(t, h.fixture)
	other.c.Jar.SetCookies(h.base(), []*http.Cookie{{Name: "session", Value: sess.Value, Path: "/"}})
	if res, _ := other.get("/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the logged-out session still opens home: %d", res.StatusCode)
	}
}

// TestCookiesSecureExceptOnPlainLocalhost: a portal with a public HTTPS
// address sets Secure cookies with the __Host- prefix.
func TestCookiesSecureExceptOnPlainLocalhost(t *testing.T) {
	e := newFixtureWith(t, func(o *app.Options) { o.PublicURL = "https://portal.example.nl" })
	req, _ := http.NewRequest(http.MethodGet, e.URL+"/inloggen", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	cs := res.Cookies()
	if len(cs) == 0 || cs[0].Name != "__Host-csrf" || !cs[0].Secure || !cs[0].HttpOnly {
		t.Fatalf("cookies of an HTTPS portal = %+v", cs)
	}
}

func TestReadYourWrites(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	page := "/plaatsingen/p1/weken/2026-W07"
	res, body := h.postOn(page, "/regels", url.Values{"line.100.mon": {"7,5"}, "line.100.tue": {"7.5"}, "line.100.wed": {"7:30"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", res.StatusCode, body)
	}
	loc := res.Header.Get("Location")
	if !regexp.MustCompile(`^` + regexp.QuoteMeta(page) + `\?na=[0-9]+-[0-9]+(&|$)`).MatchString(loc) {
		t.Fatalf("redirect to %q, want %s?na=<position>", loc, page)
	}
	// The page after the redirect waits until the read models hold the
	// write: the new value is on it, with no lag notice.
	_, body = h.get(loc)
	if !strings.Contains(body, "De uren zijn opgeslagen.") || !strings.Contains(body, `value="7,5"`) ||
		strings.Contains(body, "De gegevens worden nog bijgewerkt") {
		t.Fatalf("page after save:\n%s", body)
	}
	if l, ok := lineOf(h.sheet("p1", 7), "100"); !ok || l.Minutes[0] != 450 || l.Minutes[1] != 450 || l.Minutes[2] != 450 {
		t.Fatalf("stored minutes %v", l.Minutes)
	}
}

// TestReadModelLagNotice: a position the projections have not reached
// within the wait shows the notice instead of hanging.
func TestReadModelLagNotice(t *testing.T) {
	f := newFixtureWith(t, func(o *app.Options) { o.WaitTimeout = 50 * time.Millisecond })
	h := newHarnessOn(t, f)
	h.loginAs(clientEmail, "nl")
	if _, body := h.get("/plaatsingen/p1/weken/2026-W07?na=999999999-0"); !strings.Contains(body, "De gegevens worden nog bijgewerkt") {
		t.Fatal("no notice when the read models lag")
	}
}

func TestHourErrorsNextToTheField(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	res, body := h.postOn(openWeek, "/regels", url.Values{"line.100.mon": {"25"}, "line.125.tue": {"2"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(fieldError(body, "line.100.mon"), "meer dan 24 uur") {
		t.Fatalf("no Dutch error next to line.100.mon: %d\n%s", res.StatusCode, body)
	}
	if !strings.Contains(body, `name="line.100.mon" id="line.100.mon" value="25"`) {
		t.Fatal("the typed value is not kept")
	}
	// Nothing was saved: the other line still has its old value.
	if l, _ := lineOf(h.sheet("p1", 5), "125"); l.Minutes[1] != 60 {
		t.Fatalf("a failed form saved: %v", l.Minutes)
	}
	// Day total over 24 hours across lines: the domain's rule, at the field.
	res, body = h.postOn(openWeek, "/regels", url.Values{"line.125.mon": {"20"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Op maandag is meer dan 24 uur ingevuld.") {
		t.Fatalf("day over 24h: %d\n%s", res.StatusCode, body)
	}
}

func TestEditorActions(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	steps := []struct {
		path string
		form url.Values
	}{
		{"/regels/toevoegen", url.Values{"uursoort": {"150"}}},
		{"/regels/wissen", url.Values{"uursoort": {"125"}}},
		{"/onkosten", url.Values{"soort": {"parking"}, "datum": {"2026-01-26"}, "bedrag": {"12,50"}}},
		{"/opmerkingen", url.Values{"opmerking": {"Maandag langer gewerkt."}}},
		{"/aanbieden", url.Values{}},
	}
	for _, s := range steps {
		res, body := h.postOn(openWeek, s.path, s.form)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d\n%s", s.path, res.StatusCode, body)
		}
	}
	ts := h.sheet("p1", 5)
	if ts.Status != "offered" || len(ts.Expenses) != 1 || ts.Expenses[0].AmountCents != 1250 || len(ts.Remarks) != 1 {
		t.Fatalf("after the editor: status %s, expenses %v, remarks %v", ts.Status, ts.Expenses, ts.Remarks)
	}
	if _, ok := lineOf(ts, "125"); ok {
		t.Fatal("line 125 not wiped")
	}
	if _, ok := lineOf(ts, "150"); !ok {
		t.Fatal("line 150 not added")
	}
	_, body := h.get(openWeek)
	if strings.Contains(body, `name="line.100.mon"`) || !strings.Contains(body, "Aan de beurt om te beoordelen: <strong>intermediair</strong>") {
		t.Fatalf("offered timesheet is not read-only with who is next:\n%s", body)
	}
	// The intermediary rejects without a reason: refused; with one: done.
	h.loginAs(interEmail, "nl")
	res, body := h.postOn(openWeek, "/afkeuren", url.Values{"reden": {"  "}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Geef een reden op") {
		t.Fatalf("reject without reason: %d", res.StatusCode)
	}
	res, _ = h.postOn(openWeek, "/afkeuren", url.Values{"reden": {"Maandag klopt niet."}})
	if st := h.sheet("p1", 5).Status; res.StatusCode != http.StatusSeeOther || st != "rejected" {
		t.Fatalf("reject: %d, status %s", res.StatusCode, st)
	}
}

func TestApproval(t *testing.T) {
	h := newHarnessAs(t, client2Email)
	page := "/plaatsingen/p2/weken/2026-W05"
	_, body := h.get(page)
	for _, want := range []string{`id="approve"`, `id="reject"`, `id="late"`, "woensdag 04-02-2026 10:00"} {
		if !strings.Contains(body, want) {
			t.Fatalf("approval page lacks %q:\n%s", want, body)
		}
	}
	// Bulk approval from the list: both offered weeks of p2.
	_, body = h.get("/urenbriefjes")
	boxes := regexp.MustCompile(`name="kies" id="[^"]+" value="([^"]+)"`).FindAllStringSubmatch(body, -1)
	if len(boxes) != 2 {
		t.Fatalf("want 2 approvable rows, got %d", len(boxes))
	}
	form := url.Values{"csrf": {h.token("/urenbriefjes")}}
	for _, b := range boxes {
		form.Add("kies", html.UnescapeString(b[1]))
	}
	res, body := h.post("/urenbriefjes/accorderen", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("bulk approve: %d\n%s", res.StatusCode, body)
	}
	for _, w := range []int{5, 6} {
		if d := h.sheet("p2", w); d.Status != "offered" || d.NextParty != string(domain.RoleIntermediary) {
			t.Fatalf("week %d: %s, next party %q", w, d.Status, d.NextParty)
		}
	}
}

func TestWeekOverview(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	_, body := h.get("/plaatsingen/p1/weken?jaar=2026")
	doc, _ := html.Parse(strings.NewReader(body))
	tiles := map[string]*html.Node{}
	for n := range doc.Descendants() {
		if id := portal.Attr(n, "id"); strings.HasPrefix(id, "week-") {
			tiles[id] = n
		}
	}
	if len(tiles) != 53 { // 2026 has 53 ISO weeks
		t.Fatalf("%d tiles", len(tiles))
	}
	if n := tiles["week-5"]; n.Data != "a" || !strings.Contains(portal.Attr(n, "aria-label"), "26-01-2026 – 01-02-2026") ||
		portal.Attr(n, "title") != portal.Attr(n, "aria-label") || !strings.Contains(portal.Attr(n, "class"), "st-open") {
		t.Fatalf("week 5 tile: <%s %v>", n.Data, n.Attr)
	}
	if n := tiles["week-8"]; n.Data == "a" || !strings.Contains(portal.Attr(n, "class"), "off") {
		t.Fatalf("week 8 (future) is openable: <%s %v>", n.Data, n.Attr)
	}
	for _, st := range []string{"st-imported", "st-approved", "st-offered", "st-rejected"} {
		if !strings.Contains(body, st) {
			t.Errorf("no %s tile", st)
		}
	}
}

func TestLanguageSwitch(t *testing.T) {
	h := newHarness(t)
	res, _ := h.post("/taal", url.Values{"csrf": {h.token("/inloggen")}, "taal": {"en"}, "terug": {"/inloggen"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("anonymous switch: %d", res.StatusCode)
	}
	if _, body := h.get("/inloggen"); !strings.Contains(body, "Forgot your password?") {
		t.Fatal("login page not in English after the switch")
	}
	h.loginAs(clientEmail, "nl")
	res, _ = h.post("/taal", url.Values{"csrf": {h.token("/urenbriefjes")}, "taal": {"en"}, "terug": {"/urenbriefjes?status=open"}})
	if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/urenbriefjes?status=open&na=") {
		t.Fatalf("redirect to %q", loc)
	}
	if _, body := h.get(res.Header.Get("Location")); !strings.Contains(body, "Status overview") && !strings.Contains(body, `<html lang="en">`) {
		t.Fatal("list not in English after the switch")
	}
	if _, body := h.get("/"); !strings.Contains(body, "Status overview of the hours") {
		t.Fatal("home not in English for the user")
	}
	// The language is the account's: another browser without a language
	// cookie logs in and gets English too.
	other := newHarnessOn(t, h.fixture)
	res, body := other.post("/inloggen", url.Values{"csrf": {other.token("/inloggen")}, "email": {clientEmail}, "password": {password}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("second login: %d\n%s", res.StatusCode, body)
	}
	if _, body := other.get("/"); !strings.Contains(body, "Status overview of the hours") {
		t.Fatal("the account's language was not stored")
	}
}

var activationLink = regexp.MustCompile(`/activeren\?token=([A-Za-z0-9_%-]+)`)

func TestPasswordPages(t *testing.T) {
	h := newHarness(t)
	// Fatima never chose a password: her invitation holds the activation link.
	m := activationLink.FindStringSubmatch(h.Mail(t, "fatima@example.nl", ""))
	if m == nil {
		t.Fatal("no activation link in the invitation")
	}
	good, err := url.QueryUnescape(m[1])
	if err != nil {
		t.Fatal(err)
	}
	tok := h.token("/activeren?token=" + url.QueryEscape(good))
	res, body := h.post("/activeren", url.Values{"csrf": {tok}, "token": {good}, "password": {"lang genoeg wachtwoord"}, "password2": {"anders"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "De wachtwoorden zijn niet gelijk.") {
		t.Fatalf("mismatch: %d", res.StatusCode)
	}
	res, body = h.post("/activeren", url.Values{"csrf": {tok}, "token": {"oud"}, "password": {"lang genoeg wachtwoord"}, "password2": {"lang genoeg wachtwoord"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Deze link is verlopen of al gebruikt.") {
		t.Fatalf("bad token: %d\n%s", res.StatusCode, body)
	}
	res, _ = h.post("/activeren", url.Values{"csrf": {tok}, "token": {good}, "password": {"lang genoeg wachtwoord"}, "password2": {"lang genoeg wachtwoord"}})
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "ok=password_set") {
		t.Fatalf("activate: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	res, _ = h.post("/wachtwoord-vergeten", url.Values{"csrf": {tok}, "email": {"wie@dan.ook"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("forgot: %d", res.StatusCode)
	}
	if _, body := h.get(res.Header.Get("Location")); !strings.Contains(body, "Als dit e-mailadres bij ons bekend is") {
		t.Fatal("no neutral confirmation")
	}
	res, _ = h.post("/inloggen", url.Values{"csrf": {h.token("/inloggen")}, "email": {"fatima@example.nl"}, "password": {"lang genoeg wachtwoord"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login with the new password: %d", res.StatusCode)
	}
}

func TestRegisterWorker(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	form := url.Values{
		"csrf": {h.token("/werknemers/nieuw")}, "name.first": {"Sanne"}, "name.last": {"Visser"}, "date_of_birth": {"1990-05-17"},
		"bsn": {"123456789"}, "iban": {"NL91ABNA0417164300"}, "email": {"sanne@example.nl"}, "mobile": {"0612345678"},
		"address.street": {"Dorpsstraat"}, "address.house_number": {"1"}, "address.postal_code": {"1234 AB"},
		"address.city": {"Utrecht"}, "address.country": {"NL"}, "function": {"Bakker"}, "start": {"2026-02-16"},
	}
	res, body := h.post("/werknemers/nieuw", form)
	if res.StatusCode != http.StatusBadRequest || !regexp.MustCompile(`id="err-bsn">`).MatchString(body) {
		t.Fatalf("invalid BSN: %d\n%s", res.StatusCode, body)
	}
	form.Set("bsn", "111222333")
	res, body = h.postOn("/werknemers/nieuw", "", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("register: %d\n%s", res.StatusCode, body)
	}
	if _, body := h.get(res.Header.Get("Location")); !strings.Contains(body, "Sanne Visser") {
		t.Fatal("new worker not listed")
	}
	// Workers cannot register.
	h.loginAs(workerEmail, "nl")
	if res, _ := h.get("/werknemers/nieuw"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("worker opens the registration: %d", res.StatusCode)
	}
}

func TestOtherClientsPlacementIsNotFound(t *testing.T) {
	h := newHarnessAs(t, workerEmail)
	res, body := h.get("/plaatsingen/p2/weken/2026-W05")
	if res.StatusCode != http.StatusNotFound || !strings.Contains(body, "niet gevonden") {
		t.Fatalf("status %d", res.StatusCode)
	}
}

// TestLoginEndsTheSessionItReplaces: logging in again in a browser that still
// holds a session ends that session on the server.
func TestLoginEndsTheSessionItReplaces(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	old := ""
	for _, c := range h.c.Jar.Cookies(h.base()) {
		if c.Name == "session" {
			old = c.Value
		}
	}
	withOld := newHarnessOn(t, h.fixture)
	withOld.c.Jar.SetCookies(h.base(), []*http.Cookie{{Name: "session", Value: old, Path: "/"}})
	if res, _ := withOld.get("/"); res.StatusCode != http.StatusOK {
		t.Fatalf("the first session is not valid: %d", res.StatusCode)
	}
	tok := h.token("/") // the login form is posted while still logged in
	res, _ := h.post("/inloggen", url.Values{"csrf": {tok}, "email": {workerEmail}, "password": {password}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("second login: %d", res.StatusCode)
	}
	if res, _ := withOld.get("/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the replaced session still works: %d", res.StatusCode)
	}
}

// TestWithdrawOffer: the one who entered the hours takes the offer back
// before anyone approved it (button "Aanbieden intrekken"); the approver
// has no such button, and after the withdrawal the week is editable again.
func TestWithdrawOffer(t *testing.T) {
	h := newHarness(t)
	page := "/plaatsingen/p2/weken/2026-W05"
	h.loginAs(client2Email, "nl")
	if _, body := h.get(page); strings.Contains(body, `id="withdraw"`) {
		t.Fatal("the approver is offered the withdrawal")
	}
	res, _ := h.postOn(page, "/aanbieden/intrekken", url.Values{})
	if res.StatusCode != http.StatusForbidden || h.sheet("p2", 5).Status != "offered" {
		t.Fatalf("the approver withdraws: %d, %s", res.StatusCode, h.sheet("p2", 5).Status)
	}

	h.loginAs(worker2Email, "nl")
	_, body := h.get(page)
	if !strings.Contains(body, `action="`+page+`/aanbieden/intrekken"`) || !strings.Contains(body, ">Aanbieden intrekken</button>") {
		t.Fatalf("no withdraw button for the one who entered the hours:\n%s", body)
	}
	res, body = h.postOn(page, "/aanbieden/intrekken", url.Values{})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw: %d\n%s", res.StatusCode, body)
	}
	_, body = h.get(res.Header.Get("Location"))
	if !strings.Contains(body, "Het aanbieden is ingetrokken") || !strings.Contains(body, `name="line.100.mon"`) || strings.Contains(body, `id="withdraw"`) {
		t.Fatalf("after withdrawing, not editable:\n%s", body)
	}
	if d := h.sheet("p2", 5); d.Status != "open" || d.NextParty != "" {
		t.Fatalf("stored: %s, next %q", d.Status, d.NextParty)
	}
	if _, body := h.get(page + "/geschiedenis"); !strings.Contains(body, "Aanbieden ingetrokken") {
		t.Fatal("the history does not show the withdrawal")
	}
	// Once a step approved, the button is gone and the command refuses.
	h.loginAs(client2Email, "nl")
	week6 := "/plaatsingen/p2/weken/2026-W06"
	_, body = h.get(week6)
	form := url.Values{"csrf": {h.token(week6)}}
	for _, m := range regexp.MustCompile(`name="(stap|controle)" value="([^"]*)"`).FindAllStringSubmatch(body, -1) {
		form.Set(m[1], m[2])
	}
	if res, _ := h.post(week6+"/accorderen", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve week 6: %d", res.StatusCode)
	}
	h.loginAs(worker2Email, "nl")
	if _, body := h.get(week6); strings.Contains(body, `id="withdraw"`) {
		t.Fatal("withdraw offered after a step approved")
	}
	res, body = h.postOn(week6, "/aanbieden/intrekken", url.Values{})
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "al (deels) geaccordeerd") {
		t.Fatalf("withdraw after a step approved: %d\n%s", res.StatusCode, body)
	}
}

// TestExpenseAmounts: the expense form reads amounts with the one parser
// the invoice form uses (domain.ParseEuro): "1.234,56" is accepted, and
// "-0,50" is refused next to the field, with its own message, instead of
// being stored as +€ 0,50; the field is marked invalid and points at its
// message, as in the hours grid.
func TestExpenseAmounts(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	res, body := h.postOn(openWeek, "/onkosten", url.Values{"soort": {"parking"}, "datum": {"2026-01-26"}, "bedrag": {"-0,50"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, // the domain's refusal (expense_amount_invalid)
		`value="-0,50" aria-invalid="true" aria-describedby="err-exp-amount"><p class="err" id="err-exp-amount">Een bedrag kan niet negatief zijn.</p>`) {
		t.Fatalf("-0,50: %d\n%s", res.StatusCode, body)
	}
	res, body = h.postOn(openWeek, "/onkosten", url.Values{"soort": {"parking"}, "datum": {"2026-01-26"}, "bedrag": {"twaalf"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body,
		`value="twaalf" aria-invalid="true" aria-describedby="err-exp-amount"><p class="err" id="err-exp-amount">Vul een bedrag in, bijvoorbeeld 12,50.</p>`) {
		t.Fatalf("twaalf: %d\n%s", res.StatusCode, body)
	}
	if n := len(h.sheet("p1", 5).Expenses); n != 0 {
		t.Fatalf("a refused amount was stored: %d expenses", n)
	}
	res, _ = h.postOn(openWeek, "/onkosten", url.Values{"soort": {"other"}, "datum": {"2026-01-26"},
		"bedrag": {"1.234,56"}, "omschrijving": {"Werkkleding"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("1.234,56: %d", res.StatusCode)
	}
	if ex := h.sheet("p1", 5).Expenses; len(ex) != 1 || ex[0].AmountCents != 123456 {
		t.Fatalf("stored %+v", ex)
	}
}
