package portal_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"backoffice/http/portal"
)

// syncBuffer is a log destination the server's goroutines share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestFailedRequestLogNamesRouteNotPath: a request that fails on the
// server's side is logged, and the signing link's path carries its secret
// token: the log names the route template, never the path.
func TestFailedRequestLogNamesRouteNotPath(t *testing.T) {
	base := newHarness(t)
	var logs syncBuffer
	h := newHarnessWith(t, base.fixture, func(d *portal.Deps) {
		d.Log = slog.New(slog.NewTextHandler(&logs, nil))
	})
	h.loginAs(clientEmail, "nl")

	ctx := context.Background()
	cfg := h.Pool.Config().ConnConfig.Copy()
	db := cfg.Database
	cfg.Database = "postgres"
	admin, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	name := pgx.Identifier{db}.Sanitize()
	if _, err := admin.Exec(ctx, `ALTER DATABASE `+name+` ALLOW_CONNECTIONS false`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(ctx, `ALTER DATABASE `+name+` ALLOW_CONNECTIONS true`); err != nil {
			t.Error(err)
		}
		admin.Close(ctx)
	})
	if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, db); err != nil {
		t.Fatal(err)
	}
	h.Pool.Reset()

	const secret = "Zm9yLXRoZS1zaWduZXItb25seS1ub3QtZm9yLWxvZ3M"
	res, _ := h.get("/documenten/" + base.docs[docInstructions] + "/ondertekenen/" + secret)
	if res.StatusCode < 500 {
		t.Fatalf("the signing link during an outage: %d, want a 5xx", res.StatusCode)
	}
	got := logs.String()
	if !strings.Contains(got, "request failed") || !strings.Contains(got, "/documenten/{id:") {
		t.Fatalf("no failure logged with its route:\n%s", got)
	}
	if strings.Contains(got, secret) {
		t.Fatalf("the log holds the signing link's token:\n%s", got)
	}
}
