package portal

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"backoffice/domain"
)

type harness struct {
	t    *testing.T
	srv  *httptest.Server
	fake *fakeBackend
	docs *fakeDocuments
	reps *fakeReports
	c    *http.Client
}

func newHarness(t *testing.T) *harness { return newHarnessWith(t, nil) }

// newHarnessWith lets a test change the dependencies before New.
func newHarnessWith(t *testing.T, change func(*Deps)) *harness {
	t.Helper()
	fake := newFakeBackend()
	docs, reps := newFakeDocuments(fake), &fakeReports{f: fake}
	d := Deps{
		Identity: fake, Timesheets: fake, Workers: fake, Waiter: fake, Outbox: fake, Demo: true,
		Documents: docs, Reports: reps,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Clock: func() time.Time { return fake.now },
	}
	if change != nil {
		change(&d)
	}
	h, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &harness{t: t, srv: srv, fake: fake, docs: docs, reps: reps, c: c}
}

// loginAs puts a session cookie for a into the client's jar.
func (h *harness) loginAs(a domain.Actor, lang string) {
	a.Language = lang
	tok := h.fake.session(a)
	u, _ := url.Parse(h.srv.URL)
	h.c.Jar.SetCookies(u, []*http.Cookie{{Name: "session", Value: tok, Path: "/"}})
}

func (h *harness) get(path string) (*http.Response, string) {
	h.t.Helper()
	res, err := h.c.Get(h.srv.URL + path)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func (h *harness) post(path string, form url.Values) (*http.Response, string) {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := h.c.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// token fetches page and returns its CSRF token.
func (h *harness) token(page string) string {
	h.t.Helper()
	_, body := h.get(page)
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		h.t.Fatalf("no CSRF token on %s", page)
	}
	return m[1]
}

func TestNewRefusesMissingDeps(t *testing.T) {
	_, err := New(Deps{})
	if err == nil || !strings.Contains(err.Error(), "Identity") || !strings.Contains(err.Error(), "Waiter") {
		t.Fatalf("New(Deps{}) = %v, want errors naming the missing dependencies", err)
	}
}

var (
	missingKeyRE = regexp.MustCompile(`\?[a-z_]+\.[a-z_.0-9]+\?`)
	anonPages    = []string{"/inloggen", "/activeren?token=x", "/wachtwoord-vergeten", "/wachtwoord-herstellen?token=x"}
	clientPages  = []string{
		"/", "/urenbriefjes", "/urenbriefjes?status=not_approved", "/urenbriefjes?status=open",
		"/plaatsingen/p1/weken?jaar=2026", "/plaatsingen/p1/weken/2026-W05", "/plaatsingen/p1/weken/2026-W07",
		"/plaatsingen/p1/weken/2026-W04", "/plaatsingen/p1/weken/2026-W02", "/plaatsingen/p2/weken/2026-W05",
		"/plaatsingen/p3/weken/2026-W06", "/plaatsingen/p3/weken/2026-W06?wijzig=1",
		"/plaatsingen/p1/weken/2026-W05/geschiedenis", "/werknemers", "/werknemers/nieuw",
		"/overige/facturen", "/overige/documenten", "/overige/documenten/nieuw", "/overige/documenten/d-contract",
		"/overige/documenten/d-id", "/overige/documenten/d-instructies", "/overige/documenten/i-0012",
		"/documenten/d-contract/ondertekenen", "/overige/urenrapport", "/overige/urenrapport?van=2026-W01&tot=2026-W06",
	}
)

// TestEveryPageRenders renders every screen in Dutch and English and checks
// the security headers, that no text is missing from the catalogue and that
// no page holds inline script or style.
func TestEveryPageRenders(t *testing.T) {
	for _, lang := range []string{"nl", "en"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t)
			u, _ := url.Parse(h.srv.URL)
			h.c.Jar.SetCookies(u, []*http.Cookie{{Name: "lang", Value: lang, Path: "/"}})
			check := func(path string) {
				t.Helper()
				res, body := h.get(path)
				if res.StatusCode != http.StatusOK {
					t.Fatalf("GET %s: %d\n%s", path, res.StatusCode, body)
				}
				assertPage(t, path, res, body, lang)
			}
			for _, p := range anonPages {
				check(p)
			}
			h.loginAs(clientActor, lang)
			for _, p := range clientPages {
				check(p)
			}
			h.loginAs(intermediaryActor, lang)
			for _, p := range []string{"/", "/urenbriefjes", "/plaatsingen/p1/weken/2026-W03",
				"/overige/documenten", "/overige/facturen", "/overige/urenrapport?van=2026-W01&tot=2026-W06"} {
				check(p)
			}
			h.loginAs(workerActor, lang)
			for _, p := range []string{"/", "/urenbriefjes", "/plaatsingen/p1/weken?jaar=2025", "/plaatsingen/p1/weken/2026-W05"} {
				check(p)
			}
			h.loginAs(backofficeActor, lang)
			check("/demo/berichten")
			check("/overige/documenten")
			check("/overige/documenten/d-id")
			check("/overige/facturen")
			check("/overige/documenten/nieuw")
			check("/overige/documenten/nieuw?soort=factuur")
			check("/overige/documenten/d-acme") // no signers
			h.docs.mu.Lock()
			h.docs.docs[0].expired = true // the request form with its signers
			h.docs.mu.Unlock()
			check("/overige/documenten/d-contract")
		})
	}
}

