package queue_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/internal/liveness"
	"backoffice/internal/pgtest"
	"backoffice/internal/testclock"
	"backoffice/notify/mail"
	"backoffice/notify/mail/mailtest"
	"backoffice/notify/queue"
	"backoffice/notify/sms"
	"backoffice/notify/sms/smstest"
	"backoffice/readmodel"
)

// The engine against the real PostgreSQL, run through both of its users
// (notify/mail on the test SMTP server, notify/sms on the fake Spryng
// gateway): every behaviour of the queue is the same for both kinds.

func TestMain(m *testing.M) { pgtest.Main(m) }

// settings are the queue settings a test chooses, for either kind.
type settings struct {
	Now          func() time.Time
	MaxAttempts  int
	Backoff      func(int) time.Duration
	PollInterval time.Duration
	// Liveness stands for the process the dispatcher runs in (nil: its own).
	Liveness *liveness.Holder
}

// config is a kind's DispatcherConfig (both are queue.Config) with s.
func config[S any](s settings, pool *pgxpool.Pool, sender S) queue.Config[S] {
	return queue.Config[S]{Pool: pool, Sender: sender, Now: s.Now, MaxAttempts: s.MaxAttempts,
		Backoff: s.Backoff, PollInterval: s.PollInterval, Liveness: s.Liveness}
}

// gated is send, asking gate first.
func gated[M any](gate func(context.Context) error, send func(context.Context, M) error) func(context.Context, M) error {
	return func(ctx context.Context, m M) error {
		if err := gate(ctx); err != nil {
			return err
		}
		return send(ctx, m)
	}
}

// subject is one kind's dispatcher under test.
type subject struct {
	DeliverDue func(context.Context) (int, error)
	Run        func(context.Context) error
	Kick       func()
	// enqueue queues one message for the event id through db.
	enqueue func(ctx context.Context, db queue.Execer, id uuid.UUID) error
	// delivered counts the messages the receiver got.
	delivered func() int
	Backlog   func(context.Context) (queue.Backlog, error)
}

// kind builds a subject whose every send first asks gate (an error fails
// the send before it reaches the receiver).
type kind struct {
	name, table string
	start       func(t *testing.T, pool *pgxpool.Pool, gate func(context.Context) error, s settings) subject
	// validate is NewDispatcher's error for an empty config with a
	// negative setting.
	validate func() error
	// kept reads ($1 the event) what must not outlive a sent message;
	// secret is what it held when queued.
	kept, secret string
}

var kinds = []kind{
	{
		name: "mail", table: "mail_deliveries",
		start: func(t *testing.T, pool *pgxpool.Pool, gate func(context.Context) error, s settings) subject {
			srv := mailtest.New(t)
			smtp, err := mail.NewSMTPSender(mail.SMTPConfig{URL: srv.URL(), From: "Backofficebureau <noreply@backoffice.test>"})
			if err != nil {
				t.Fatal(err)
			}
			d, err := mail.NewDispatcher(config(s, pool, mail.Sender(mail.SenderFunc(gated(gate, smtp.Send)))))
			if err != nil {
				t.Fatal(err)
			}
			return subject{DeliverDue: d.DeliverDue, Run: d.Run, Kick: d.Kick,
				enqueue: func(ctx context.Context, db queue.Execer, id uuid.UUID) error {
					return d.Enqueue(ctx, db, id, mail.SignRequestMail("nl", "klant@example.nl", "", "https://p.test/d/1?t=secret", ""))
				},
				delivered: func() int { return len(srv.Messages()) }, Backlog: d.Backlog}
		},
		validate: func() error { _, err := mail.NewDispatcher(mail.DispatcherConfig{MaxAttempts: -1}); return err },
		kept:     `SELECT payload::text FROM mail_deliveries WHERE event_id = $1`, secret: "t=secret",
	},
	{
		name: "sms", table: "sms_deliveries",
		start: func(t *testing.T, pool *pgxpool.Pool, gate func(context.Context) error, s settings) subject {
			f := smstest.NewSpryng(t)
			spryng, err := sms.NewSpryng(sms.SpryngConfig{URL: f.URL, Token: f.Token, Originator: "Backoffice", Attempts: 1})
			if err != nil {
				t.Fatal(err)
			}
			d, err := sms.NewDispatcher(config(s, pool, sms.Sender(sms.SenderFunc(gated(gate, spryng.Send)))))
			if err != nil {
				t.Fatal(err)
			}
			return subject{DeliverDue: d.DeliverDue, Run: d.Run, Kick: d.Kick,
				enqueue: func(ctx context.Context, db queue.Execer, id uuid.UUID) error {
					return d.Enqueue(ctx, db, id, sms.Queued{Message: sms.Message{To: "+31612345678", Body: "Uw TAN-code is QRST"}, Kind: "tan"})
				},
				delivered: func() int { return len(f.Requests()) }, Backlog: d.Backlog}
		},
		validate: func() error { _, err := sms.NewDispatcher(sms.DispatcherConfig{MaxAttempts: -1}); return err },
		kept:     `SELECT recipient || body FROM sms_deliveries WHERE event_id = $1`, secret: "QRST",
	},
}

