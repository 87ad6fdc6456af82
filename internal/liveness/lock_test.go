package liveness

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"backoffice/internal/pgtest"
)

// TestLockTakesEveryClassOrNone: an id that a live session holds in one
// class (another process, or an older binary that locked that class
// alone) is refused, and the other classes are let go again: the holder
// must not name an id that someone else's rows name too.
func TestLockTakesEveryClassOrNone(t *testing.T) {
	ctx := t.Context()
	cs := pgtest.NewDB(t)
	pool := pgtest.Pool(t, cs)
	const a, b int32 = 0x61616161, 0x62626262
	old, err := pgx.Connect(ctx, cs) // an old process: b alone
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = old.Close(context.Background()) }()
	if _, err := old.Exec(ctx, `SELECT pg_advisory_lock($1, 7)`, b); err != nil {
		t.Fatal(err)
	}
	c, err := pgx.Connect(ctx, cs)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close(context.Background()) }()
	h := &Holder{pool: pool, classes: []int32{a, b}}
	held := func() int {
		t.Helper()
		var n int
		if err := c.QueryRow(ctx, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if err := h.lock(c, 7); err != errTaken {
		t.Fatalf("lock of an id held in one class: %v; want errTaken", err)
	}
	if n := held(); n != 0 {
		t.Fatalf("after the refused id the session holds %d locks; want none", n)
	}
	if err := h.lock(c, 9); err != nil {
		t.Fatal(err)
	}
	if n := held(); n != 2 {
		t.Fatalf("after a free id the session holds %d locks; want one per class", n)
	}
}
