package pgtest

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

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
