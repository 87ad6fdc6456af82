package portal_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestOutageShowsAFriendlyPage: while the database is away (it restarts by
// itself) the portal answers 503 with Retry-After and a Dutch page that
// asks for a moment's patience, not a 500 "something went wrong". The
// outage is real: the test database refuses new connections and its
// sessions are ended, and the page has to ask for a new connection.
func TestOutageShowsAFriendlyPage(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	takeDatabaseAway(t, h)
	res, body := h.get("/")
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("GET / during an outage: %d, want 503\n%s", res.StatusCode, body)
	}
	if res.Header.Get("Retry-After") == "" {
		t.Fatal("no Retry-After on the 503")
	}
	if !strings.Contains(body, "<h1>Even geduld</h1>") || !strings.Contains(body, "Even geduld: ") {
		t.Fatalf("the page does not ask for patience in Dutch:\n%s", body)
	}
}

// takeDatabaseAway makes the harness's database refuse new connections
// (until the test ends), ends its sessions and empties the pool: a real
// outage the next request has to meet.
func takeDatabaseAway(t *testing.T, h *harness) {
	t.Helper()
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
	t.Cleanup(func() { // back before the application stops
		if _, err := admin.Exec(ctx, `ALTER DATABASE `+name+` ALLOW_CONNECTIONS true`); err != nil {
			t.Error(err)
		}
		admin.Close(ctx)
	})
	if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, db); err != nil {
		t.Fatal(err)
	}
	// The pool forgets its connections, so the next request needs a new
	// one: the server refuses it (55000 inside a connect error).
	h.Pool.Reset()
}