// eachKind runs test as a subtest per kind, each on a database of its own.
func eachKind(t *testing.T, test func(t *testing.T, ctx context.Context, pool *pgxpool.Pool, k kind)) {
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			test(t, ctx, pgtest.Pool(t, pgtest.NewDBFromTemplate(t, "readmodel", pgtest.WithPool(readmodel.Migrate))), k)
		})
	}
}

func open(context.Context) error { return nil }

func pass(t *testing.T, ctx context.Context, s subject, want int) {
	t.Helper()
	if n, err := s.DeliverDue(ctx); err != nil || n != want {
		t.Fatalf("DeliverDue = %d, %v; want %d", n, err, want)
	}
}

// row is a delivery as its table stores it.
type row struct {
	Status    string
	Attempts  int
	LastError string
	Next      time.Time
	SentAt    *time.Time
}

func stored(t *testing.T, ctx context.Context, pool *pgxpool.Pool, k kind, id uuid.UUID) row {
	t.Helper()
	var r row
	if err := pool.QueryRow(ctx, `SELECT status, attempts, coalesce(last_error, ''), next_attempt_at, sent_at
		FROM `+k.table+` WHERE event_id = $1`, id).Scan(&r.Status, &r.Attempts, &r.LastError, &r.Next, &r.SentAt); err != nil {
		t.Fatal(err)
	}
	return r
}

func enqueue(t *testing.T, ctx context.Context, db queue.Execer, s subject, id uuid.UUID) {
	t.Helper()
	if err := s.enqueue(ctx, db, id); err != nil {
		t.Fatal(err)
	}
}

func start() *testclock.Clock { return testclock.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)) }

// TestQueueSendsOnceAfterCommit: a message queued in a projector's
// transaction is due only once that commits, goes out once however often
// its event is queued, and what must not outlive it is gone once sent.
func TestQueueSendsOnceAfterCommit(t *testing.T) {
	eachKind(t, func(t *testing.T, ctx context.Context, pool *pgxpool.Pool, k kind) {
		clock := start()
		s := k.start(t, pool, open, settings{Now: clock.Now})
		id := uuid.New()
		tx, err := pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		enqueue(t, ctx, tx, s, id)
		enqueue(t, ctx, tx, s, id) // the same event projected again
		pass(t, ctx, s, 0)
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		pass(t, ctx, s, 1)
		enqueue(t, ctx, pool, s, id) // and once more after delivery
		pass(t, ctx, s, 0)
		if n := s.delivered(); n != 1 {
			t.Fatalf("the receiver got %d messages, want 1", n)
		}
		if r := stored(t, ctx, pool, k, id); r.Status != queue.StatusSent || r.Attempts != 1 || r.SentAt == nil || !r.SentAt.Equal(clock.Now()) {
			t.Errorf("delivery = %+v", r)
		}
		var kept string
		if err := pool.QueryRow(ctx, k.kept, id).Scan(&kept); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(kept, k.secret) {
			t.Errorf("the sent row still holds %q: %s", k.secret, kept)
		}
	})
}

