package main

import (
	"context"
	"io"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/eventstore/postgres"
	"backoffice/internal/pgtest"
)

// testEnv is the environment of a command run on a fresh database of the
// test cluster (which runs with fsync=off) with its own data directory,
// plus the extra name, value pairs; getenv reads it.
func testEnv(t *testing.T, cs string, extra ...string) (env map[string]string, getenv func(string) string) {
	t.Helper()
	env = map[string]string{
		"BACKOFFICE_DATABASE_URL":       cs,
		"BACKOFFICE_ALLOW_UNSAFE_FSYNC": "true",
		"BACKOFFICE_DATA_DIR":           t.TempDir(),
	}
	for i := 0; i+1 < len(extra); i += 2 {
		env[extra[i]] = extra[i+1]
	}
	return env, func(k string) string { return env[k] }
}

// migrated is a fresh database after `backoffice migrate`, its
// environment, a pool on it and the event store.
func migrated(t *testing.T) (getenv func(string) string, pool *pgxpool.Pool, store *postgres.Store) {
	t.Helper()
	cs := pgtest.NewDB(t)
	_, getenv = testEnv(t, cs)
	if err := run(context.Background(), []string{"migrate"}, getenv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	pool = pgtest.Pool(t, cs)
	return getenv, pool, pgtest.EventStore(t, pool)
}
