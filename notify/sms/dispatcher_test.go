package sms_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/internal/pgtest"
	"backoffice/internal/testclock"
	"backoffice/notify/sms"
	"backoffice/notify/sms/smstest"
	"backoffice/readmodel"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// The SMS queue against the real PostgreSQL and the fake Spryng gateway:
// a message is sent only after the projector's transaction commits, never
// after a rollback, once per event, and a gateway outage ends, after
// bounded retries, in a recorded failure and the kind's hook. The engine's
// own rules (lease, send outside a transaction, back-off, shutdown) are
// tested for mail and SMS alike in notify/queue.

func newPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	cs := pgtest.NewDBFromTemplate(t, "readmodel", pgtest.WithPool(readmodel.Migrate))
	return pgtest.Pool(t, cs)
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// outcomes records what the hook was told.
type outcomes struct {
	mu  sync.Mutex
	got []sms.Outcome
}

func (o *outcomes) hook(_ context.Context, _ pgx.Tx, out sms.Outcome) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.got = append(o.got, out)
	return nil
}

func (o *outcomes) all() []sms.Outcome {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]sms.Outcome(nil), o.got...)
}

type ref struct {
	Document string `json:"document"`
}

// queueOn returns a dispatcher sending through Spryng on the fake (one
// try per Send, so the test counts the dispatcher's attempts), with its
// hook for kind "tan".
func queueOn(t *testing.T, pool *pgxpool.Pool, f *smstest.Spryng, clock *testclock.Clock, maxAttempts int) (*sms.Dispatcher, *outcomes) {
	t.Helper()
	s, err := sms.NewSpryng(sms.SpryngConfig{URL: f.URL, Token: f.Token, Originator: "Backoffice", Attempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	d, err := sms.NewDispatcher(sms.DispatcherConfig{Pool: pool, Sender: s, Now: clock.Now, MaxAttempts: maxAttempts,
		Backoff: func(n int) time.Duration { return time.Duration(n) * time.Minute }})
	if err != nil {
		t.Fatal(err)
	}
	o := &outcomes{}
	if err := d.OnSettled("tan", o.hook); err != nil {
		t.Fatal(err)
	}
	if err := d.OnSettled("tan", o.hook); err == nil {
		t.Fatal("a second hook for one kind was accepted")
	}
	return d, o
}

// setup is a test's context, database, fake gateway, clock and the
// dispatcher sending through it (queueOn) with its hook's outcomes.
func setup(t *testing.T, maxAttempts int) (context.Context, *pgxpool.Pool, *smstest.Spryng, *testclock.Clock, *sms.Dispatcher, *outcomes) {
	t.Helper()
	pool, f := newPool(t), smstest.NewSpryng(t)
	clock := testclock.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	d, o := queueOn(t, pool, f, clock, maxAttempts)
	return testCtx(t), pool, f, clock, d, o
}

func tanMessage() sms.Queued {
	return sms.Queued{Message: sms.Message{To: number, Body: "Uw TAN-code is QRST"}, Kind: "tan", Ref: ref{Document: "doc-1"}}
}

func pass(t *testing.T, ctx context.Context, d *sms.Dispatcher, want int) {
	t.Helper()
	if n, err := d.DeliverDue(ctx); err != nil || n != want {
		t.Fatalf("DeliverDue = %d, %v; want %d", n, err, want)
	}
}

// stored is the row's number, text and context as the table holds them.
func stored(t *testing.T, ctx context.Context, pool *pgxpool.Pool, id uuid.UUID) string {
	t.Helper()
	var to, body string
	var r []byte
	if err := pool.QueryRow(ctx, `SELECT recipient, body, coalesce(ref::text, '') FROM sms_deliveries WHERE event_id = $1`, id).
		Scan(&to, &body, &r); err != nil {
		t.Fatal(err)
	}
	return to + body + string(r)
}

func TestSMSQueueSendsAfterCommitOnly(t *testing.T) {
	ctx, pool, f, _, d, o := setup(t, 3)

	// Queued in a projector's transaction: nothing is due until it commits.
	id := uuid.New()
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Enqueue(ctx, tx, id, tanMessage()); err != nil {
		t.Fatal(err)
	}
	pass(t, ctx, d, 0)
	if n := len(f.Requests()); n != 0 {
		t.Fatalf("%d requests before the commit", n)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	pass(t, ctx, d, 1)
	reqs := f.Requests()
	if len(reqs) != 1 || reqs[0].Body != "Uw TAN-code is QRST" || reqs[0].Recipients[0] != "31612345678" {
		t.Fatalf("requests %+v", reqs)
	}
	del, err := d.Delivery(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if del.Status != sms.StatusSent || del.Attempts != 1 || del.SentAt == nil || del.Recipient != "+31 6 ••• ••78" || del.Kind != "tan" {
		t.Fatalf("delivery %+v", del)
	}
	got := o.all()
	if len(got) != 1 || !got[0].Sent || got[0].EventID != id || got[0].To != number || !strings.Contains(string(got[0].Ref), `"doc-1"`) {
		t.Fatalf("hook got %+v", got)
	}
	// Sent: the number, the TAN and the hook's context are gone.
	if s := stored(t, ctx, pool, id); s != "" {
		t.Errorf("the sent row still holds %q", s)
	}

	// The same event queued again (a replay) sends nothing.
	if err := d.Enqueue(ctx, pool, id, tanMessage()); err != nil {
		t.Fatal(err)
	}
	pass(t, ctx, d, 0)
	if n := len(f.Requests()); n != 1 {
		t.Fatalf("a replayed event sent again (%d requests)", n)
	}
}

func TestSMSQueueRollbackSendsNothing(t *testing.T) {
	ctx, pool, f, _, d, o := setup(t, 3)

	id := uuid.New()
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := d.Enqueue(ctx, tx, id, tanMessage()); err != nil {
			return err
		}
		return errors.New("the projector failed after queueing")
	})
	if err == nil {
		t.Fatal("the transaction committed")
	}
	pass(t, ctx, d, 0)
	// The projector handles the event again and commits: one message.
	for range 2 {
		if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return d.Enqueue(ctx, tx, id, tanMessage()) }); err != nil {
			t.Fatal(err)
		}
	}
	pass(t, ctx, d, 1)
	pass(t, ctx, d, 0)
	if n := len(f.Requests()); n != 1 {
		t.Fatalf("%d requests, want 1", n)
	}
	if got := o.all(); len(got) != 1 || !got[0].Sent {
		t.Fatalf("hook got %+v", got)
	}
}

