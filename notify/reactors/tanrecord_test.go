package reactors_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	cmd "backoffice/commands/document"
	dt "backoffice/commands/document/documenttest"
	doc "backoffice/domain/document"
	"backoffice/eventstore"
	"backoffice/notify/mail/mailtest"
	"backoffice/notify/reactors"
	"backoffice/notify/sms"
	"backoffice/notify/sms/smstest"
	rm "backoffice/readmodel/documents"
)

// The record of a TAN (document.tan_issued) is appended after the
// transaction that issued it, never inside it: a transaction with a
// transaction ID that stays open (here: waiting for a document stream's
// lock) would keep every reader of the PostgreSQL event store, and so every
// projector, from the events committed after it began.

// streamLockClass is the event store's first key of its stream locks
// (eventstore/postgres, lockSQL).
const streamLockClass int32 = 0x65766e74

// holdStreamLock takes the append lock of the document's stream in a
// transaction of its own, as a slow append to that stream would hold it,
// and returns its release. The holder gets no transaction ID: it holds
// back no reader itself.
func holdStreamLock(t *testing.T, pool *pgxpool.Pool, id string) (release func()) {
	t.Helper()
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var xid *string
	if err := tx.QueryRow(ctx, `SELECT pg_advisory_xact_lock($1::int, hashtext($2::text))::text, pg_current_xact_id_if_assigned()::text`,
		streamLockClass, doc.Stream(id)).Scan(new(string), &xid); err != nil {
		t.Fatal(err)
	}
	if xid != nil {
		t.Fatalf("the lock holder has transaction ID %s: it would hold the readers back itself", *xid)
	}
	var once sync.Once
	release = func() { once.Do(func() { _ = tx.Rollback(ctx) }) }
	t.Cleanup(release)
	return release
}

// waitForLockWaiter waits until a session waits for a stream lock.
func waitForLockWaiter(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var waiting bool
		if err := pool.QueryRow(context.Background(), `SELECT EXISTS (SELECT FROM pg_locks
			WHERE locktype = 'advisory' AND NOT granted AND classid = $1::int::oid AND objsubid = 2
			AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))`, streamLockClass).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("nobody came to wait for the document's stream lock")
		}
	}
}

// projectedMeanwhile fails the test unless the documents read model and
// the sign mailer pass pos (generous deadline: they stand still for as
// long as a transaction with an ID stays open before pos's).
func projectedMeanwhile(t *testing.T, e *dt.Env, pos eventstore.Position, what string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := e.Docs.WaitFor(ctx, pos, rm.NameDocuments, reactors.SignMailerName); err != nil {
		t.Fatalf("the read models stood still while %s: %v", what, err)
	}
}

// requestEvent is the document's document.signature_requested event.
func requestEvent(t *testing.T, e *dt.Env, id string) eventstore.RecordedEvent {
	t.Helper()
	evs, err := e.Store.ReadStream(context.Background(), doc.Stream(id), eventstore.ReadStreamOptions{From: 1, Max: 1})
	if err != nil || len(evs) != 1 || evs[0].Type != doc.TypeSignatureRequested {
		t.Fatalf("request event: %v %v", evs, err)
	}
	return evs[0]
}

