package document_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	cmd "backoffice/commands/document"
	dt "backoffice/commands/document/documenttest"
	"backoffice/domain"
	doc "backoffice/domain/document"
	"backoffice/eventstore"
	"backoffice/internal/pgtest"
)

// TestSignHoldsNoConnectionWhileAppending: with a pool of one connection,
// shared by the event store as in production, signing must not hold a
// connection while it waits for another (under load every signing would
// hold one and wait for a second). The deadline only catches the
// deadlock; the good path does not depend on it.
func TestSignHoldsNoConnectionWhileAppending(t *testing.T) {
	e, id, tan := askedToSign(t, "Overeenkomst")
	ctx := context.Background()

	pool := pgtest.Pool(t, e.Pool.Config().ConnString()+" pool_max_conns=1") // the feature's database
	if n := pool.Config().MaxConns; n != 1 {
		t.Fatalf("pool of %d connections, want 1", n)
	}
	store := pgtest.EventStore(t, pool)
	h, err := cmd.New(cmd.Config{Store: store, Pool: pool, MasterKey: e.MasterKey, Clock: e.Now})
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := h.Sign(sctx, dt.Meta(e.Client1), id, cmd.Signature{TAN: tan, ReadConfirmed: true}); err != nil {
		t.Fatalf("sign on a one-connection pool: %v", err)
	}
}

// TestTwoCorrectSubmissionsSignOnce: two tabs send Akkoord with the right
// TAN at once: one signature, the other a conflict (or the request is no
// longer open), never two events.
func TestTwoCorrectSubmissionsSignOnce(t *testing.T) {
	e := dt.New(t)
	ctx := context.Background()
	for round := range 3 {
		id, tan := e.Requested(t, "Overeenkomst", round+1)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Go(func() {
				_, errs[i] = e.Handler.Sign(ctx, dt.Meta(e.Client1), id, cmd.Signature{TAN: tan, ReadConfirmed: true})
			})
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case domain.KindOf(err) == domain.KindConflict, errors.Is(err, doc.ErrNoOpenRequest):
			default:
				t.Fatalf("round %d: %v", round, err)
			}
		}
		if signed := len(e.Recorded(t, doc.Stream(id), doc.TypeSigned)); ok != 1 || signed != 1 {
			t.Fatalf("round %d: %d successes, %d signed events (errors %v)", round, ok, signed, errs)
		}
		var attempts int
		if err := e.Pool.QueryRow(ctx, `SELECT attempts FROM document_tans WHERE document_id = $1`, id).Scan(&attempts); err != nil || attempts != 0 {
			t.Fatalf("round %d: %d attempts counted (%v)", round, attempts, err)
		}
	}
}

// TestFailedAppendReleasesTheTAN: when the signature cannot be appended
// (the store is down), the TAN is not used up: the signer can try again.
func TestFailedAppendReleasesTheTAN(t *testing.T) {
	e, id, tan := askedToSign(t, "Overeenkomst")
	ctx := context.Background()
	down := gatedHandler(t, e, &gatedStore{beforeAppend: func() error { return eventstore.ErrUnavailable }})
	if _, err := down.Sign(ctx, dt.Meta(e.Client1), id, cmd.Signature{TAN: tan, ReadConfirmed: true}); !errors.Is(err, eventstore.ErrUnavailable) {
		t.Fatalf("sign with the store down: %v", err)
	}
	if _, err := e.Handler.Sign(ctx, dt.Meta(e.Client1), id, cmd.Signature{TAN: tan, ReadConfirmed: true}); err != nil {
		t.Fatalf("sign again: %v", err)
	}
}

// TestRetryOfASubmissionThatDiedHoldingTheTAN: kill -9 of serve after a
// submission claimed the TAN but before its answer was appended. Its retry
// under the same Idempotency-Key is the same submission: it must sign, not
// answer 409 signature_answered_meanwhile ("another window") for the
// minute the dead claim lasts. Another submission still gets the conflict.
// Found by the every-write kill loop (internal/reliability).
func TestRetryOfASubmissionThatDiedHoldingTheTAN(t *testing.T) {
	e, id, tan := askedToSign(t, "Overeenkomst")
	ctx := context.Background()
	meta := dt.Meta(e.Client1)
	meta.IdempotencyKey, meta.Command = "sign-k1", "POST /documents/"+id+"/sign"
	claimed, dead, gone := make(chan struct{}), make(chan struct{}), make(chan struct{})
	t.Cleanup(func() { close(dead); <-gone })
	dying := gatedHandler(t, e, &gatedStore{beforeAppend: func() error {
		close(claimed) // the TAN is claimed: the process dies here
		<-dead
		return context.Canceled
	}})
	go func() {
		defer close(gone)
		_, _ = dying.Sign(ctx, meta, id, cmd.Signature{TAN: tan, ReadConfirmed: true})
	}()
	<-claimed

	other := dt.Meta(e.Client1)
	other.IdempotencyKey, other.Command = "sign-k2", meta.Command
	if _, err := e.Handler.Sign(ctx, other, id, cmd.Signature{TAN: tan, ReadConfirmed: true}); !errors.Is(err, cmd.ErrAnsweredMeanwhile) {
		t.Fatalf("another submission while the TAN is claimed: %v, want signature_answered_meanwhile", err)
	}
	retry := meta
	retry.Retry = true
	if _, err := e.Handler.Sign(ctx, retry, id, cmd.Signature{TAN: tan, ReadConfirmed: true}); err != nil {
		t.Fatalf("the retry of the dead submission: %v", err)
	}
	if n := len(e.Recorded(t, doc.Stream(id), doc.TypeSigned)); n != 1 {
		t.Fatalf("%d signed events, want 1", n)
	}
}
