package pgtest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"backoffice/internal/pglaunch"
)

// Durable are the settings of a private cluster whose figures must hold
// with production durability (the benchmarks that own their cluster).
var Durable = map[string]string{
	"fsync":              "on",
	"synchronous_commit": "on",
	"shared_buffers":     "128MB",
	"max_connections":    "100",
}

// PrivateCluster starts a cluster of the caller's own, not the shared one,
// with settings, in a temp dir named after prefix: for a benchmark that
// needs Durable settings or a test that crashes its server. It is stopped
// and its directory removed at cleanup; it dies with the test binary.
func PrivateCluster(tb testing.TB, prefix string, settings map[string]string) *pglaunch.Cluster {
	tb.Helper()
	dir, err := os.MkdirTemp("", prefix+"-")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = os.RemoveAll(dir) })
	c, err := pglaunch.Start(context.Background(), pglaunch.Options{
		DataDir: filepath.Join(dir, "data"), SocketDir: dir, Settings: settings, DieWithParent: true,
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = c.Stop(ctx)
	})
	return c
}
