package postgres

import (
	"context"
	"embed"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"backoffice/internal/pgmigrate"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// VersionTable is the goose version table of the event store schema. It is
// separate from the read-model migrations' table so both can live in one
// database.
// WARNING: renaming it makes Migrate re-run every migration.
const VersionTable = "goose_eventstore"

// migrateLockID is the advisory lock held while migrating, so several
// instances starting at once migrate one after another. It differs from
// goose's default so read-model migrations do not wait for ours.
const migrateLockID int64 = 0x6576_656e_7473_0001 // "events" + 1

// Migrate brings the event store schema in the database at connString up to
// date. It is safe to call from several processes at once.
func Migrate(ctx context.Context, connString string) error {
	return migrate(ctx, connString, 0)
}

// migrate migrates up to version upTo, or all the way when it is 0.
func migrate(ctx context.Context, connString string, upTo int64) error {
	cfg, err := pgx.ParseConfig(connString)
	if err != nil {
		return fmt.Errorf("eventstore/postgres: migrate: %w", err)
	}
	db := stdlib.OpenDB(*cfg)
	defer db.Close()
	p, err := pgmigrate.Provider(db, migrationFiles, "migrations", VersionTable, migrateLockID,
		goose.WithGoMigrations(backfillMigration))
	if err != nil {
		return fmt.Errorf("eventstore/postgres: migrate: %w", err)
	}
	up := p.Up
	if upTo > 0 {
		up = func(ctx context.Context) ([]*goose.MigrationResult, error) { return p.UpTo(ctx, upTo) }
	}
	if _, err := up(ctx); err != nil {
		return fmt.Errorf("eventstore/postgres: migrate: %w", err)
	}
	return nil
}
