package ledger_test

import (
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/eventstore/ledger"
	"backoffice/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// newDB is a fresh database with the event store and the ledger tables.
func newDB(t testing.TB) (string, *pgxpool.Pool) {
	cs := pgtest.NewDBFromTemplate(t, "ledger", pgtest.WithEventStore(ledger.Migrate))
	return cs, pgtest.Pool(t, cs)
}
