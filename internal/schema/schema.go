// Package schema migrates every schema of the application in one database:
// the PostgreSQL event store, the read models, the ledger's digests and
// the projections' checkpoints. Test kits use it as the template function of
// pgtest.NewDBFromTemplate.
package schema

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/eventstore/ledger"
	"backoffice/eventstore/postgres"
	"backoffice/projections"
	"backoffice/readmodel"
)

// Migrate brings the database at cs up to date.
func Migrate(ctx context.Context, cs string) error { return MigrateThen(nil)(ctx, cs) }

// MigrateThen is Migrate followed by then, when not nil, on a pool of the
// migrated database: the template function of a test kit that seeds.
func MigrateThen(then func(ctx context.Context, pool *pgxpool.Pool) error) func(ctx context.Context, cs string) error {
	return func(ctx context.Context, cs string) error {
		if err := postgres.Migrate(ctx, cs); err != nil {
			return err
		}
		pool, err := pgxpool.New(ctx, cs)
		if err != nil {
			return err
		}
		defer pool.Close()
		if err := MigrateTables(ctx, pool); err != nil || then == nil {
			return err
		}
		return then(ctx, pool)
	}
}

// MigrateTables brings the schemas beside the event store up to date: the
// read models, the ledger's digests and the projections' checkpoints. It is
// app.Migrate, so a test database and a served one have the same tables.
func MigrateTables(ctx context.Context, pool *pgxpool.Pool) error {
	if err := readmodel.Migrate(ctx, pool); err != nil {
		return err
	}
	if err := ledger.Migrate(ctx, pool); err != nil {
		return err
	}
	return projections.Migrate(ctx, pool)
}
