// Package identitytest (under internal/: commands and read models import
// it, and no test kit lives under http/) assembles the identity feature for tests: a fresh
// PostgreSQL database (pgtest), the PostgreSQL event store, the real
// projections runtime, the mail Dispatcher delivering over SMTP to an
// in-process mailtest server, and the JSON API on an httptest.Server.
// Env.History and Env.Recorded read a stream back for a test's assertions
// (decoded, or as stored).
//
// Packages using it need  func TestMain(m *testing.M) { pgtest.Main(m) }.
package identitytest

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/commands"
	"backoffice/commands/auth"
	"backoffice/commands/identity"
	"backoffice/domain"
	"backoffice/eventstore"
	"backoffice/eventstore/postgres"
	"backoffice/http/api"
	"backoffice/http/api/identityapi"
	"backoffice/internal/apitest"
	"backoffice/internal/liveness"
	"backoffice/internal/pgtest"
	"backoffice/internal/schema"
	"backoffice/notify/linkmail"
	"backoffice/notify/mail"
	"backoffice/notify/mail/mailtest"
	"backoffice/notify/queue"
	"backoffice/notify/reactors"
	"backoffice/projections"
	rm "backoffice/readmodel/identity"
)

// FastParams keep argon2 cheap in tests.
var FastParams = auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// Backoffice credentials of the bootstrapped user.
const (
	BackofficeEmail    = "beheer@bureau.test"
	BackofficePassword = "beheer-wachtwoord-1"
)

// Env is a running identity feature.
type Env struct {
	URL        string // base URL of the API, e.g. http://127.0.0.1:1234/api/v1
	Pool       *pgxpool.Pool
	Store      *postgres.Store
	Auth       *auth.Service
	Identity   *identity.Handlers
	LinkMails  *linkmail.Requests
	Queries    *rm.Queries
	Runtime    *projections.Runtime
	Dispatcher *mail.Dispatcher
	SMTP       *mailtest.Server
	Handler    http.Handler
}

// NewDB returns a pool on a fresh, fully migrated database.
func NewDB(t testing.TB) *pgxpool.Pool {
	t.Helper()
	return pgtest.Pool(t, pgtest.NewDBFromTemplate(t, "identity-all", schema.Migrate))
}

// New starts everything; it stops at the end of the test.
func New(t testing.TB) *Env {
	t.Helper()
	ctx := context.Background()
	pool := NewDB(t)
	log := slog.New(slog.DiscardHandler)
	store, err := postgres.New(ctx, pool, postgres.Options{AllowUnsafeFsync: true, PollInterval: 20 * time.Millisecond})
	must(t, err)
	t.Cleanup(func() { _ = store.Close() })
	authSvc, err := auth.New(pool, auth.Config{Params: FastParams})
	must(t, err)
	smtpSrv := mailtest.New(t)
	sender, err := mail.NewSMTPSender(mail.SMTPConfig{URL: smtpSrv.URL(), From: "Backofficebureau <noreply@bureau.test>"})
	must(t, err)
	// One liveness lock for the API's claims and the queues, as the app
	// holds it (internal/app).
	live := liveness.Start(pool, api.ClaimLockClass, queue.LeaseLockClass)
	disp, err := mail.NewDispatcher(mail.DispatcherConfig{Pool: pool, Sender: sender, PollInterval: 10 * time.Millisecond,
		Backoff: mail.ExponentialBackoff(10*time.Millisecond, 200*time.Millisecond), Logger: log, Liveness: live})
	must(t, err)
	disp.CheckRecipients(authSvc.TakesMail)
	key := make([]byte, identity.MasterKeySize)
	_, _ = rand.Read(key)
	vault, err := identity.NewVault(pool, key)
	must(t, err)
	svc, err := identity.New(identity.Config{Store: store, Pool: pool, Auth: authSvc, Vault: vault, Log: log})
	must(t, err)
	links := linkmail.PortalLinks("https://portal.bureau.test")
	linkMails, err := linkmail.New(linkmail.Config{Pool: pool, Auth: authSvc, Mail: disp, Links: links, Names: reactors.RecipientName, Log: log})
	must(t, err)
	mailer, err := reactors.NewActivationMailer(authSvc, pool, disp, links, nil, log)
	must(t, err)
	// LazyCheckpoint short: a projector of another runtime that depends on
	// one of these (documenttest's sign mailer on the activation mailer)
	// follows it through its stored checkpoint, which the default leaves
	// up to a second behind the events it does not handle.
	rt, err := projections.New(projections.Config{Store: store, Pool: pool, Logger: log,
		Projectors: append(rm.Projectors(), mailer),
		LockRetry:  20 * time.Millisecond, RetryMin: time.Millisecond, RetryMax: 50 * time.Millisecond,
		WaitTimeout: 60 * time.Second, LazyCheckpoint: 10 * time.Millisecond})
	must(t, err)
	queries := rm.NewQueries(pool, nil)
	authn, err := identityapi.NewAuthenticator(authSvc, nil)
	must(t, err)
	feature, err := identityapi.New(identityapi.Deps{Identity: svc, LinkMails: linkMails, Auth: authSvc, Queries: queries, Ledger: store})
	must(t, err)
	apiSrv, err := api.New(api.Deps{Log: log, Pool: pool, Auth: authn, Wait: rt, WaitTimeout: 60 * time.Second,
		Features: []api.Feature{feature}, Liveness: live})
	must(t, err)

	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	go func() { _ = rt.Run(runCtx); done <- struct{}{} }()
	go func() { _ = disp.Run(runCtx); done <- struct{}{} }()
	hs := httptest.NewServer(apiSrv)
	t.Cleanup(func() {
		hs.Close()
		cancel()
		<-done
		<-done
	})
	_, _, err = svc.Activation.BootstrapBackoffice(ctx, BackofficeEmail, BackofficePassword)
	must(t, err)
	return &Env{URL: hs.URL + "/api/v1", Pool: pool, Store: store, Auth: authSvc, Identity: svc, LinkMails: linkMails, Queries: queries,
		Runtime: rt, Dispatcher: disp, SMTP: smtpSrv, Handler: apiSrv}
}

