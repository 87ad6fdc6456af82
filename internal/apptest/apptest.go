// Package apptest builds the whole application for tests the way `backoffice
// serve` builds it (app.New): a fresh PostgreSQL database (pgtest), the
// PostgreSQL event store, every projector running in the background, a file
// mail outbox, a fixed clock, and the portal and API on an httptest.Server.
//
// Packages using it need  func TestMain(m *testing.M) { pgtest.Main(m) }.
package apptest

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/commands/auth"
	"backoffice/eventstore"
	"backoffice/eventstore/postgres"
	"backoffice/internal/app"
	"backoffice/internal/demo"
	"backoffice/internal/pgtest"
	"backoffice/internal/schema"
	"backoffice/internal/testclock"
	"backoffice/internal/testrun"
	"backoffice/notify/mail"
)

// FastArgon keeps password hashing cheap in tests.
var FastArgon = auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// MasterKey is the tests' key for personal data (32 bytes).
var MasterKey = []byte("0123456789abcdef0123456789abcdef")

// Options change the application a test gets.
type Options struct {
	// Now is the start value of the application's clock (required).
	Now time.Time
	// Demo seeds the demo data (internal/demo: people, placements and
	// documents) and waits until every read model holds it.
	Demo bool
	// DemoPayroll, with Demo, also seeds the demo's payroll set-up and the
	// bakery's approved weeks (demo.SeedPayroll), as make run does.
	DemoPayroll bool
	// Change, when set, edits the app.Options before app.New.
	Change func(*app.Options)
	// DB, when set, is the database to run on (a test's copy of a seeded
	// template, pgtest.NewDBFromTemplate) instead of a fresh migrated one.
	DB string
	// OutboxFiles are written into the new outbox before the application
	// starts: the mails sent while the template in DB was seeded
	// (Env.OutboxFiles).
	OutboxFiles map[string][]byte
}

// Env is a running application.
type Env struct {
	URL    string
	App    *app.App
	Pool   *pgxpool.Pool
	Store  eventstore.Store
	Outbox *mail.FileOutbox // every mail the application sent
	Clock  *Clock
}

// Clock is the application's clock: fixed, moved only by the test.
type Clock = testclock.Clock

// Migrate creates every schema of the application in the database at cs;
// it is the template function of pgtest.NewDBFromTemplate.
func Migrate(ctx context.Context, cs string) error { return schema.Migrate(ctx, cs) }

// New builds the application with app.New on a fresh database and runs it
// until the test ends.
func New(t testing.TB, o Options) *Env {
	t.Helper()
	if o.Now.IsZero() {
		t.Fatal("apptest: Options.Now is required")
	}
	ctx := context.Background()
	cs := o.DB
	if cs == "" {
		cs = pgtest.NewDBFromTemplate(t, "app", Migrate)
	}
	pool := pgtest.Pool(t, cs)
	store, err := postgres.New(ctx, pool, postgres.Options{AllowUnsafeFsync: true})
	if err != nil {
		t.Fatal(err)
	}
	outbox, err := mail.NewFileOutbox(t.TempDir(), "portal@bureau.test", nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range o.OutboxFiles {
		if err := os.WriteFile(filepath.Join(outbox.Dir(), name), content, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	clock := testclock.New(o.Now)
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	ao := app.Options{
		Pool: pool, Store: store, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Clock: clock.Now, MasterKey: MasterKey,
		PublicURL: base, MailSender: outbox, Outbox: outbox, Demo: true, EventsInPool: true, // as serve with the PostgreSQL event store
		Auth: auth.Config{Params: FastArgon},
		// The read-your-writes wait of a page or query after a write: the
		// 3 s/5 s of serve run out on a loaded CI machine under -race, and
		// a page then renders stale with the "nog bijgewerkt" notice (or a
		// query answers 504) although nothing is wrong. A test of the lag
		// itself sets its own (Change).
		WaitTimeout: time.Minute,
	}
	if o.Change != nil {
		o.Change(&ao)
	}
	a, err := app.New(ctx, ao)
	if err != nil {
		t.Fatal(err)
	}
	testrun.Background(t, ctx, a.Run)
	srv.Config.Handler = a.Handler
	srv.Start()
	t.Cleanup(srv.Close)
	e := &Env{URL: base, App: a, Pool: pool, Store: store, Outbox: outbox, Clock: clock}
	if o.Demo {
		if _, err := demo.Seed(ctx, a.Identity, o.Now, nil); err != nil {
			t.Fatal(err)
		}
		if err := demo.SeedDocuments(ctx, a.Documents, a.Identity, o.Now); err != nil {
			t.Fatal(err)
		}
		if o.DemoPayroll {
			if err := demo.SeedPayroll(ctx, a.Payroll, a.Timesheets, a.Identity, store, o.Now); err != nil {
				t.Fatal(err)
			}
		}
		e.WaitForProjections(t)
	}
	return e
}

// OutboxFiles are the mails in the outbox now, by file name, once no mail
// is waiting to be sent (or after 20 s): what a copy of this application's
// database needs in its outbox (Options.OutboxFiles).
func (e *Env) OutboxFiles(t testing.TB) map[string][]byte {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		pending, err := mail.Pending(context.Background(), e.Pool)
		if err != nil {
			t.Fatal(err)
		}
		if pending == 0 {
			break
		}
	}
	entries, err := os.ReadDir(e.Outbox.Dir())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, de := range entries {
		b, err := os.ReadFile(filepath.Join(e.Outbox.Dir(), de.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[de.Name()] = b
	}
	return out
}

// WaitForProjections waits until every projector has passed the last
// event written so far. Not HeadPosition: that is the last event readers
// may see yet, and a projector's transaction begun during the writes keeps
// later commits out of sight until it ends, so waiting for it could return
// before the read models hold everything.
func (e *Env) WaitForProjections(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	var head eventstore.Position
	if err := e.Pool.QueryRow(ctx, `SELECT xid::text::bigint, seq FROM eventstore_events ORDER BY xid DESC, seq DESC LIMIT 1`).
		Scan(&head.Commit, &head.Prepare); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := e.App.Projections.WaitFor(wctx, head); err != nil {
		t.Fatalf("projections: %v", err)
	}
}

// Mail waits for the first mail to `to` whose subject contains subject (the
// mail projectors and the delivery queue run in the background) and returns
// its text.
func (e *Env) Mail(t testing.TB, to, subject string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		items, err := e.Outbox.List(100)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if it.To != to || !strings.Contains(it.Subject, subject) {
				continue
			}
			full, err := e.Outbox.Read(it.ID)
			if err != nil {
				t.Fatal(err)
			}
			return full.Text
		}
		if time.Now().After(deadline) {
			t.Fatalf("apptest: no mail to %s about %q in the outbox", to, subject)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
