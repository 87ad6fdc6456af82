package api_test

import (
	"context"
	"testing"
	"time"

	"backoffice/http/api"
	"backoffice/internal/apitest"
	"backoffice/internal/pgtest"
)

// TestPurgeDeletesInShortStatements: the hourly purge of old idempotency
// keys deletes them in statements of at most 1,000 keys (each statement
// holds a transaction ID, which holds back every reader of the PostgreSQL
// event store while it runs), keeps the young ones and deletes every old
// one. A statement-level trigger counts the rows of each statement.
func TestPurgeDeletesInShortStatements(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t, pgtest.NewDBFromTemplate(t, "api", apitest.Migrate))
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	old, young := now.Add(-api.IdempotencyRetention-time.Hour), now.Add(-time.Hour)
	if _, err := pool.Exec(ctx, `
		INSERT INTO idempotency_keys (actor_id, key, request_hash, created_at)
		SELECT 'a' || (i % 7), 'k' || i, 'h', CASE WHEN i <= 2500 THEN $1::timestamptz ELSE $2::timestamptz END
		FROM generate_series(1, 2600) AS i`, old, young); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `
		CREATE TABLE purge_statements (deleted bigint NOT NULL);
		CREATE FUNCTION count_purge() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN INSERT INTO purge_statements SELECT count(*) FROM gone; RETURN NULL; END $$;
		CREATE TRIGGER count_purge AFTER DELETE ON idempotency_keys
		REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION count_purge();`); err != nil {
		t.Fatal(err)
	}
	if err := api.PurgeIdempotencyKeys(ctx, pool, now); err != nil {
		t.Fatal(err)
	}
	var left, oldLeft int
	if err := pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE created_at < $1) FROM idempotency_keys`,
		now.Add(-api.IdempotencyRetention)).Scan(&left, &oldLeft); err != nil {
		t.Fatal(err)
	}
	if left != 100 || oldLeft != 0 {
		t.Fatalf("%d keys left, %d of them old; want the 100 young ones", left, oldLeft)
	}
	var statements, largest, total int
	if err := pool.QueryRow(ctx, `SELECT count(*), coalesce(max(deleted), 0), coalesce(sum(deleted), 0) FROM purge_statements`).
		Scan(&statements, &largest, &total); err != nil {
		t.Fatal(err)
	}
	if largest > 1000 || total != 2500 {
		t.Fatalf("%d statements deleted %d keys, the largest %d; want at most 1000 each", statements, total, largest)
	}
}