func TestSMSQueueOutageRetriesThenRecordsTheFailure(t *testing.T) {
	ctx, pool, f, clock, d, o := setup(t, 3)
	f.Answer(503, 503, 503, 503)

	id := uuid.New()
	if err := d.Enqueue(ctx, pool, id, tanMessage()); err != nil {
		t.Fatal(err)
	}
	pass(t, ctx, d, 1) // 503: again in 1 min
	del, _ := d.Delivery(ctx, id)
	if del.Status != sms.StatusPending || del.Attempts != 1 || !del.NextAttemptAt.Equal(clock.Now().Add(time.Minute)) ||
		!strings.Contains(del.LastError, "503") {
		t.Fatalf("after the first failure: %+v", del)
	}
	pass(t, ctx, d, 0) // not due yet
	clock.Advance(time.Minute)
	pass(t, ctx, d, 1) // 503: again in 2 min
	clock.Advance(2 * time.Minute)
	if got := o.all(); len(got) != 0 {
		t.Fatalf("the hook ran before the queue gave up: %+v", got)
	}
	pass(t, ctx, d, 1) // 503, the third attempt: given up
	clock.Advance(time.Hour)
	pass(t, ctx, d, 0)
	if n := len(f.Requests()); n != 3 {
		t.Fatalf("%d requests, want 3 bounded attempts", n)
	}
	del, _ = d.Delivery(ctx, id)
	if del.Status != sms.StatusFailed || del.Attempts != 3 || del.SentAt != nil || !strings.Contains(del.LastError, "503") {
		t.Fatalf("after giving up: %+v", del)
	}
	got := o.all()
	if len(got) != 1 || got[0].Sent || got[0].Error == "" || got[0].Body != "Uw TAN-code is QRST" {
		t.Fatalf("hook got %+v", got)
	}
	var r ref
	if err := json.Unmarshal(got[0].Ref, &r); err != nil || r.Document != "doc-1" {
		t.Fatalf("hook's ref %s: %v", got[0].Ref, err)
	}
	failed, err := d.Failed(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(failed) != 1 || failed[0].EventID != id || failed[0].Recipient != "+31 6 ••• ••78" {
		t.Fatalf("failed list %+v", failed)
	}
	if s := stored(t, ctx, pool, id); s != "" {
		t.Errorf("the failed row still holds %q", s)
	}
	for _, f := range failed {
		if strings.Contains(f.LastError, "612345678") || strings.Contains(f.LastError, "QRST") {
			t.Errorf("the error holds the number or the text: %q", f.LastError)
		}
	}
}

// TestSMSQueueRefusalFailsAtOnce: a refusal for good (4xx, an invalid
// message) is not retried; the hook learns of it on the first pass.
func TestSMSQueueRefusalFailsAtOnce(t *testing.T) {
	ctx, pool, f, clock, d, o := setup(t, 5)
	f.Answer(422)
	refused, invalid := uuid.New(), uuid.New()
	if err := d.Enqueue(ctx, pool, refused, tanMessage()); err != nil {
		t.Fatal(err)
	}
	bad := tanMessage()
	bad.To = "0612345678" // not E.164: never reaches the gateway
	if err := d.Enqueue(ctx, pool, invalid, bad); err != nil {
		t.Fatal(err)
	}
	pass(t, ctx, d, 2)
	clock.Advance(time.Hour)
	pass(t, ctx, d, 0)
	if n := len(f.Requests()); n != 1 {
		t.Fatalf("%d requests, want the one refused", n)
	}
	for _, id := range []uuid.UUID{refused, invalid} {
		if del, _ := d.Delivery(ctx, id); del.Status != sms.StatusFailed || del.Attempts != 1 {
			t.Errorf("delivery %+v", del)
		}
	}
	if got := o.all(); len(got) != 2 || got[0].Sent || got[1].Sent {
		t.Fatalf("hook got %+v", got)
	}
}

// TestSMSQueueFailedHookRetries: a failed message whose hook fails is not
// recorded as failed: it is tried again after a back-off (the hook's work,
// a mail with the TAN, must not be lost).
func TestSMSQueueFailedHookRetries(t *testing.T) {
	ctx := testCtx(t)
	pool := newPool(t)
	f := smstest.NewSpryng(t)
	clock := testclock.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	s, err := sms.NewSpryng(sms.SpryngConfig{URL: f.URL, Token: f.Token, Originator: "Backoffice", Attempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	d, err := sms.NewDispatcher(sms.DispatcherConfig{Pool: pool, Sender: s, Now: clock.Now, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	if err := d.OnSettled("tan", func(ctx context.Context, tx pgx.Tx, o sms.Outcome) error {
		calls++
		if calls == 1 {
			_, err := tx.Exec(ctx, `SELECT no_such_column FROM sms_deliveries`)
			return err
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	f.Answer(422, 422)
	id := uuid.New()
	if err := d.Enqueue(ctx, pool, id, tanMessage()); err != nil {
		t.Fatal(err)
	}
	if _, err := d.DeliverDue(ctx); err == nil {
		t.Fatal("the hook's failure was not reported")
	}
	if del, _ := d.Delivery(ctx, id); del.Status != sms.StatusPending || del.Attempts != 0 || !del.NextAttemptAt.After(clock.Now()) {
		t.Fatalf("after the hook failed: %+v; want pending, due after a back-off", del)
	}
	pass(t, ctx, d, 0) // not at once
	clock.Advance(time.Hour)
	pass(t, ctx, d, 1)
	if del, _ := d.Delivery(ctx, id); del.Status != sms.StatusFailed || calls != 2 {
		t.Fatalf("after the retry: %+v, %d hook calls", del, calls)
	}
}
