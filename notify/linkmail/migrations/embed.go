// Package migrations holds the goose migrations of the tables that
// backoffice/notify/linkmail owns; only that package writes them.
// readmodel.Migrate runs them with their own version table (readmodel.Sets).
package migrations

import "embed"

// FS holds the migration files.
//
//go:embed *.sql
var FS embed.FS
