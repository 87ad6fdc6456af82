package postgres

import (
	"context"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5/pgxpool"
)

// AfterRestore makes the events of a restored dump visible and keeps new
// ones after them (cmd/backoffice restore calls it). An event's position
// is the ID of the transaction that wrote it, and readers only see events
// of transactions older than every open one (read.go). A dump keeps those
// IDs, but a new cluster counts its own from a few hundred: until its
// counter passes the highest restored one, no event is visible (verify
// counts 0, the projectors see nothing) and a new append would take a
// position before the restored history. So use up transaction IDs, one
// small committed transaction each, until the counter is past the
// restored events; progress gets one line saying how many.
func AfterRestore(ctx context.Context, pool *pgxpool.Pool, progress io.Writer) error {
	var missing int64
	if err := pool.QueryRow(ctx, `SELECT COALESCE((SELECT max(xid) FROM eventstore_events)::text::numeric
		- pg_current_xact_id()::text::numeric + 1, 0)::bigint`).Scan(&missing); err != nil {
		return fmt.Errorf("eventstore/postgres: restore: compare transaction IDs: %w", err)
	}
	if missing <= 0 {
		return nil
	}
	fmt.Fprintf(progress, "advancing the transaction counter by %d so the restored events are visible\n", missing)
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	// A DO block may commit between iterations (outside a transaction
	// block); no need to wait for each commit's flush.
	if _, err := conn.Exec(ctx, `SET synchronous_commit = off`); err != nil {
		return err
	}
	_, err = conn.Exec(ctx, fmt.Sprintf(`DO $$
BEGIN
	FOR i IN 1..%d LOOP
		PERFORM pg_current_xact_id();
		COMMIT;
	END LOOP;
END $$`, missing))
	if err != nil {
		return fmt.Errorf("eventstore/postgres: restore: advance the transaction counter: %w", err)
	}
	return nil
}
