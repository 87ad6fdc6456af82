package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"backoffice/eventstore"
)

// AppendInTx takes the stream lock and runs the append statement inside tx,
// so a test can hold an append's transaction open.
func AppendInTx(ctx context.Context, tx pgx.Tx, stream string, expected eventstore.ExpectedRevision, events ...eventstore.EventData) (ok bool, err error) {
	stmt, err := newAppendStmt(stream, expected, events)
	if err != nil {
		return false, err
	}
	if _, err := tx.Exec(ctx, lockSQL, lockClass, stream); err != nil {
		return false, err
	}
	out, err := scanAppended(tx.Query(ctx, stmt.sql, stmt.args...))
	return out.ok, err
}

// GoMigrations is the number of migrations written in Go (the back-fill).
const GoMigrations = 1

// MigrateTo migrates the event store schema up to version upTo only, so a
// test can store events as an older version did.
func MigrateTo(ctx context.Context, connString string, upTo int64) error {
	return migrate(ctx, connString, upTo)
}