// TestQueueRetriesWithBackoff: a failed send is due again after the
// back-off of its count of failures, its error stored without URL
// credentials, and sent on a later pass.
func TestQueueRetriesWithBackoff(t *testing.T) {
	eachKind(t, func(t *testing.T, ctx context.Context, pool *pgxpool.Pool, k kind) {
		clock := start()
		var calls atomic.Int32
		flaky := func(context.Context) error {
			if calls.Add(1) <= 2 {
				return errors.New("dial https://relay:hunter2@gw.example.nl: connection refused")
			}
			return nil
		}
		var backoffs []int
		s := k.start(t, pool, flaky, settings{Now: clock.Now,
			Backoff: func(n int) time.Duration { backoffs = append(backoffs, n); return time.Duration(n) * time.Minute }})
		id := uuid.New()
		enqueue(t, ctx, pool, s, id)

		pass(t, ctx, s, 1) // fails, next in 1 min
		r := stored(t, ctx, pool, k, id)
		if r.Status != queue.StatusPending || r.Attempts != 1 || !r.Next.Equal(clock.Now().Add(time.Minute)) {
			t.Fatalf("after the first failure: %+v", r)
		}
		if strings.Contains(r.LastError, "hunter2") || !strings.Contains(r.LastError, "connection refused") {
			t.Errorf("last_error = %q: want the reason without the password", r.LastError)
		}
		pass(t, ctx, s, 0) // not due yet
		clock.Advance(time.Minute)
		pass(t, ctx, s, 1) // fails again, next in 2 min
		clock.Advance(time.Minute)
		pass(t, ctx, s, 0)
		clock.Advance(time.Minute)
		pass(t, ctx, s, 1) // sent
		pass(t, ctx, s, 0)

		if r := stored(t, ctx, pool, k, id); r.Status != queue.StatusSent || r.Attempts != 3 || r.LastError != "" {
			t.Errorf("delivery = %+v; want sent after 3 attempts", r)
		}
		if n := s.delivered(); n != 1 {
			t.Errorf("the receiver got %d messages, want 1", n)
		}
		if !slices.Equal(backoffs, []int{1, 2}) {
			t.Errorf("backoff called with %v, want [1 2]", backoffs)
		}
	})
}

// TestQueueGivesUpAfterMaxAttempts: after MaxAttempts failed sends the
// delivery is failed and never tried again.
func TestQueueGivesUpAfterMaxAttempts(t *testing.T) {
	eachKind(t, func(t *testing.T, ctx context.Context, pool *pgxpool.Pool, k kind) {
		clock := start()
		var calls atomic.Int32
		failing := func(context.Context) error { calls.Add(1); return errors.New("the receiver is down") }
		s := k.start(t, pool, failing, settings{Now: clock.Now, MaxAttempts: 2, Backoff: func(int) time.Duration { return 0 }})
		id := uuid.New()
		enqueue(t, ctx, pool, s, id)
		pass(t, ctx, s, 1)
		pass(t, ctx, s, 1)
		clock.Advance(time.Hour)
		pass(t, ctx, s, 0)
		if r := stored(t, ctx, pool, k, id); r.Status != queue.StatusFailed || r.Attempts != 2 || r.LastError != "the receiver is down" || r.SentAt != nil {
			t.Errorf("delivery = %+v; want failed after 2 attempts", r)
		}
		if calls.Load() != 2 || s.delivered() != 0 {
			t.Errorf("%d sends, %d delivered; want 2, 0", calls.Load(), s.delivered())
		}
	})
}

