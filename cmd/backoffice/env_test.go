package main

import (
	"context"
	"io"
	"testing"
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

// runMigrate runs `backoffice migrate` with getenv.
func runMigrate(t *testing.T, getenv func(string) string) {
	t.Helper()
	if err := run(context.Background(), []string{"migrate"}, getenv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
}
