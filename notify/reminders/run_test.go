package reminders_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"backoffice/internal/notifytest"
	"backoffice/notify/audience"
	"backoffice/notify/reminders"
)

// TestRunHoldsOneLock: two processes' Run loops on one database; one holds
// the advisory lock and sends Monday's reminders once; when the holder
// stops, the other takes over (and still sends nothing twice).
func TestRunHoldsOneLock(t *testing.T) {
	e := newEnv(t, notifytest.MondayW10.Add(9*time.Hour+30*time.Minute))
	a, b := e.process(t), e.process(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	runners := make([]*reminders.Runner, 2)
	for i, rt := range []*runtime{a, b} {
		r, err := reminders.New(reminders.Config{Pool: rt.pool, Mail: rt.disp, Links: audience.NewLinks("https://portal.test"),
			Now: e.clock.Now, Poll: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		runners[i] = r
	}
	ctxs := make([]context.CancelFunc, 2)
	var wg sync.WaitGroup
	for i, r := range runners {
		rctx, stop := context.WithCancel(ctx)
		ctxs[i] = stop
		wg.Go(func() { _ = r.Run(rctx) })
	}
	defer func() {
		for _, stop := range ctxs {
			stop()
		}
		wg.Wait()
	}()

	count := func(sql string) int {
		var n int
		if err := a.pool.QueryRow(ctx, sql).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	const locks = `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted`
	waitUntil := func(what string, ok func() bool) {
		t.Helper()
		for !ok() {
			if ctx.Err() != nil {
				t.Fatalf("gave up waiting: %s", what)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitUntil("Monday's two reminders", func() bool { return count(`SELECT count(*) FROM notify_reminders`) == 2 })
	if n := count(locks); n != 1 {
		t.Errorf("%d advisory locks held, want 1", n)
	}
	// Stop both, start one again: it takes the lock, and Monday is not resent.
	ctxs[0]()
	ctxs[1]()
	wg.Wait()
	waitUntil("the locks to be released", func() bool { return count(locks) == 0 })
	rctx, stop := context.WithCancel(ctx)
	ctxs[0] = stop
	wg.Go(func() { _ = runners[1].Run(rctx) })
	waitUntil("the lock to be taken over", func() bool { return count(locks) == 1 })
	time.Sleep(100 * time.Millisecond) // a few ticks of the new holder
	if n := count(`SELECT count(*) FROM notify_reminders`); n != 2 {
		t.Errorf("%d reminders after the takeover, want still 2", n)
	}
	if n := count(`SELECT count(*) FROM mail_deliveries`); n != 2 {
		t.Errorf("%d deliveries queued, want 2", n)
	}
}