// TestQueueBacklog: what the operator's metrics read (cmd/backoffice):
// pending (retries included), retrying, failed, the oldest pending age.
func TestQueueBacklog(t *testing.T) {
	eachKind(t, func(t *testing.T, ctx context.Context, pool *pgxpool.Pool, k kind) {
		clock := start()
		failing := func(context.Context) error { return errors.New("the receiver is down") }
		s := k.start(t, pool, failing, settings{Now: clock.Now, MaxAttempts: 2, Backoff: func(int) time.Duration { return 0 }})
		if b, err := s.Backlog(ctx); err != nil || b != (queue.Backlog{}) {
			t.Fatalf("empty queue: %+v %v", b, err)
		}
		enqueue(t, ctx, pool, s, uuid.New())
		pass(t, ctx, s, 1)
		pass(t, ctx, s, 1) // given up
		enqueue(t, ctx, pool, s, uuid.New())
		pass(t, ctx, s, 1) // retrying
		enqueue(t, ctx, pool, s, uuid.New())
		b, err := s.Backlog(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if b.Pending != 2 || b.Retrying != 1 || b.Failed != 1 || b.OldestPending <= 0 {
			t.Fatalf("backlog %+v; want 2 pending, 1 of them retrying, 1 failed, an age", b)
		}
	})
}

// TestQueueRunDeliversOnKick: Run sends what is queued when kicked,
// without waiting for its poll, and returns nil when stopped.
func TestQueueRunDeliversOnKick(t *testing.T) {
	eachKind(t, func(t *testing.T, ctx context.Context, pool *pgxpool.Pool, k kind) {
		s := k.start(t, pool, open, settings{PollInterval: time.Hour}) // only Kick can wake it in time
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- s.Run(runCtx) }()
		for want := 1; want <= 2; want++ {
			enqueue(t, ctx, pool, s, uuid.New())
			s.Kick()
			for s.delivered() < want {
				select {
				case <-ctx.Done():
					stop()
					t.Fatalf("message %d not delivered: %v", want, ctx.Err())
				case <-time.After(10 * time.Millisecond):
				}
			}
		}
		stop()
		if err := <-done; err != nil {
			t.Errorf("Run = %v", err)
		}
	})
}