// TestHeldStreamLockHoldsNoProjector: the sign mailer handles a request
// while another session holds the document stream's lock. The mailer
// commits (TAN, link and the queued record), the record waits for the
// lock outside any transaction, and a document uploaded meanwhile is
// projected. Once the lock is free the issue is recorded once, and only
// then the mail with the code goes out. A transaction of the mailer that
// rolled back (handled by hand here first) records nothing.
func TestHeldStreamLockHoldsNoProjector(t *testing.T) {
	gate := make(chan struct{})
	var once sync.Once
	e := dt.NewWith(t, dt.Options{BeforeSignMail: func(ctx context.Context, ev eventstore.RecordedEvent) {
		if ev.Type == doc.TypeSignatureRequested {
			once.Do(func() {
				select {
				case <-gate:
				case <-ctx.Done():
				}
			})
		}
	}})
	ctx := context.Background()
	kees := e.Emails["client1"]
	id := e.Upload(t, "Vastgehouden")
	asked, err := e.AskClient1(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	// The runtime's mailer waits at the gate. Handled by hand and rolled
	// back: nothing may stay of it, in the ledger or the queues.
	req := requestEvent(t, e, id)
	tx, err := e.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Mailer.Handle(ctx, tx, req); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if got := tanIssued(t, e, id); len(got) != 0 {
		t.Fatalf("a rolled-back handling recorded the issue of a TAN it never committed: %d events", len(got))
	}

	release := holdStreamLock(t, e.Pool, id)
	close(gate)
	waitForLockWaiter(t, e.Pool)
	_, other, err := e.Handler.Upload(ctx, dt.Meta(e.Backoffice), cmd.Upload{ClientID: "c1",
		Kind: doc.KindDocument, Title: "Daarna", FileName: "o.pdf", Content: dt.PDF})
	if err != nil {
		t.Fatal(err)
	}
	later, err := e.Store.ReadStream(ctx, doc.Stream(other), eventstore.ReadStreamOptions{})
	if err != nil || len(later) == 0 {
		t.Fatalf("the upload meanwhile: %v %v", later, err)
	}
	projectedMeanwhile(t, e, later[len(later)-1].Position, "the TAN's record waited for a stream lock")
	if d, err := e.Mailer.TANRecord(ctx, req.ID); err != nil || d.Status != "pending" || d.Recipient != "k•••@c1.test" {
		t.Fatalf("the record while the lock is held: %+v, %v; want pending", d, err)
	}
	if got := tanIssued(t, e, id); len(got) != 0 {
		t.Fatalf("recorded while the stream was locked: %d events", len(got))
	}
	if n := e.Count(kees, func(m mailtest.Received) bool { return dt.SignToken(m) != "" }); n != 0 {
		t.Fatalf("the mail with the code went before its issue was recorded (%d)", n)
	}

	release()
	if got := issuedOnce(t, e, id); got.Channel != doc.ChannelEmail || got.MaskedAddress != "k•••@c1.test" {
		t.Fatalf("tan_issued %+v", got)
	}
	_, tan := e.SignMail(t, kees, 1)
	e.Wait(t, asked.Position)
	if _, err := e.Handler.Sign(ctx, dt.Meta(e.Client1), id, cmd.Signature{TAN: tan, ReadConfirmed: true}); err != nil {
		t.Fatalf("signing with the mailed code: %v", err)
	}
	d, err := e.Mailer.TANRecord(ctx, req.ID)
	if err != nil || d.Status != "sent" {
		t.Fatalf("the record after the lock: %+v, %v; want sent", d, err)
	}
	var left *string
	if err := e.Pool.QueryRow(ctx, `SELECT mail::text FROM sign_tan_records WHERE event_id = $1`, req.ID).Scan(&left); err != nil || left != nil {
		t.Fatalf("the recorded row keeps its mail (with the TAN): %v %v", left != nil, err)
	}
	if n := len(tanIssued(t, e, id)); n != 1 {
		t.Fatalf("%d document.tan_issued events, want 1", n)
	}
}

// TestSMSOutcomeHoldsNoProjector: the SMS queue records a TAN message's
// outcome while the document stream's lock is held; the outcome's
// transaction commits (it only queues the record), the read models go on,
// and the issue is recorded once the lock is free.
func TestSMSOutcomeHoldsNoProjector(t *testing.T) {
	fake := smstest.NewSpryng(t)
	fake.Stall(1)
	s, err := sms.NewSpryng(sms.SpryngConfig{URL: fake.URL, Token: fake.Token, Originator: "Backoffice", Attempts: 1, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	e := dt.NewWith(t, dt.Options{SMS: s})
	ctx := context.Background()
	id := ask(t, e, "Sms vastgehouden")
	fake.WaitFor(t, 1) // the send hangs; meanwhile the stream gets locked
	release := holdStreamLock(t, e.Pool, id)
	req := requestEvent(t, e, id)
	// The stalled try times out; the next attempt is sent and its outcome
	// recorded with the stream still locked.
	fake.WaitFor(t, 2)
	if d := settled(t, e, req.ID); d.Status != sms.StatusSent {
		t.Fatalf("the SMS %+v", d)
	}
	waitForLockWaiter(t, e.Pool)
	other := e.Upload(t, "Daarna")
	later, err := e.Store.ReadStream(ctx, doc.Stream(other), eventstore.ReadStreamOptions{})
	if err != nil || len(later) == 0 {
		t.Fatalf("the upload meanwhile: %v %v", later, err)
	}
	projectedMeanwhile(t, e, later[len(later)-1].Position, "the SMS's outcome waited for a stream lock")
	if got := tanIssued(t, e, id); len(got) != 0 {
		t.Fatalf("recorded while the stream was locked: %d events", len(got))
	}
	release()
	if got := issuedOnce(t, e, id); got.Channel != doc.ChannelSMS || !strings.HasPrefix(got.MaskedAddress, "+31 6") {
		t.Fatalf("tan_issued %+v", got)
	}
}
