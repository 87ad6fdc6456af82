package postgres_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/eventstore/postgres"
	"backoffice/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// newDB is a fresh, empty database.
func newDB(t testing.TB) string { return pgtest.NewDB(t) }

// newMigratedDB is a fresh database with the event store schema.
func newMigratedDB(t testing.TB) string {
	return pgtest.NewDBFromTemplate(t, "eventstore", postgres.Migrate)
}

func newPool(t testing.TB, cs string) *pgxpool.Pool { return pgtest.Pool(t, cs) }

// openStore opens a store on pool, closed when the test ends. The test
// cluster runs with fsync=off, hence AllowUnsafeFsync.
func openStore(t testing.TB, pool *pgxpool.Pool, opts postgres.Options) *postgres.Store {
	t.Helper()
	opts.AllowUnsafeFsync = true
	s, err := postgres.New(context.Background(), pool, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