// TestDemoOutboxIsForBackofficeOnly: the outbox holds everyone's activation
// and reset links; anyone else reading it could take over any account.
func TestDemoOutboxIsForBackofficeOnly(t *testing.T) {
	h := newHarness(t)
	for _, a := range []domain.Actor{clientActor, workerActor, intermediaryActor} {
		h.loginAs(a, "nl")
		if res, body := h.get("/demo/berichten"); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: GET /demo/berichten = %d, want 404", a.Role, res.StatusCode)
		} else if strings.Contains(body, `href="/demo/berichten"`) {
			t.Errorf("%s: the navigation still links the outbox", a.Role)
		}
		if _, body := h.get("/"); strings.Contains(body, `href="/demo/berichten"`) {
			t.Errorf("%s: the home page links the outbox", a.Role)
		}
	}
}

func assertPage(t *testing.T, path string, res *http.Response, body, lang string) {
	t.Helper()
	if got := res.Header.Get("Content-Security-Policy"); got != ContentSecurityPolicy {
		t.Errorf("%s: CSP = %q", path, got)
	}
	for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"} {
		if got := res.Header.Get(k); got != want {
			t.Errorf("%s: %s = %q, want %q", path, k, got, want)
		}
	}
	if m := missingKeyRE.FindString(body); m != "" {
		t.Errorf("%s: untranslated key %s", path, m)
	}
	if !strings.Contains(body, `<html lang="`+lang+`">`) {
		t.Errorf("%s: page is not in %s", path, lang)
	}
	for _, p := range inlineCode(t, body) {
		t.Errorf("%s: inline code: %s", path, p)
	}
}

