package e2e_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/commands/auth"
	"backoffice/domain/timesheet"
	"backoffice/eventstore"
	"backoffice/eventstore/postgres"
	"backoffice/internal/app"
	"backoffice/internal/demo"
	"backoffice/internal/pgtest"
	"backoffice/notify/mail"
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

// fastArgon keeps password hashing cheap in tests.
var fastArgon = auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func migrate(ctx context.Context, cs string) error {
	if err := postgres.Migrate(ctx, cs); err != nil {
		return err
	}
	pool, err := pgxpool.New(ctx, cs)
	if err != nil {
		return err
	}
	defer pool.Close()
	return app.Migrate(ctx, pool)
}

// env is the running application.
type env struct {
	URL    string
	App    *app.App
	Outbox *mail.FileOutbox // every mail the application sent
}

// newEnv builds the application with app.New on a fresh database, runs it
// in the background, seeds the demo data and waits until every projector
// has passed the seed (read models complete before the first page).
func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.Pool(t, pgtest.NewDBFromTemplate(t, "app", migrate))
	store, err := postgres.New(ctx, pool, postgres.Options{AllowUnsafeFsync: true})
	if err != nil {
		t.Fatal(err)
	}
	outbox, err := mail.NewFileOutbox(t.TempDir(), "portal@bureau.test", nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	a, err := app.New(ctx, app.Options{
		Pool: pool, Store: store, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Clock: func() time.Time { return now }, MasterKey: []byte("0123456789abcdef0123456789abcdef"),
		PublicURL: base, MailSender: outbox, Outbox: outbox, Demo: true,
		Auth: auth.Config{Params: fastArgon},
		// The test client plays the TLS proxy: X-Forwarded-For names the user.
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")},
	})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil && runCtx.Err() == nil {
			t.Errorf("app.Run: %v", err)
		}
	})
	srv.Config.Handler = a.Handler
	srv.Start()
	t.Cleanup(srv.Close)

	if _, err := demo.Seed(ctx, a.Identity, now, nil); err != nil {
		t.Fatal(err)
	}
	if err := demo.SeedDocuments(ctx, a.Documents, a.Identity, now); err != nil {
		t.Fatal(err)
	}
	// The last event the seed wrote. Not HeadPosition: that is the last
	// event readers may see yet, and a projector's transaction begun during
	// the seed keeps later commits out of sight until it ends, so waiting
	// for it could return before the read models hold the whole seed.
	var head eventstore.Position
	if err := pool.QueryRow(ctx, `SELECT xid::text::bigint, seq FROM eventstore_events ORDER BY xid DESC, seq DESC LIMIT 1`).
		Scan(&head.Commit, &head.Prepare); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := a.Projections.WaitFor(wctx, head); err != nil {
		t.Fatalf("projections after the seed: %v", err)
	}
	return &env{URL: base, App: a, Outbox: outbox}
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
func (e *env) login(t *testing.T, email string) *httpUser {
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
	res, err := u.client.Do(req)
	if err != nil {
		u.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		u.t.Fatal(err)
	}
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
