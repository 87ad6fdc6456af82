package mail_test

import (
	"context"
	"errors"
	"strings"
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

// The queue itself (claim, lease, back-off, give-up, shutdown) is tested
// once for mail and SMS in notify/queue; these are the mail's own rules.

func newPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	cs := pgtest.NewDBFromTemplate(t, "readmodel", pgtest.WithPool(readmodel.Migrate))
	return pgtest.Pool(t, cs)
}

// TestDispatcherStoresAnInvalidMessageAsFailed: a message no server could
// take is kept as failed with the reason, not returned to the projector.
func TestDispatcherStoresAnInvalidMessageAsFailed(t *testing.T) {
	ctx := testCtx(t)
	pool := newPool(t)
	sends := 0
	d, err := mail.NewDispatcher(mail.DispatcherConfig{Pool: pool,
		Sender: mail.SenderFunc(func(context.Context, mail.Message) error { sends++; return nil })})
	if err != nil {
		t.Fatal(err)
	}
	bad := uuid.New()
	if err := d.Enqueue(ctx, pool, bad, mail.Message{To: "not an address", Subject: "x", TextBody: "y"}); err != nil {
		t.Fatal(err)
	}
	if n, err := d.DeliverDue(ctx); err != nil || n != 0 || sends != 0 {
		t.Fatalf("DeliverDue = %d, %v after %d sends; want nothing sent", n, err, sends)
	}
	if del, _ := d.Delivery(ctx, bad); del.Status != mail.StatusFailed || !strings.Contains(del.LastError, "invalid recipient") {
		t.Errorf("invalid message delivery = %+v", del)
	}
}

// TestDispatcherKeepsAFailedMailForRetry: a mail given up keeps its body
// (unlike a sent one), so Retry sends it as it was.
func TestDispatcherKeepsAFailedMailForRetry(t *testing.T) {
	ctx := testCtx(t)
	pool := newPool(t)
	srv := mailtest.New(t)
	smtp, err := mail.NewSMTPSender(mail.SMTPConfig{URL: srv.URL(), From: from})
	if err != nil {
		t.Fatal(err)
	}
	down := true
	clock := testclock.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	d, err := mail.NewDispatcher(mail.DispatcherConfig{Pool: pool, Now: clock.Now, MaxAttempts: 1,
		Sender: mail.SenderFunc(func(ctx context.Context, m mail.Message) error {
			if down {
				return errors.New("550 mailbox unavailable")
			}
			return smtp.Send(ctx, m)
		})})
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.New()
	if err := d.Enqueue(ctx, pool, id, mail.SignRequestMail("nl", "klant@example.nl", "", "https://p.test/d/1", "")); err != nil {
		t.Fatal(err)
	}
	if n, err := d.DeliverDue(ctx); err != nil || n != 1 {
		t.Fatalf("DeliverDue = %d, %v", n, err)
	}
	failed, err := d.Failed(ctx, 10)
	if err != nil || len(failed) != 1 || failed[0].EventID != id || failed[0].LastError != "550 mailbox unavailable" {
		t.Fatalf("Failed = %+v, %v", failed, err)
	}
	down = false
	if err := d.Retry(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := d.Retry(ctx, id); !errors.Is(err, mail.ErrNoSuchDelivery) {
		t.Errorf("a second Retry = %v; want ErrNoSuchDelivery", err)
	}
	if n, err := d.DeliverDue(ctx); err != nil || n != 1 {
		t.Fatalf("DeliverDue after Retry = %d, %v", n, err)
	}
	got := srv.Messages()
	if del, _ := d.Delivery(ctx, id); del.Status != mail.StatusSent || del.Attempts != 1 || len(got) != 1 ||
		!strings.Contains(got[0].Text, "https://p.test/d/1") {
		t.Errorf("after Retry: %+v, %d messages", del, len(got))
	}
}
