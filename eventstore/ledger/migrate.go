package ledger

import (
	"context"
	"embed"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"backoffice/internal/pgmigrate"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// VersionTable is the goose version table of the ledger's tables.
// WARNING: renaming it makes Migrate re-run every migration.
const VersionTable = "goose_ledger"

// migrateLockID keeps concurrent Migrate calls of this package apart.
const migrateLockID int64 = 0x6c65_6467_6572_0001 // "ledger" + 1

// Migrate brings the digest tables up to date. Safe to call concurrently.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	p, err := pgmigrate.Provider(db, migrationFiles, "migrations", VersionTable, migrateLockID)
	if err != nil {
		return fmt.Errorf("ledger: migrate: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("ledger: migrate: %w", err)
	}
	return nil
}
