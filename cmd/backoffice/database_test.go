package main

import (
	"context"
	"testing"
	"time"

	"backoffice/internal/pgtest"
)

// TestPoolEndsIdleTransactions: the application's pool has PostgreSQL end
// a session idle inside a transaction (the guard against outside I/O in a
// transaction, which would hold back every reader of the event store):
// a minute by default, the connection string's own value when it sets one.
func TestPoolEndsIdleTransactions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn := pgtest.NewDB(t)
	pool, err := connect(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var got string
	if err := pool.QueryRow(ctx, `SHOW idle_in_transaction_session_timeout`).Scan(&got); err != nil || got != "1min" {
		t.Fatalf("idle_in_transaction_session_timeout = %q, %v; want 1min", got, err)
	}

	short, err := connect(ctx, conn+" idle_in_transaction_session_timeout=1s")
	if err != nil {
		t.Fatal(err)
	}
	defer short.Close()
	tx, err := short.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	var pid int32
	if err := tx.QueryRow(ctx, `SELECT pg_backend_pid() FROM (SELECT pg_current_xact_id()) AS x`).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	// The transaction holds an ID and does nothing more: the server ends
	// its session (generous deadline; nothing here measures speed).
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		var alive bool
		if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_stat_activity WHERE pid = $1)`, pid).Scan(&alive); err != nil {
			t.Fatal(err)
		}
		if !alive {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a session idle in a transaction with a transaction ID was never ended")
		}
	}
	if _, err := tx.Exec(ctx, `SELECT 1`); err == nil {
		t.Fatal("the ended transaction went on")
	}
}
