package postgres_test

import (
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
