package esdb_test

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"backoffice/eventstore"
	"backoffice/eventstore/esdb"
	"backoffice/eventstore/eventstoretest"
	"backoffice/internal/esdbfake"
)

// quiet keeps the client's and the adapter's logs out of test output.
var quiet = slog.New(slog.DiscardHandler)

// newFakeStore starts a fresh fake server and a Store connected to it.
func newFakeStore(t testing.TB, cfg esdb.Config) (*esdb.Store, *esdbfake.Server) {
	t.Helper()
	srv := esdbfake.Start(t)
	if cfg.URL == "" {
		cfg.URL = srv.URL() + "&maxDiscoverAttempts=3&discoveryInterval=10"
	}
	if cfg.Logger == nil {
		cfg.Logger = quiet
	}
	if cfg.ResubscribeMinBackoff == 0 {
		cfg.ResubscribeMinBackoff = time.Millisecond
		cfg.ResubscribeMaxBackoff = 20 * time.Millisecond
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := esdb.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, srv
}

func TestConformance(t *testing.T) {
	eventstoretest.Run(t, func(t *testing.T) eventstore.Store {
		s, _ := newFakeStore(t, esdb.Config{})
		return s
	})
}

// TestConformanceRealServer runs the suite against a real EventStoreDB named
// by BACKOFFICE_TEST_ESDB_URL (see docs/eventstoredb.md). The server is
// shared by all subtests: each sees it through an isolated view (its own
// stream-name namespace, $all from the head at its start), so the server
// need not be empty.
func TestConformanceRealServer(t *testing.T) {
	url := os.Getenv("BACKOFFICE_TEST_ESDB_URL")
	if url == "" {
		t.Skip("BACKOFFICE_TEST_ESDB_URL is not set: skipping the EventStoreDB conformance run against a real server (see docs/eventstoredb.md)")
	}
	runShared(t, url)
}

// TestConformanceSharedServer runs the suite the way the real-server test
// does, through isolated views of one fake server, to keep that harness
// honest.
func TestConformanceSharedServer(t *testing.T) {
	srv := esdbfake.Start(t)
	runShared(t, srv.URL())
}

func runShared(t *testing.T, url string) {
	eventstoretest.Run(t, func(t *testing.T) eventstore.Store {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		s, err := esdb.Open(ctx, esdb.Config{URL: url, Logger: quiet})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		v, err := newIsolated(ctx, s)
		if err != nil {
			t.Fatalf("isolated view: %v", err)
		}
		return v
	})
}
