package e2e_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"backoffice/domain/timesheet"
	"backoffice/internal/apitest"
	"backoffice/internal/app"
	"backoffice/internal/apptest"
	"backoffice/internal/demo"
	"backoffice/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// now is the application's fixed clock: Monday 9 February 2026 09:00 in
// Amsterdam (ISO week 7). The demo workers started on 15, 22 and 29
// December 2025, so weeks 1 to 7 of 2026 can be filled in, week 8 not yet,
// and week 6 is not late yet (entry before Tuesday 10 February).
var now = time.Date(2026, 2, 9, 9, 0, 0, 0, timesheet.Location())

// Demo placements and logins used by the tests (internal/demo).
const (
	janPlacement    = "demo-placement-01" // Jan van der Berg at the bakery: time registration, worker enters, client then intermediary approve
	fatimaPlacement = "demo-placement-02" // Fatima El Amrani at the bakery
	daanPlacement   = "demo-placement-07" // Daan Mulder at the garden centre: client enters, intermediary approves

	janEmail     = "jan.berg@example.nl"
	fatimaEmail  = "fatima.elamrani@example.nl"
	daanEmail    = "daan.mulder@example.nl"
	keesEmail    = "kees@korenschoof.example.nl"   // client: the bakery
	mariekeEmail = "marieke@groeneblad.example.nl" // client: the garden centre
	annaEmail    = "anna@flexwerk.example.nl"      // intermediary of both
)

// env is the running application with the demo data (internal/apptest).
type env = apptest.Env

// newEnv builds the application with app.New on a fresh database, runs it
// in the background, seeds the demo data and waits until every projector
// has passed the seed (read models complete before the first page).
func newEnv(t *testing.T) *env {
	t.Helper()
	return apptest.New(t, apptest.Options{Now: now, Demo: true, Change: func(o *app.Options) {
		// The test client plays the TLS proxy: X-Forwarded-For names the user.
		o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	}})
}

// --- a plain HTTP portal user (no browser) ---

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// httpUser is a logged-in portal session over plain HTTP.
type httpUser struct {
	t      *testing.T
	base   string
	client *http.Client
	csrf   string
}

// login logs in through the portal's form, like a browser without
// JavaScript would.
func login(e *env, t *testing.T, email string) *httpUser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	u := &httpUser{t: t, base: e.URL, client: &http.Client{Jar: jar}}
	_, body := u.get("/inloggen")
	u.csrf = csrfOf(t, body)
	status, body := u.post("/inloggen", url.Values{"email": {email}, "password": {demo.Password}})
	if status != http.StatusOK || !strings.Contains(body, `action="/uitloggen"`) {
		t.Fatalf("login %s: %d\n%s", email, status, body)
	}
	u.csrf = csrfOf(t, body) // the token is bound to the session now
	return u
}

func csrfOf(t *testing.T, body string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token in\n%s", body)
	}
	return m[1]
}

func (u *httpUser) do(req *http.Request) (int, string) {
	u.t.Helper()
	res, b := apitest.RoundTrip(u.t, u.client, req)
	return res.StatusCode, string(b)
}

func (u *httpUser) get(path string) (int, string) {
	u.t.Helper()
	req, err := http.NewRequest(http.MethodGet, u.base+path, nil)
	if err != nil {
		u.t.Fatal(err)
	}
	return u.do(req)
}

// post submits a form with the session's CSRF token (following the
// redirect to the page that waits for the write).
func (u *httpUser) post(path string, form url.Values) (int, string) {
	u.t.Helper()
	form.Set("csrf", u.csrf)
	req, err := http.NewRequest(http.MethodPost, u.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		u.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return u.do(req)
}
