package app

import (
	"context"
	"log/slog"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/commands/auth"
	"backoffice/eventstore/postgres"
	"backoffice/internal/pgtest"
	"backoffice/internal/testrun"
	"backoffice/notify/mail"
)

// runTestApp builds the application on a fresh database (template: the
// event store and every table) with cheap password hashing, a file outbox
// and the tests' master key, lets change set what the test is about, and
// runs it until the test ends.
func runTestApp(t *testing.T, template string, change func(*Options)) (*App, *pgxpool.Pool, *postgres.Store) {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.Pool(t, pgtest.NewDBFromTemplate(t, template, pgtest.WithEventStore(Migrate)))
	store := pgtest.EventStore(t, pool)
	outbox, err := mail.NewFileOutbox(t.TempDir(), "portal@bureau.test", nil)
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Pool: pool, Store: store, Log: slog.New(slog.DiscardHandler), MailSender: outbox,
		MasterKey: []byte("0123456789abcdef0123456789abcdef"), PublicURL: "http://localhost",
		Auth: auth.Config{Params: auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}}}
	change(&o)
	a, err := New(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	testrun.Background(t, ctx, a.Run)
	return a, pool, store
}
