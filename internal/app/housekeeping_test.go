package app

import (
	"context"
	"flag"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"backoffice/commands"
	"backoffice/commands/auth"
	"backoffice/internal/pgtest"
)

func TestMain(m *testing.M) {
	pgtest.DurableForBenchmarks() // benchmark figures with fsync on
	flag.Parse()
	if f := flag.Lookup("test.bench"); f != nil && f.Value.String() != "" {
		// Benchmarks time the product: no second decode of every cache hit.
		commands.CheckCachedDecodes(false)
	}
	if os.Getenv("BENCH_STATEMENTS") != "" {
		// BenchmarkCommandPath lists the statements of one command.
		pgtest.Settings["shared_preload_libraries"] = "pg_stat_statements"
		// and how often the server planned each again (a custom plan).
		pgtest.Settings["pg_stat_statements.track_planning"] = "on"
	}
	pgtest.Main(m)
}

func TestTidyRemovesOnlyOldIdempotencyKeys(t *testing.T) {
	ctx := context.Background()
	cs := pgtest.NewDBFromTemplate(t, "app", pgtest.WithPool(Migrate))
	pool := pgtest.Pool(t, cs)
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	for key, age := range map[string]time.Duration{"old": 8 * 24 * time.Hour, "recent": time.Hour} {
		if _, err := pool.Exec(ctx, `INSERT INTO idempotency_keys (actor_id, key, request_hash, created_at) VALUES ('a', $1, 'h', $2)`,
			key, now.Add(-age)); err != nil {
			t.Fatal(err)
		}
	}
	a, err := auth.New(pool, auth.Config{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if err := tidy(ctx, pool, a, nil, now); err != nil {
		t.Fatal(err)
	}
	rows, _ := pool.Query(ctx, `SELECT key FROM idempotency_keys ORDER BY key`)
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0] != "recent" {
		t.Fatalf("keys left: %v, want [recent]", keys)
	}
}
