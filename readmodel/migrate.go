// Package readmodel owns the PostgreSQL schema of the read models and the
// application tables (accounts' credentials, sessions, idempotency keys), and
// the typed queries the HTTP layer uses. Every query takes the caller's
// scope, so a client can never read another client's rows.
package readmodel

import (
	"context"
	"database/sql"
	"embed"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
)

// Migration files are numbered by area so parallel work does not collide:
// 0001-0099 core, 0100-0199 credentials and sessions, 0200-0299 tenants,
// workers and placements, 0300-0399 timesheets, 0400-0499 the payroll feed,
// 0500-0599 documents.
//
//go:embed migrations/*.sql
var migrations embed.FS

// versionTable keeps our migrations apart from the event store's.
const versionTable = "goose_readmodel"

// Migrate brings the schema up to date. It is safe to run from several
// processes at once: goose takes a session lock.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	return migrateDB(ctx, db)
}

func migrateDB(ctx context.Context, db *sql.DB) error {
	p, err := goose.NewProvider(goose.DialectPostgres, db, mustSub(migrations, "migrations"),
		goose.WithTableName(versionTable), goose.WithAllowOutofOrder(true))
	if err != nil {
		return fmt.Errorf("readmodel: prepare migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("readmodel: migrate: %w", err)
	}
	return nil
}