// inlineCode parses a page and lists every inline script, style element,
// style attribute, event handler attribute and javascript: URL.
func inlineCode(t *testing.T, body string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.Data {
		case "style":
			found = append(found, "<style>")
		case "script":
			if attr(n, "src") == "" || n.FirstChild != nil {
				found = append(found, "inline <script>")
			}
		}
		for _, a := range n.Attr {
			switch {
			case a.Key == "style":
				found = append(found, "style attribute on <"+n.Data+">")
			case strings.HasPrefix(a.Key, "on"):
				found = append(found, a.Key+" attribute on <"+n.Data+">")
			case (a.Key == "href" || a.Key == "src" || a.Key == "action") && strings.HasPrefix(strings.TrimSpace(strings.ToLower(a.Val)), "javascript:"):
				found = append(found, "javascript: URL")
			}
		}
	}
	return found
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func TestCSRFRefused(t *testing.T) {
	h := newHarness(t)
	h.loginAs(clientActor, "nl")
	path := "/plaatsingen/p1/weken/2026-W05/aanbieden"
	for name, form := range map[string]url.Values{
		"without token":  {},
		"wrong token":    {"csrf": {"bm90IHRoZSB0b2tlbg"}},
		"anonymous form": {"csrf": {csrfToken(&reqState{anon: strings.Repeat("a", 43)})}},
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
	if st := h.fake.sheets[Ref{"p1", wk(5)}].Status(); st != "open" {
		t.Fatalf("a refused form changed the timesheet: %s", st)
	}
	// Another site's origin is refused even with the right token.
	tok := h.token("/plaatsingen/p1/weken/2026-W05")
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+path, strings.NewReader(url.Values{"csrf": {tok}}.Encode()))
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
	// With the token it works.
	res, _ = h.post(path, url.Values{"csrf": {tok}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST with token: %d, want 303", res.StatusCode)
	}
}

func TestLoginSetsSessionCookieAndLogoutClearsIt(t *testing.T) {
	h := newHarness(t)
	tok := h.token("/inloggen")
	res, body := h.post("/inloggen", url.Values{"csrf": {tok}, "email": {"klant@bakkerijbol.nl"}, "password": {"fout"}})
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Onbekend e-mailadres of onjuist wachtwoord.") {
		t.Fatalf("wrong password: %d\n%s", res.StatusCode, body)
	}
	res, _ = h.post("/inloggen", url.Values{"csrf": {tok}, "email": {"klant@bakkerijbol.nl"}, "password": {"geheim wachtwoord 1"},
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
	// An open redirect through terug is not possible.
	for _, evil := range []string{"//evil.example/x", "/\\evil.example", "/\t/evil.example", "/\n/evil.example",
		"/\x7f/evil", "https://evil.example", "evil.example", ""} {
		if got := localPath(evil); got != "/" {
			t.Errorf("localPath(%q) = %q, want /", evil, got)
		}
	}
	if got := localPath("/urenbriefjes?status=offered"); got != "/urenbriefjes?status=offered" {
		t.Errorf("a local path was refused: %q", got)
	}
}

func TestCookiesSecureExceptOnPlainLocalhost(t *testing.T) {
	h := newHarness(t)
	req := httptest.NewRequest(http.MethodGet, "https://portal.example.nl/inloggen", nil)
	rec := httptest.NewRecorder()
	h.srv.Config.Handler.ServeHTTP(rec, req)
	cs := rec.Result().Cookies()
	if len(cs) == 0 || cs[0].Name != "__Host-csrf" || !cs[0].Secure || !cs[0].HttpOnly {
		t.Fatalf("cookies over HTTPS = %+v", cs)
	}
}

func TestReadYourWrites(t *testing.T) {
	h := newHarness(t)
	h.loginAs(clientActor, "nl")
	page := "/plaatsingen/p1/weken/2026-W07"
	res, body := h.post(page+"/regels", url.Values{"csrf": {h.token(page)}, "line.100.mon": {"7,5"}, "line.100.tue": {"7.5"}, "line.100.wed": {"7:30"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", res.StatusCode, body)
	}
	loc := res.Header.Get("Location")
	if !strings.HasPrefix(loc, page+"?na=") {
		t.Fatalf("redirect to %q, want %s?na=<position>", loc, page)
	}
	before := len(h.fake.waits)
	_, body = h.get(loc)
	if len(h.fake.waits) != before+1 {
		t.Fatal("the page did not wait for the write")
	}
	if !strings.Contains(body, "De uren zijn opgeslagen.") || !strings.Contains(body, `value="7,5"`) {
		t.Fatalf("page after save:\n%s", body)
	}
	if got := h.fake.sheets[Ref{"p1", wk(7)}].Lines()[0].Minutes; got[0] != 450 || got[1] != 450 || got[2] != 450 {
		t.Fatalf("stored minutes %v", got)
	}
	h.fake.waitErr = errors.New("deadline exceeded")
	if _, body = h.get(loc); !strings.Contains(body, "De gegevens worden nog bijgewerkt") {
		t.Fatal("no notice when the read models lag")
	}
}

func TestHourErrorsNextToTheField(t *testing.T) {
	h := newHarness(t)
	h.loginAs(clientActor, "nl")
	page := "/plaatsingen/p1/weken/2026-W05"
	res, body := h.post(page+"/regels", url.Values{"csrf": {h.token(page)}, "line.100.mon": {"25"}, "line.125.tue": {"2"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", res.StatusCode)
	}
	if !regexp.MustCompile(`id="err-line\.100\.mon">[^<]*meer dan 24 uur`).MatchString(body) {
		t.Fatalf("no Dutch error next to line.100.mon:\n%s", body)
	}
	if !strings.Contains(body, `name="line.100.mon" id="line.100.mon" value="25"`) {
		t.Fatal("the typed value is not kept")
	}
	// Nothing was saved: the other line still has its old value.
	if l, _ := h.fake.sheets[Ref{"p1", wk(5)}].Line("125"); l.Minutes[1] != 60 {
		t.Fatalf("a failed form saved: %v", l.Minutes)
	}
	// Day total over 24 hours across lines: the domain's rule, at the field.
	res, body = h.post(page+"/regels", url.Values{"csrf": {h.token(page)}, "line.125.mon": {"20"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Op maandag is meer dan 24 uur ingevuld.") {
		t.Fatalf("day over 24h: %d\n%s", res.StatusCode, body)
	}
}

func TestEditorActions(t *testing.T) {
	h := newHarness(t)
	h.loginAs(clientActor, "nl")
	page := "/plaatsingen/p1/weken/2026-W05"
	ref := Ref{"p1", wk(5)}
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
		s.form.Set("csrf", h.token(page))
		res, body := h.post(page+s.path, s.form)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d\n%s", s.path, res.StatusCode, body)
		}
	}
	ts := h.fake.sheets[ref]
	if ts.Status() != "offered" || len(ts.Expenses()) != 1 || ts.Expenses()[0].AmountCents != 1250 || len(ts.Remarks()) != 1 {
		t.Fatalf("after the editor: status %s, expenses %v, remarks %v", ts.Status(), ts.Expenses(), ts.Remarks())
	}
	if _, ok := ts.Line("125"); ok {
		t.Fatal("line 125 not wiped")
	}
	_, body := h.get(page)
	if strings.Contains(body, `name="line.100.mon"`) || !strings.Contains(body, "Aan de beurt om te beoordelen: <strong>intermediair</strong>") {
		t.Fatalf("offered timesheet is not read-only with who is next:\n%s", body)
	}
	// The intermediary rejects without a reason: refused; with one: done.
	h.loginAs(intermediaryActor, "nl")
	res, body := h.post(page+"/afkeuren", url.Values{"csrf": {h.token(page)}, "reden": {"  "}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Geef een reden op") {
		t.Fatalf("reject without reason: %d", res.StatusCode)
	}
	res, _ = h.post(page+"/afkeuren", url.Values{"csrf": {h.token(page)}, "reden": {"Maandag klopt niet."}})
	if res.StatusCode != http.StatusSeeOther || h.fake.sheets[ref].Status() != "rejected" {
		t.Fatalf("reject: %d, status %s", res.StatusCode, h.fake.sheets[ref].Status())
	}
}

func TestApproval(t *testing.T) {
	h := newHarness(t)
	h.loginAs(clientActor, "nl")
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
		if next, _ := h.fake.sheets[Ref{"p2", wk(w)}].NextParty(); next != domain.RoleIntermediary {
			t.Fatalf("week %d: next party %q", w, next)
		}
	}
}

func TestWeekOverview(t *testing.T) {
	h := newHarness(t)
	h.loginAs(clientActor, "nl")
	_, body := h.get("/plaatsingen/p1/weken?jaar=2026")
	doc, _ := html.Parse(strings.NewReader(body))
	tiles := map[string]*html.Node{}
	for n := range doc.Descendants() {
		if id := attr(n, "id"); strings.HasPrefix(id, "week-") {
			tiles[id] = n
		}
	}
	if len(tiles) != 53 { // 2026 has 53 ISO weeks
		t.Fatalf("%d tiles", len(tiles))
	}
	if n := tiles["week-5"]; n.Data != "a" || !strings.Contains(attr(n, "aria-label"), "26-01-2026 – 01-02-2026") ||
		attr(n, "title") != attr(n, "aria-label") || !strings.Contains(attr(n, "class"), "st-open") {
		t.Fatalf("week 5 tile: <%s %v>", n.Data, n.Attr)
	}
	if n := tiles["week-8"]; n.Data == "a" || !strings.Contains(attr(n, "class"), "off") {
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
	h.loginAs(clientActor, "nl")
	res, _ = h.post("/taal", url.Values{"csrf": {h.token("/urenbriefjes")}, "taal": {"en"}, "terug": {"/urenbriefjes?status=open"}})
	if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/urenbriefjes?status=open&na=") {
		t.Fatalf("redirect to %q", loc)
	}
	if !slices.Equal(h.fake.languages, []string{"en"}) {
		t.Fatalf("SetLanguage calls %v", h.fake.languages)
	}
	if _, body := h.get("/"); !strings.Contains(body, "Status overview of the hours") {
		t.Fatal("home not in English for the user")
	}
}

func TestPasswordPages(t *testing.T) {
	h := newHarness(t)
	tok := h.token("/activeren?token=goede-token")
	res, body := h.post("/activeren", url.Values{"csrf": {tok}, "token": {"goede-token"}, "password": {"lang genoeg wachtwoord"}, "password2": {"anders"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "De wachtwoorden zijn niet gelijk.") {
		t.Fatalf("mismatch: %d", res.StatusCode)
	}
	res, body = h.post("/activeren", url.Values{"csrf": {tok}, "token": {"oud"}, "password": {"lang genoeg wachtwoord"}, "password2": {"lang genoeg wachtwoord"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Deze link is verlopen of al gebruikt.") {
		t.Fatalf("bad token: %d\n%s", res.StatusCode, body)
	}
	res, _ = h.post("/activeren", url.Values{"csrf": {tok}, "token": {"goede-token"}, "password": {"lang genoeg wachtwoord"}, "password2": {"lang genoeg wachtwoord"}})
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
}

func TestRegisterWorker(t *testing.T) {
	h := newHarness(t)
	h.loginAs(clientActor, "nl")
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
	form.Set("csrf", h.token("/werknemers/nieuw"))
	res, body = h.post("/werknemers/nieuw", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("register: %d\n%s", res.StatusCode, body)
	}
	if _, body := h.get(res.Header.Get("Location")); !strings.Contains(body, "Sanne Visser") {
		t.Fatal("new worker not listed")
	}
	// Workers cannot register.
	h.loginAs(workerActor, "nl")
	if res, _ := h.get("/werknemers/nieuw"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("worker opens the registration: %d", res.StatusCode)
	}
}

func TestOtherClientsPlacementIsNotFound(t *testing.T) {
	h := newHarness(t)
	h.loginAs(workerActor, "nl")
	res, body := h.get("/plaatsingen/p2/weken/2026-W05")
	if res.StatusCode != http.StatusNotFound || !strings.Contains(body, "niet gevonden") {
		t.Fatalf("status %d", res.StatusCode)
	}
}

func TestCatalogueComplete(t *testing.T) {
	nl, en := keysOf("nl"), keysOf("en")
	for _, k := range nl {
		if _, ok := catalogue["en"][k]; !ok {
			t.Errorf("key %q has no English text", k)
		}
	}
	for _, k := range en {
		if _, ok := catalogue["nl"][k]; !ok {
			t.Errorf("key %q has no Dutch text", k)
		}
	}
	// Every literal key used in templates and code exists.
	used := regexp.MustCompile(`T "([a-z_.0-9]+)"|T\("([a-z_.0-9]+)"|\.Input "[^"]+" "([a-z_.0-9]+)"|newView\(r, "[a-z]*", "([a-z_.0-9]+)"\)`)
	files, _ := filepath.Glob("templates/*.html")
	gofiles, _ := filepath.Glob("*.go")
	for _, f := range append(files, gofiles...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			key := m[1] + m[2] + m[3] + m[4]
			if strings.HasSuffix(key, ".") {
				continue // a prefix completed at run time
			}
			if _, ok := catalogue["nl"][key]; !ok {
				t.Errorf("%s uses unknown key %q", f, key)
			}
		}
	}
}

func TestFormatAndParse(t *testing.T) {
	for m, want := range map[int]string{450: "7,5", 440: "7:20", 0: "0", 480: "8", 465: "7,75"} {
		if got := formatHours("nl", minutes(m)); got != want {
			t.Errorf("formatHours(%d) = %q, want %q", m, got, want)
		}
	}
	for in, want := range map[string]int64{"12,50": 1250, "12.5": 1250, "€ 3": 300, "": 0, ",99": 99} {
		if got, ok := parseEuro(in); !ok || got != want {
			t.Errorf("parseEuro(%q) = %d, %v", in, got, ok)
		}
	}
	for _, bad := range []string{"1,234", "abc", "-1", "+1"} {
		if _, ok := parseEuro(bad); ok {
			t.Errorf("parseEuro(%q) accepted", bad)
		}
	}
}

// TestLoginEndsTheSessionItReplaces: logging in again in a browser that still
// holds a session ends that session on the server.
func TestLoginEndsTheSessionItReplaces(t *testing.T) {
	h := newHarness(t)
	h.loginAs(clientActor, "nl")
	old := ""
	u, _ := url.Parse(h.srv.URL)
	for _, c := range h.c.Jar.Cookies(u) {
		if c.Name == "session" {
			old = c.Value
		}
	}
	if _, err := h.fake.Authenticate(context.Background(), old); err != nil {
		t.Fatalf("the first session is not valid: %v", err)
	}
	tok := h.token("/") // the login form is posted while still logged in
	res, _ := h.post("/inloggen", url.Values{"csrf": {tok}, "email": {"jan@example.nl"}, "password": {"geheim wachtwoord 2"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("second login: %d", res.StatusCode)
	}
	if _, err := h.fake.Authenticate(context.Background(), old); err == nil {
		t.Fatal("the replaced session still works")
	}
}
