package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"backoffice/eventstore"
)

// AppendInTx runs the append statement inside tx, so a test can hold an
// append's transaction open.
func AppendInTx(ctx context.Context, tx pgx.Tx, stream string, expected eventstore.ExpectedRevision, events ...eventstore.EventData) (ok bool, err error) {
	args, err := appendArgs(stream, expected, events)
	if err != nil {
		return false, err
	}
	var out appendOutcome
	var xid *uint64
	var seq, rev *int64
	err = tx.QueryRow(ctx, appendSQL, args...).Scan(&out.cur, &out.dups, &out.ok, &xid, &seq, &rev)
	return out.ok, err
}
