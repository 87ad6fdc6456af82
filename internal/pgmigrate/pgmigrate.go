// Package pgmigrate builds the goose provider of one owner's embedded
// migrations, the way every owner of tables migrates: PostgreSQL, the
// owner's own version table, a session lock with the owner's own ID (so
// instances starting at once migrate one after another, and owners do not
// wait for each other) and no global registry of Go migrations.
package pgmigrate

import (
	"database/sql"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// Provider returns the provider of the migrations in the directory dir of
// files (e.g. an embed.FS and "migrations"), recorded in table and run
// under the advisory lock lockID. opts add to the house options (Go
// migrations, out-of-order runs).
func Provider(db *sql.DB, files fs.FS, dir, table string, lockID int64, opts ...goose.ProviderOption) (*goose.Provider, error) {
	sub, err := fs.Sub(files, dir)
	if err != nil {
		return nil, fmt.Errorf("pgmigrate: %w", err)
	}
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(lockID))
	if err != nil {
		return nil, fmt.Errorf("pgmigrate: %w", err)
	}
	house := []goose.ProviderOption{
		goose.WithTableName(table),
		goose.WithSessionLocker(locker),
		goose.WithDisableGlobalRegistry(true),
	}
	return goose.NewProvider(goose.DialectPostgres, db, sub, append(house, opts...)...)
}
