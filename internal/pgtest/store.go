package pgtest

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/eventstore"
	"backoffice/eventstore/postgres"
)

// EventStore opens the PostgreSQL event store on pool (whose database the
// test migrated) and closes it when the test ends, before the pool. It
// allows the test cluster's fsync=off (see the package doc).
func EventStore(t testing.TB, pool *pgxpool.Pool) *postgres.Store {
	t.Helper()
	store, err := postgres.New(context.Background(), pool, postgres.Options{AllowUnsafeFsync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	return store
}

// AwaitReadable waits (about five seconds at most) until reading the log
// from its start returns n events, and fails the test when it never does:
// an append is readable only once every earlier position has committed,
// and readers such as the ledger digest read that way.
func AwaitReadable(t testing.TB, store eventstore.Store, n int) {
	t.Helper()
	for range 500 {
		if evs, _ := store.ReadAll(context.Background(), eventstore.Start, n+1); len(evs) == n {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("the log never showed %d events", n)
}

// WithPool is a template setup for NewDBFromTemplate: migrate (a package's
// own tables) on a pool of the template database.
func WithPool(migrate func(context.Context, *pgxpool.Pool) error) func(context.Context, string) error {
	return func(ctx context.Context, cs string) error {
		pool, err := pgxpool.New(ctx, cs)
		if err != nil {
			return err
		}
		defer pool.Close()
		return migrate(ctx, pool)
	}
}

// WithEventStore is WithPool after the event store's schema.
func WithEventStore(migrate func(context.Context, *pgxpool.Pool) error) func(context.Context, string) error {
	withPool := WithPool(migrate)
	return func(ctx context.Context, cs string) error {
		if err := postgres.Migrate(ctx, cs); err != nil {
			return err
		}
		return withPool(ctx, cs)
	}
}
