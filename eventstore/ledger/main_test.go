package ledger_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/eventstore/ledger"
	"backoffice/eventstore/postgres"
	"backoffice/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// newDB is a fresh database with the event store and the ledger tables.
func newDB(t testing.TB) (string, *pgxpool.Pool) {
	cs := pgtest.NewDBFromTemplate(t, "ledger", func(ctx context.Context, cs string) error {
		if err := postgres.Migrate(ctx, cs); err != nil {
			return err
		}
		pool, err := pgxpool.New(ctx, cs)
		if err != nil {
			return err
		}
		defer pool.Close()
		return ledger.Migrate(ctx, pool)
	})
	return cs, pgtest.Pool(t, cs)
}
