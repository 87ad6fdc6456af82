package mail_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/internal/pgtest"
	"backoffice/internal/testclock"
	"backoffice/notify/mail"
	"backoffice/notify/mail/mailtest"
	"backoffice/readmodel"
)

func newPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	cs := pgtest.NewDBFromTemplate(t, "readmodel", pgtest.WithPool(readmodel.Migrate))
	return pgtest.Pool(t, cs)
}

func smtpSender(t *testing.T, srv *mailtest.Server) *mail.SMTPSender {
	s, err := mail.NewSMTPSender(mail.SMTPConfig{URL: srv.URL(), From: from})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func enqueue(t *testing.T, ctx context.Context, pool *pgxpool.Pool, d *mail.Dispatcher, id uuid.UUID, msg mail.Message) {
	t.Helper()
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Enqueue(ctx, tx, id, msg); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestDispatcherDeduplicatesByEventID(t *testing.T) {
	ctx := testCtx(t)
	pool := newPool(t)
	srv := mailtest.New(t)
	clock := testclock.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	d, err := mail.NewDispatcher(mail.DispatcherConfig{Pool: pool, Sender: smtpSender(t, srv), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.New()
	msg := mail.ActivationMail("nl", "jan@example.nl", "Jan", "jan", "https://p.test/a?t=secret", clock.Now().Add(72*time.Hour))
	enqueue(t, ctx, pool, d, id, msg)
	enqueue(t, ctx, pool, d, id, msg) // the same event projected again

	n, err := d.DeliverDue(ctx)
	if err != nil || n != 1 {
		t.Fatalf("DeliverDue = %d, %v; want 1", n, err)
	}
	enqueue(t, ctx, pool, d, id, msg) // and once more after delivery
	if n, err := d.DeliverDue(ctx); err != nil || n != 0 {
		t.Fatalf("second DeliverDue = %d, %v; want 0", n, err)
	}
	if got := srv.Messages(); len(got) != 1 {
		t.Fatalf("server received %d messages, want 1", len(got))
	}
	del, err := d.Delivery(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if del.Status != mail.StatusSent || del.Attempts != 1 || del.SentAt == nil || del.Kind != mail.KindActivation {
		t.Errorf("delivery = %+v", del)
	}
	// The single-use link does not linger in the database after sending.
	var payload string
	if err := pool.QueryRow(ctx, `SELECT payload::text FROM mail_deliveries WHERE event_id = $1`, id).Scan(&payload); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(payload, "t=secret") {
		t.Errorf("payload still holds the body: %s", payload)
	}
}

func TestDispatcherRetriesWithBackoff(t *testing.T) {
	ctx := testCtx(t)
	pool := newPool(t)
	srv := mailtest.New(t)
	real := smtpSender(t, srv)
	var calls atomic.Int32
	flaky := mail.SenderFunc(func(ctx context.Context, m mail.Message) error {
		if calls.Add(1) <= 2 {
			return errors.New("dial smtp://relay:hunter2@mail.example.nl:587: connection refused")
		}
		return real.Send(ctx, m)
	})
	clock := testclock.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	var backoffs []int
	d, err := mail.NewDispatcher(mail.DispatcherConfig{
		Pool: pool, Sender: flaky, Now: clock.Now,
		Backoff: func(n int) time.Duration { backoffs = append(backoffs, n); return time.Duration(n) * time.Minute },
	})
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.New()
	enqueue(t, ctx, pool, d, id, mail.SignRequestMail("nl", "klant@example.nl", "", "https://p.test/d/1", ""))

	mustPass := func(want int) {
		t.Helper()
		if n, err := d.DeliverDue(ctx); err != nil || n != want {
			t.Fatalf("DeliverDue = %d, %v; want %d", n, err, want)
		}
	}
	mustPass(1) // fails
	del, _ := d.Delivery(ctx, id)
	if del.Status != mail.StatusPending || del.Attempts != 1 || !del.NextAttemptAt.Equal(clock.Now().Add(time.Minute)) {
		t.Fatalf("after first failure: %+v", del)
	}
	if strings.Contains(del.LastError, "hunter2") || !strings.Contains(del.LastError, "connection refused") {
		t.Errorf("last_error = %q: want the reason without the password", del.LastError)
	}
	mustPass(0) // not due yet
	clock.Advance(time.Minute)
	mustPass(1) // fails again, next in 2 min
	clock.Advance(time.Minute)
	mustPass(0)
	clock.Advance(time.Minute)
	mustPass(1) // succeeds

	del, _ = d.Delivery(ctx, id)
	if del.Status != mail.StatusSent || del.Attempts != 3 || del.LastError != "" {
		t.Errorf("delivery = %+v; want sent after 3 attempts", del)
	}
	if got := srv.Messages(); len(got) != 1 || got[0].Subject != "u dient een document goed te keuren" {
		t.Errorf("server received %+v", got)
	}
	if len(backoffs) != 2 || backoffs[0] != 1 || backoffs[1] != 2 {
		t.Errorf("backoff called with %v, want [1 2]", backoffs)
	}
	mustPass(0)
}

func TestDispatcherGivesUpAfterMaxAttempts(t *testing.T) {
	ctx := testCtx(t)
	pool := newPool(t)
	failing := mail.SenderFunc(func(context.Context, mail.Message) error { return errors.New("550 no such user") })
	clock := testclock.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	d, err := mail.NewDispatcher(mail.DispatcherConfig{Pool: pool, Sender: failing, Now: clock.Now,
		MaxAttempts: 2, Backoff: func(int) time.Duration { return 0 }})
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.New()
	enqueue(t, ctx, pool, d, id, mail.SignRequestMail("nl", "x@example.nl", "", "https://p.test/", ""))
	for range 3 {
		if _, err := d.DeliverDue(ctx); err != nil {
			t.Fatal(err)
		}
	}
	del, _ := d.Delivery(ctx, id)
	if del.Status != mail.StatusFailed || del.Attempts != 2 {
		t.Errorf("delivery = %+v; want failed after 2 attempts", del)
	}
	// An invalid message is kept as failed, not returned as an error.
	bad := uuid.New()
	enqueue(t, ctx, pool, d, bad, mail.Message{To: "not an address", Subject: "x", TextBody: "y"})
	del, _ = d.Delivery(ctx, bad)
	if del.Status != mail.StatusFailed || del.LastError == "" {
		t.Errorf("invalid message delivery = %+v", del)
	}
}

func TestDispatcherRunDeliversOnKick(t *testing.T) {
	ctx := testCtx(t)
	pool := newPool(t)
	srv := mailtest.New(t)
	d, err := mail.NewDispatcher(mail.DispatcherConfig{Pool: pool, Sender: smtpSender(t, srv),
		PollInterval: time.Hour}) // only Kick can wake it in time
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- d.Run(runCtx) }()
	t.Cleanup(func() { stop(); <-done })

	for _, to := range []string{"a@example.nl", "b@example.nl"} {
		enqueue(t, ctx, pool, d, uuid.New(), mail.SignRequestMail("nl", to, "", "https://p.test/", ""))
		d.Kick()
		if _, err := srv.WaitFor(ctx, mailtest.To(to)); err != nil {
			t.Fatal(err)
		}
	}
	stop()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
	done <- nil // for the cleanup
}

func TestDispatcherConfigValidate(t *testing.T) {
	_, err := mail.NewDispatcher(mail.DispatcherConfig{})
	if err == nil || !strings.Contains(err.Error(), "Pool") || !strings.Contains(err.Error(), "Sender") {
		t.Errorf("err = %v; want both missing dependencies named", err)
	}
}

func TestExponentialBackoff(t *testing.T) {
	b := mail.ExponentialBackoff(30*time.Second, time.Hour)
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

// TestDispatcherSendsOutsideATransaction: while the mail server is being
// talked to, the dispatcher holds no transaction with an ID (one would
// keep every event committed after it from the event store's readers,
// stalling all projectors for as long as the server hangs), and a second
// dispatcher leaves the claimed mail alone.
func TestDispatcherSendsOutsideATransaction(t *testing.T) {
	ctx := testCtx(t)
	pool := newPool(t)
	clock := testclock.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	inSend, release := make(chan struct{}), make(chan struct{})
	var sent atomic.Int32
	hanging := mail.SenderFunc(func(context.Context, mail.Message) error {
		sent.Add(1)
		close(inSend)
		<-release
		return nil
	})
	d, err := mail.NewDispatcher(mail.DispatcherConfig{Pool: pool, Sender: hanging, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	other, err := mail.NewDispatcher(mail.DispatcherConfig{Pool: pool, Sender: hanging, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.New()
	enqueue(t, ctx, pool, d, id, mail.SignRequestMail("nl", "klant@example.nl", "", "https://p.test/d/1", ""))
	done := make(chan error, 1)
	go func() { _, err := d.DeliverDue(ctx); done <- err }()
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
		t.Errorf("a second dispatcher: %d, %v; want the claimed mail left alone", n, err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if del, _ := d.Delivery(ctx, id); del.Status != mail.StatusSent || del.Attempts != 1 || sent.Load() != 1 {
		t.Fatalf("delivery %+v after %d sends", del, sent.Load())
	}
}