// History decodes the whole stream name with reg, checking its hash chain
// as a command's load does: the events a test expects in the ledger.
func (e *Env) History(t testing.TB, name string, reg *domain.Registry) []domain.Event {
	t.Helper()
	var out []domain.Event
	_, err := commands.Load(context.Background(), e.Store, name, reg, func(ev domain.Event) { out = append(out, ev) })
	must(t, err)
	return out
}

// Recorded reads the whole stream name as stored; given types, only its
// events of those types.
func (e *Env) Recorded(t testing.TB, name string, types ...string) []eventstore.RecordedEvent {
	t.Helper()
	return apitest.Recorded(t, e.Store, name, types...)
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Response is an API answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a generic map.
func (r Response) JSON(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("response %d is not a JSON object: %v\n%s", r.Status, err, r.Body)
	}
	return m
}

// Str returns a string field of a JSON object body ("" when absent).
func (r Response) Str(t testing.TB, key string) string {
	t.Helper()
	s, _ := r.JSON(t)[key].(string)
	return s
}

// ErrorField returns the error code and field of an error body.
func (r Response) ErrorField(t testing.TB) (code, field string) {
	t.Helper()
	e, _ := r.JSON(t)["error"].(map[string]any)
	code, _ = e["code"].(string)
	field, _ = e["field"].(string)
	return code, field
}

// Do sends a request with an optional bearer token and JSON body (a
// string or []byte is sent as is).
func (e *Env) Do(t testing.TB, method, path, token string, body any) Response {
	t.Helper()
	var header []string
	if token != "" {
		header = []string{"Authorization", "Bearer " + token}
	}
	return Response(apitest.Request(t, method, e.URL+path, body, header...))
}

// Want fails the test unless the response has the status.
func Want(t testing.TB, r Response, status int) Response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	return r
}

// Login returns a session token.
func (e *Env) Login(t testing.TB, email, password string) string {
	t.Helper()
	r := Want(t, e.Do(t, http.MethodPost, "/session", "", map[string]string{"email": email, "password": password}), http.StatusCreated)
	return r.Str(t, "token")
}

var linkToken = regexp.MustCompile(`token=([A-Za-z0-9_%-]+)`)

// WaitForProjections waits until every projector has passed the last event
// committed so far (CommittedHead, not the head readers may see yet): a
// query after it sees every earlier command's rows.
func (e *Env) WaitForProjections(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	head, err := e.Store.CommittedHead(ctx)
	if err == nil {
		err = e.Runtime.WaitFor(ctx, head)
	}
	if err != nil {
		t.Fatalf("projections: %v", err)
	}
}

// WaitForMail waits (bounded by a generous deadline that only catches
// hangs) for the n-th message to the address (n from 1) and returns it.
func (e *Env) WaitForMail(t testing.TB, to string, n int) mailtest.Received {
	t.Helper()
	return e.MailWith(t, to, n, func(mailtest.Received) bool { return true })
}

// MailWith waits like WaitForMail for the n-th mail to the address that
// match accepts.
func (e *Env) MailWith(t testing.TB, to string, n int, match func(mailtest.Received) bool) mailtest.Received {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	seen := 0
	m, err := e.SMTP.WaitFor(ctx, func(m mailtest.Received) bool {
		for _, a := range append(m.Rcpt, m.To...) {
			if strings.EqualFold(a, to) && match(m) {
				seen++
				return seen >= n
			}
		}
		return false
	})
	if err != nil {
		t.Fatalf("no mail %d to %s: %v", n, to, err)
	}
	return m
}

// LinkToken extracts the token of the link in a mail.
func LinkToken(t testing.TB, m mailtest.Received) string {
	t.Helper()
	got := linkToken.FindStringSubmatch(m.Text)
	if got == nil {
		t.Fatalf("no link with a token in mail %q", m.Subject)
	}
	return got[1]
}
