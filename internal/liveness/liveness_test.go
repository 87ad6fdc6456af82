package liveness_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/internal/liveness"
	"backoffice/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const class int32 = 0x74657374 // "test"

// free reports whether no session holds the lock (class, id): what a
// process that finds a claim naming id asks.
func free(t *testing.T, ctx context.Context, pool *pgxpool.Pool, id int32) bool {
	t.Helper()
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	var ok bool
	if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1, $2)`, class, id).Scan(&ok); err != nil {
		t.Fatal(err)
	}
	return ok
}

// TestHolderLockLivesWithTheProcess: while the holder lives its lock is
// taken and its context open; Close (a kill) frees the lock and ends the
// context; a holder whose session was ended locks a new id and ends the
// old id's context.
func TestHolderLockLivesWithTheProcess(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	pool := pgtest.Pool(t, pgtest.NewDB(t))

	h := liveness.Start(pool, class)
	h.Wait(ctx)
	id, alive := h.Current()
	if id == 0 || alive.Err() != nil || free(t, ctx, pool, id) {
		t.Fatalf("after Start: id %d, context %v, lock free %v; want held", id, alive.Err(), free(t, ctx, pool, id))
	}
	other := liveness.Start(pool, class)
	defer other.Close()
	other.Wait(ctx)
	oid, oldAlive := other.Current()
	if oid == id || oid == 0 {
		t.Fatalf("two processes hold %d and %d", id, oid)
	}

	if _, err := pool.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'
		AND classid = $1::int::oid AND objid = $2::int::oid AND objsubid = 2`, class, oid); err != nil {
		t.Fatal(err)
	}
	<-oldAlive.Done() // the broken session ends its id's context
	for {
		if nid, _ := other.Current(); nid != 0 && nid != oid {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatal("no new lock after the session broke")
		case <-time.After(20 * time.Millisecond):
		}
	}
	if !free(t, ctx, pool, oid) {
		t.Error("the broken session's lock is still held")
	}

	h.Close()
	if !free(t, ctx, pool, id) || alive.Err() == nil {
		t.Fatalf("after Close: lock free %v, context %v; want free, ended", free(t, ctx, pool, id), alive.Err())
	}
	if nid, _ := h.Current(); nid != 0 {
		t.Errorf("a closed holder names %d", nid)
	}
}

// holders lists the sessions (pid) that hold a lock of one of classes in
// this database, with the id each holds in each class.
func holders(t *testing.T, ctx context.Context, pool *pgxpool.Pool, classes ...int32) map[int32]map[int32]int32 {
	t.Helper()
	rows, err := pool.Query(ctx, `SELECT pid, classid::bigint::int, objid::bigint::int FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND objsubid = 2
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
		AND classid::bigint = ANY($1::bigint[])`, classes)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int32]map[int32]int32{}
	var pid, c, id int32
	if _, err := pgx.ForEachRow(rows, []any{&pid, &c, &id}, func() error {
		if out[pid] == nil {
			out[pid] = map[int32]int32{}
		}
		out[pid][c] = id
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestHolderLocksOneIDInEveryClass: a holder of two classes (a process's
// API claims and queue leases) locks one id in both, on one session; when
// that session breaks, the old id is free in both classes and a new one
// is locked in both, again on one session.
func TestHolderLocksOneIDInEveryClass(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	pool := pgtest.Pool(t, pgtest.NewDB(t))
	const other int32 = 0x6f746872 // "othr"

	h := liveness.Start(pool, class, other)
	defer h.Close()
	h.Wait(ctx)
	id, alive := h.Current()
	if !h.Holds(class) || !h.Holds(other) || h.Holds(other+1) {
		t.Errorf("Holds: %v %v %v; want true, true, false", h.Holds(class), h.Holds(other), h.Holds(other+1))
	}
	one := func(want int32) int32 {
		t.Helper()
		got := holders(t, ctx, pool, class, other)
		if len(got) != 1 {
			t.Fatalf("sessions holding the classes: %v; want one", got)
		}
		for pid, ids := range got {
			if len(ids) != 2 || ids[class] != want || ids[other] != want {
				t.Fatalf("session %d holds %v; want %d in both classes", pid, ids, want)
			}
			return pid
		}
		return 0
	}
	pid := one(id)

	if _, err := pool.Exec(ctx, `SELECT pg_terminate_backend($1)`, pid); err != nil {
		t.Fatal(err)
	}
	<-alive.Done()
	for {
		if nid, _ := h.Current(); nid != 0 && nid != id {
			one(nid)
			break
		}
		select {
		case <-ctx.Done():
			t.Fatal("no new lock after the session broke")
		case <-time.After(20 * time.Millisecond):
		}
	}
	for _, c := range []int32{class, other} {
		tx, err := pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1, $2)`, c, id).Scan(&ok); err != nil {
			t.Fatal(err)
		}
		_ = tx.Rollback(ctx)
		if !ok {
			t.Errorf("class %x: the broken session's id %d is still held", c, id)
		}
	}
}

// TestWaitCurrentWaitsForALock: WaitCurrent answers no id while none can
// be locked (the holder's pool has no connection to give) and ctx ends,
// the id once it is locked, and no id, at once, after Close.
func TestWaitCurrentWaitsForALock(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	pool := pgtest.PoolOfSize(t, pgtest.NewDB(t), 1)
	c, err := pool.Acquire(ctx) // the holder's connection, taken first
	if err != nil {
		t.Fatal(err)
	}
	h := liveness.Start(pool, class)
	short, stop := context.WithTimeout(ctx, 50*time.Millisecond)
	if id, _ := h.WaitCurrent(short); id != 0 {
		t.Errorf("WaitCurrent without a connection for the lock: %d; want 0", id)
	}
	stop()
	c.Release()
	id, alive := h.WaitCurrent(ctx)
	if now, _ := h.Current(); id == 0 || id != now || alive.Err() != nil || free(t, ctx, pool, id) {
		t.Fatalf("WaitCurrent: %d (Current %d, context %v); want the id held", id, now, alive.Err())
	}
	h.Close()
	if id, _ := h.WaitCurrent(ctx); id != 0 {
		t.Errorf("WaitCurrent after Close: %d; want 0", id)
	}
}
