package ledger_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"backoffice/eventstore/ledger"
	"backoffice/internal/pgtest"
)

// TestOneDigestJobAtATime: two instances run the job on one database; one
// holds the lock and records, and when it stops the other takes over and
// continues the same fold.
func TestOneDigestJobAtATime(t *testing.T) {
	f := newFixture(t) // 9 events, 3 digests
	quiet := slog.New(slog.DiscardHandler)
	newJob := func() *ledger.Digester {
		return &ledger.Digester{Store: f.store, Pool: f.pool, Every: 1, Poll: 10 * time.Millisecond, LockRetry: 20 * time.Millisecond, Log: quiet}
	}
	ctxA, stopA := context.WithCancel(f.ctx)
	ctxB, stopB := context.WithCancel(f.ctx)
	defer stopB()
	var wg sync.WaitGroup
	wg.Go(func() { _ = newJob().Run(ctxA) })

	records := func() []ledger.Record {
		t.Helper()
		recs, err := ledger.Records(f.ctx, f.pool)
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	waitFor := func(events int64) {
		t.Helper()
		for range 1000 {
			if recs := records(); len(recs) > 0 && recs[len(recs)-1].Events == events {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("no digest over %d events: %+v", events, records())
	}
	f.append(t, "a", `{"n":10}`)
	f.settle(t)
	waitFor(10) // A leads
	wg.Go(func() { _ = newJob().Run(ctxB) })
	time.Sleep(100 * time.Millisecond) // B tries the lock a few times meanwhile
	var holders int
	if err := f.pool.QueryRow(f.ctx, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted
		AND objid = (hashtextextended('backoffice.ledger.digest', 0) & x'ffffffff'::bigint)::oid`).Scan(&holders); err != nil {
		t.Fatal(err)
	}
	if holders != 1 {
		t.Fatalf("%d sessions hold the digest lock, want 1", holders)
	}
	// The leader stops; the standby takes over.
	stopA()
	f.append(t, "b", `{"n":11}`)
	f.append(t, "c", `{"n":12}`)
	f.settle(t)
	waitFor(12)
	stopB()
	wg.Wait()
	recs := records()
	for i := 1; i < len(recs); i++ {
		if !recs[i].Position.After(recs[i-1].Position) || recs[i].Events <= recs[i-1].Events {
			t.Fatalf("records out of order: %+v", recs)
		}
	}
	if rep := f.verify(t); !rep.Intact() {
		t.Fatalf("after the hand-over: %v", rep.Broken)
	}
}

// TestFirstDigestWithoutWaiting: on a ledger that has no digest yet, the
// job records one at its first pass, not an Interval after it started: a
// server restarted more often than the Interval (an upgrade, a crash
// loop) recorded none at all, leaving the whole ledger unprotected.
func TestFirstDigestWithoutWaiting(t *testing.T) {
	_, pool := newDB(t)
	f := &fixture{ctx: t.Context(), store: pgtest.EventStore(t, pool), pool: pool}
	f.append(t, "a", `{"n":1}`)
	f.append(t, "b", `{"n":2}`)
	f.settle(t)
	d := &ledger.Digester{Store: f.store, Pool: pool, Every: 1000, Interval: time.Hour}
	if err := d.CatchUp(f.ctx, false); err != nil {
		t.Fatal(err)
	}
	recs, err := ledger.Records(f.ctx, pool)
	if err != nil || len(recs) != 1 || recs[0].Events != 2 {
		t.Fatalf("records after the first pass: %+v, %v; want one over 2 events", recs, err)
	}
	// Later events wait for the Interval (or Every) as before.
	f.append(t, "a", `{"n":3}`)
	f.settle(t)
	if err := d.CatchUp(f.ctx, false); err != nil {
		t.Fatal(err)
	}
	if recs, _ := ledger.Records(f.ctx, pool); len(recs) != 1 {
		t.Fatalf("a second record before the Interval: %+v", recs)
	}
}