// TestQueueSendsOutsideATransaction: while the receiver is talked to, the
// queue holds no transaction with an ID (one would keep every event
// committed after it from the event store's readers, stalling all
// projectors for as long as the receiver hangs), and a second dispatcher
// leaves the claimed message alone.
func TestQueueSendsOutsideATransaction(t *testing.T) {
	eachKind(t, func(t *testing.T, ctx context.Context, pool *pgxpool.Pool, k kind) {
		clock := start()
		inSend, release := make(chan struct{}), make(chan struct{})
		var once sync.Once
		hanging := func(context.Context) error {
			once.Do(func() { close(inSend) })
			<-release
			return nil
		}
		s := k.start(t, pool, hanging, settings{Now: clock.Now})
		other := k.start(t, pool, hanging, settings{Now: clock.Now})
		id := uuid.New()
		enqueue(t, ctx, pool, s, id)
		done := make(chan error, 1)
		go func() { _, err := s.DeliverDue(ctx); done <- err }()
		<-inSend
		var withXID int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()`).Scan(&withXID); err != nil {
			t.Fatal(err)
		}
		if withXID != 0 {
			t.Errorf("%d transactions with an ID open during the send", withXID)
		}
		if n, err := other.DeliverDue(ctx); err != nil || n != 0 {
			t.Errorf("a second dispatcher: %d, %v; want the claimed message left alone", n, err)
		}
		close(release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if r := stored(t, ctx, pool, k, id); r.Status != queue.StatusSent || r.Attempts != 1 || s.delivered() != 1 {
			t.Fatalf("delivery %+v after %d deliveries", r, s.delivered())
		}
	})
}

// TestQueueReleasesOnShutdown: a send cut short by the end of the pass's
// context counts no attempt and leaves the message due at once, for the
// next process, not at the end of its lease.
func TestQueueReleasesOnShutdown(t *testing.T) {
	eachKind(t, func(t *testing.T, ctx context.Context, pool *pgxpool.Pool, k kind) {
		clock := start()
		inSend := make(chan struct{})
		var once sync.Once
		stuck := func(ctx context.Context) error {
			once.Do(func() { close(inSend) })
			<-ctx.Done()
			return ctx.Err()
		}
		s := k.start(t, pool, stuck, settings{Now: clock.Now})
		id := uuid.New()
		enqueue(t, ctx, pool, s, id)
		passCtx, shutdown := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { _, err := s.DeliverDue(passCtx); done <- err }()
		<-inSend
		if r := stored(t, ctx, pool, k, id); !r.Next.After(clock.Now()) {
			t.Fatalf("during the send: %+v; want leased past now", r)
		}
		shutdown()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("DeliverDue = %v; want the shutdown", err)
		}
		if r := stored(t, ctx, pool, k, id); r.Status != queue.StatusPending || r.Attempts != 0 || !r.Next.Equal(clock.Now()) {
			t.Fatalf("after the shutdown: %+v; want pending, due now", r)
		}
		next := k.start(t, pool, open, settings{Now: clock.Now})
		pass(t, ctx, next, 1)
		if r := stored(t, ctx, pool, k, id); r.Status != queue.StatusSent || r.Attempts != 1 {
			t.Fatalf("after the next process: %+v", r)
		}
	})
}

// process is the liveness of one process (its lock, until Close: a kill).
func process(t *testing.T, ctx context.Context, pool *pgxpool.Pool) *liveness.Holder {
	t.Helper()
	h := liveness.Start(pool, queue.LeaseLockClass)
	t.Cleanup(h.Close)
	h.Wait(ctx)
	if id, _ := h.Current(); id == 0 {
		t.Fatal("the process holds no liveness lock")
	}
	return h
}

// leaseHolder is the holder the row's lease names (0: none).
func leaseHolder(t *testing.T, ctx context.Context, pool *pgxpool.Pool, k kind, id uuid.UUID) int32 {
	t.Helper()
	var h *int32
	if err := pool.QueryRow(ctx, `SELECT lease_holder FROM `+k.table+` WHERE event_id = $1`, id).Scan(&h); err != nil {
		t.Fatal(err)
	}
	if h == nil {
		return 0
	}
	return *h
}

// TestQueueTakesOverADeadProcessesLease: two processes on one database;
// the one sending a message dies (kill -9: its session ends, its send
// never returns). The other leaves the message alone while its holder
// lives, and sends it at once when it died, not at the end of the lease:
// exactly once.
func TestQueueTakesOverADeadProcessesLease(t *testing.T) {
	eachKind(t, func(t *testing.T, ctx context.Context, pool *pgxpool.Pool, k kind) {
		clock := start()
		inSend, thaw := make(chan struct{}), make(chan struct{})
		var once sync.Once
		frozen := func(context.Context) error { // a killed process does not go on
			once.Do(func() { close(inSend) })
			<-thaw
			return errors.New("killed")
		}
		a, b := process(t, ctx, pool), process(t, ctx, pool)
		dying := k.start(t, pool, frozen, settings{Now: clock.Now, Liveness: a})
		other := k.start(t, pool, open, settings{Now: clock.Now, Liveness: b})
		id := uuid.New()
		enqueue(t, ctx, pool, dying, id)
		done := make(chan error, 1)
		go func() { _, err := dying.DeliverDue(ctx); done <- err }()
		<-inSend
		if aid, _ := a.Current(); leaseHolder(t, ctx, pool, k, id) != aid {
			t.Fatalf("the lease names %d, want the sending process %d", leaseHolder(t, ctx, pool, k, id), aid)
		}
		pass(t, ctx, other, 0) // its holder lives: never stolen
		a.Close()              // kill -9
		pass(t, ctx, other, 1) // at once: the clock has not moved
		close(thaw)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if n := dying.delivered() + other.delivered(); n != 1 {
			t.Fatalf("the receivers got %d messages, want 1", n)
		}
		if r := stored(t, ctx, pool, k, id); r.Status != queue.StatusSent || r.Attempts != 1 {
			t.Fatalf("delivery = %+v; want sent by the survivor, attempt 1", r)
		}
	})
}

// TestQueueStopsASendWhenItsSessionBreaks: a process whose liveness
// session breaks while it lives (the database restarted) stops its send,
// counts no attempt and leaves the message due at once; it locks a new
// holder and goes on.
func TestQueueStopsASendWhenItsSessionBreaks(t *testing.T) {
	eachKind(t, func(t *testing.T, ctx context.Context, pool *pgxpool.Pool, k kind) {
		clock := start()
		inSend := make(chan struct{})
		var once sync.Once
		stuck := func(ctx context.Context) error {
			once.Do(func() { close(inSend) })
			<-ctx.Done()
			return ctx.Err()
		}
		a := process(t, ctx, pool)
		s := k.start(t, pool, stuck, settings{Now: clock.Now, Liveness: a})
		id := uuid.New()
		enqueue(t, ctx, pool, s, id)
		done := make(chan error, 1)
		go func() { _, err := s.DeliverDue(ctx); done <- err }()
		<-inSend
		old, _ := a.Current()
		if _, err := pool.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_locks
			WHERE locktype = 'advisory' AND classid = $1::int::oid AND objid = $2::int::oid AND objsubid = 2`,
			queue.LeaseLockClass, old); err != nil {
			t.Fatal(err)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if r := stored(t, ctx, pool, k, id); r.Status != queue.StatusPending || r.Attempts != 0 || !r.Next.Equal(clock.Now()) {
			t.Fatalf("after the broken session: %+v; want pending, no attempt, due now", r)
		}
		next := k.start(t, pool, open, settings{Now: clock.Now, Liveness: process(t, ctx, pool)})
		pass(t, ctx, next, 1)
		if n := s.delivered() + next.delivered(); n != 1 {
			t.Fatalf("the receivers got %d messages, want 1", n)
		}
		a.Wait(ctx)
		for now, _ := a.Current(); now == 0 || now == old; now, _ = a.Current() {
			select {
			case <-ctx.Done():
				t.Fatalf("the process holds %d, want a new liveness lock", now)
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
}

// TestQueueLeasesNothingWithoutALivenessLock: a lease names the process's
// liveness ID so that another queue can take it over at once should the
// process die. While the process holds none (before its first lock, or
// while a broken lock session is replaced) a lease used to be stored with
// lease_holder NULL and sent from, which only the lease's end frees. Now
// the queue leases nothing that round: the message stays due, untouched,
// and goes out once the lock is held.
func TestQueueLeasesNothingWithoutALivenessLock(t *testing.T) {
	eachKind(t, func(t *testing.T, ctx context.Context, pool *pgxpool.Pool, k kind) {
		clock := start()
		// The liveness session comes from a pool of one connection, which
		// the test holds: the holder cannot lock until the test lets go.
		cfg := pool.Config()
		cfg.MaxConns = 1
		livePool, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(livePool.Close)
		held, err := livePool.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		h := liveness.Start(livePool, queue.LeaseLockClass)
		t.Cleanup(h.Close)
		t.Cleanup(held.Release) // before Close (a failed check skips the release below)
		s := k.start(t, pool, open, settings{Now: clock.Now, Liveness: h})
		id := uuid.New()
		enqueue(t, ctx, pool, s, id)
		pass(t, ctx, s, 0)
		if r := stored(t, ctx, pool, k, id); r.Status != queue.StatusPending || r.Attempts != 0 || !r.Next.Equal(clock.Now()) || s.delivered() != 0 {
			t.Fatalf("without a liveness lock: %+v, %d sent; want pending, no attempt, due now, nothing sent", r, s.delivered())
		}
		if got := leaseHolder(t, ctx, pool, k, id); got != 0 {
			t.Fatalf("the lease names %d without a liveness lock", got)
		}
		held.Release()
		h.Wait(ctx)
		pass(t, ctx, s, 1)
		if r := stored(t, ctx, pool, k, id); r.Status != queue.StatusSent || s.delivered() != 1 {
			t.Fatalf("once the lock is held: %+v, %d sent; want sent once", r, s.delivered())
		}
	})
}

// TestQueueConfigValidate: every problem is named at once, with the
// owner's prefix.
func TestQueueConfigValidate(t *testing.T) {
	for _, k := range kinds {
		err := k.validate()
		if err == nil || !strings.HasPrefix(err.Error(), k.name+": ") {
			t.Fatalf("%s: err = %v; want it prefixed %q", k.name, err, k.name+": ")
		}
		for _, want := range []string{"Pool", "Sender", "negative"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: err = %v; want %s named", k.name, err, want)
			}
		}
	}
}

// TestQueueNeedsALivenessOfItsClass: a shared liveness that does not
// lock LeaseLockClass would make the queue's leases look dead to every
// other process (taken over while it sends): refused; one that holds it
// among other classes (the process's, shared with the API) is fine.
func TestQueueNeedsALivenessOfItsClass(t *testing.T) {
	pool := pgtest.Pool(t, pgtest.NewDB(t))
	other := liveness.Start(pool, queue.LeaseLockClass+1)
	t.Cleanup(other.Close)
	if err := (queue.Config[int]{Pool: pool, Sender: 1, Liveness: other}).Validate(); err == nil || !strings.Contains(err.Error(), "LeaseLockClass") {
		t.Errorf("a liveness of another class: %v; want it refused", err)
	}
	shared := liveness.Start(pool, queue.LeaseLockClass+1, queue.LeaseLockClass)
	t.Cleanup(shared.Close)
	if err := (queue.Config[int]{Pool: pool, Sender: 1, Liveness: shared}).Validate(); err != nil {
		t.Errorf("a liveness that holds the class among others: %v", err)
	}
}

func TestExponentialBackoff(t *testing.T) {
	b := queue.ExponentialBackoff(30*time.Second, time.Hour)
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute}
	for i, w := range want {
		if got := b(i + 1); got != w {
			t.Errorf("backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
	if got := b(50); got != time.Hour {
		t.Errorf("backoff(50) = %v, want the 1 h cap", got)
	}
}

func TestRedact(t *testing.T) {
	long := strings.Repeat("é", 600) // 1200 bytes
	for _, tc := range []struct{ in, want string }{
		{"dial smtp://relay:hunter2@mail.example.nl:587: refused", "dial smtp://***@mail.example.nl:587: refused"},
		{"plain error", "plain error"},
		{`550 "5.1.1 <jan.de.vries@example.nl>: rejected", affected recipient(s): <jan.de.vries@example.nl>`,
			`550 "5.1.1 <[address]>: rejected", affected recipient(s): <[address]>`},
		{"user unknown: piet+test@mail.example.co.uk", "user unknown: [address]"},
		{"smtp://user:pw@relay.example.nl:25 said no", "smtp://***@relay.example.nl:25 said no"},
		{long, strings.Repeat("é", 500) + "…"},
	} {
		if got := queue.Redact(errors.New(tc.in)); got != tc.want {
			t.Errorf("Redact(%.40q) = %.60q, want %.60q", tc.in, got, tc.want)
		}
	}
}
