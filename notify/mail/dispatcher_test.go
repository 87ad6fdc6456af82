package mail_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/commands/auth"
	"backoffice/domain"
	"backoffice/internal/pgtest"
	"backoffice/internal/testclock"
	"backoffice/internal/testlog"
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

// TestQueuedSeesEveryMailOfTheEvent: Queued (how a mailer tells a replay)
// answers true once a mail is queued under the event, whatever became of
// it (here: stored as failed), and false for another event.
func TestQueuedSeesEveryMailOfTheEvent(t *testing.T) {
	ctx := testCtx(t)
	pool := newPool(t)
	d, err := mail.NewDispatcher(mail.DispatcherConfig{Pool: pool,
		Sender: mail.SenderFunc(func(context.Context, mail.Message) error { return nil })})
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.New()
	if q, err := mail.Queued(ctx, pool, id); err != nil || q {
		t.Fatalf("Queued before Enqueue = %v, %v", q, err)
	}
	if err := d.Enqueue(ctx, pool, id, mail.Message{To: "not an address", Subject: "x", TextBody: "y"}); err != nil {
		t.Fatal(err)
	}
	if q, err := mail.Queued(ctx, pool, id); err != nil || !q {
		t.Errorf("Queued after Enqueue = %v, %v", q, err)
	}
	if q, err := mail.Queued(ctx, pool, uuid.New()); err != nil || q {
		t.Errorf("Queued of another event = %v, %v", q, err)
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

// TestDispatcherGivesUpOnARefusedMailbox: a mailbox the server refuses
// for good (550 5.1.1 at RCPT TO) fails at once, so it shows on the
// back office's failed list and in the metrics instead of being retried
// forever unseen; a busy mailbox (4xx) is retried; the others go out.
func TestDispatcherGivesUpOnARefusedMailbox(t *testing.T) {
	ctx := testCtx(t)
	pool := newPool(t)
	srv := mailtest.New(t)
	srv.RefuseRcpt(func(rcpt string) error {
		switch rcpt {
		case "vertrokken@example.nl":
			return mailtest.RefusedMailbox(rcpt)
		case "vol@example.nl":
			return mailtest.BusyMailbox(rcpt)
		case "extern@example.com": // the server's configuration, not the address
			return &gosmtp.SMTPError{Code: 554, EnhancedCode: gosmtp.EnhancedCode{5, 7, 1}, Message: "Relay access denied"}
		}
		return nil
	})
	smtp, err := mail.NewSMTPSender(mail.SMTPConfig{URL: srv.URL(), From: from})
	if err != nil {
		t.Fatal(err)
	}
	clock := testclock.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	d, err := mail.NewDispatcher(mail.DispatcherConfig{Pool: pool, Now: clock.Now, Sender: smtp})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]uuid.UUID{}
	for _, to := range []string{"a@example.nl", "vertrokken@example.nl", "vol@example.nl", "extern@example.com", "b@example.nl"} {
		ids[to] = uuid.New()
		if err := d.Enqueue(ctx, pool, ids[to], mail.SignRequestMail("nl", to, "", "https://p.test/d/1", "")); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := d.DeliverDue(ctx); err != nil || n != 5 {
		t.Fatalf("DeliverDue = %d, %v", n, err)
	}
	for to, want := range map[string]string{"a@example.nl": mail.StatusSent, "b@example.nl": mail.StatusSent,
		"vertrokken@example.nl": mail.StatusFailed, "vol@example.nl": mail.StatusPending, "extern@example.com": mail.StatusPending} {
		if del, err := d.Delivery(ctx, ids[to]); err != nil || del.Status != want || del.Attempts != 1 {
			t.Errorf("%s: %+v, %v; want %s after one attempt", to, del, err, want)
		}
	}
	failed, err := d.Failed(ctx, 10)
	if err != nil || len(failed) != 1 || failed[0].EventID != ids["vertrokken@example.nl"] ||
		!strings.Contains(failed[0].LastError, "550") {
		t.Fatalf("Failed = %+v, %v; want the refused mailbox with the server's answer", failed, err)
	}
	if b, err := d.Backlog(ctx); err != nil || b.Failed != 1 || b.Retrying != 2 || b.Pending != 2 {
		t.Errorf("Backlog = %+v, %v; want 1 failed, 2 retrying", b, err)
	}
	if got := len(srv.Messages()); got != 2 {
		t.Errorf("server received %d messages; want 2", got)
	}
}

// TestDispatcherLogsNoAddress: the log lines of a refused mailbox and of
// an invalid recipient name the event, not the address (docs/security.md:
// no e-mail addresses in logs); neither does the stored error, whose
// recipient the failed list shows in its own column.
func TestDispatcherLogsNoAddress(t *testing.T) {
	ctx := testCtx(t)
	pool := newPool(t)
	srv := mailtest.New(t)
	srv.RefuseRcpt(func(rcpt string) error { return mailtest.RefusedMailbox(rcpt) })
	smtp, err := mail.NewSMTPSender(mail.SMTPConfig{URL: srv.URL(), From: from})
	if err != nil {
		t.Fatal(err)
	}
	var logs testlog.Buffer
	d, err := mail.NewDispatcher(mail.DispatcherConfig{Pool: pool, Sender: smtp,
		Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	refused, invalid := uuid.New(), uuid.New()
	if err := d.Enqueue(ctx, pool, refused, mail.SignRequestMail("nl", "jan.jansen@example.nl", "", "https://p.test/d/1", "")); err != nil {
		t.Fatal(err)
	}
	if err := d.Enqueue(ctx, pool, invalid, mail.SignRequestMail("nl", "piet pietersen@example.nl", "", "https://p.test/d/1", "")); err != nil {
		t.Fatal(err)
	}
	if n, err := d.DeliverDue(ctx); err != nil || n != 1 {
		t.Fatalf("DeliverDue = %d, %v", n, err)
	}
	out := logs.String()
	if !strings.Contains(out, refused.String()) || !strings.Contains(out, invalid.String()) {
		t.Fatalf("the log does not name both deliveries:\n%s", out)
	}
	for _, leak := range []string{"jan.jansen", "pietersen", "piet "} {
		if strings.Contains(out, leak) {
			t.Errorf("the log holds %q:\n%s", leak, out)
		}
	}
	for _, id := range []uuid.UUID{refused, invalid} {
		del, err := d.Delivery(ctx, id)
		if err != nil || del.Status != mail.StatusFailed || strings.Contains(del.LastError, "jan.jansen") || strings.Contains(del.LastError, "pietersen") {
			t.Errorf("delivery %s = %+v, %v; want failed, its error without the address", id, del, err)
		}
	}
}

// TestDispatcherSkipsABlockedAccount: a mail queued for an account that is
// blocked before it goes out is not sent (the activation, reset or sign
// link, the timesheet details stay home) but shown as failed, and a retry
// sends it only once the account is unblocked; a mail for an address that
// is no longer the account's is not sent to the old address either. Mails
// for other accounts, and those for no account, go out.
func TestDispatcherSkipsABlockedAccount(t *testing.T) {
	ctx := testCtx(t)
	pool := newPool(t)
	srv := mailtest.New(t)
	smtp, err := mail.NewSMTPSender(mail.SMTPConfig{URL: srv.URL(), From: from})
	if err != nil {
		t.Fatal(err)
	}
	d, err := mail.NewDispatcher(mail.DispatcherConfig{Pool: pool, Sender: smtp})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := auth.New(pool, auth.Config{})
	if err != nil {
		t.Fatal(err)
	}
	d.CheckRecipients(svc.TakesMail)
	for id, email := range map[string]string{"acc-ok": "ok@example.nl", "acc-blocked": "weg@example.nl", "acc-moved": "nieuw@example.nl"} {
		if err := auth.UpsertAccount(ctx, pool, auth.AccountRow{AccountID: id, Email: email, Role: domain.RoleClient, TenantID: "c1"}); err != nil {
			t.Fatal(err)
		}
	}
	queue := func(accountID, to string) uuid.UUID {
		id := uuid.New()
		msg := mail.SignRequestMail("nl", to, "", "https://p.test/d/1", "")
		msg.AccountID = accountID
		if err := d.Enqueue(ctx, pool, id, msg); err != nil {
			t.Fatal(err)
		}
		return id
	}
	ok, blocked, moved, none := queue("acc-ok", "ok@example.nl"), queue("acc-blocked", "weg@example.nl"),
		queue("acc-moved", "oud@example.nl"), queue("", "info@example.nl")
	if err := svc.Disable(ctx, "acc-blocked"); err != nil {
		t.Fatal(err)
	}
	if n, err := d.DeliverDue(ctx); err != nil || n != 4 {
		t.Fatalf("DeliverDue = %d, %v", n, err)
	}
	for id, want := range map[uuid.UUID]string{ok: mail.StatusSent, none: mail.StatusSent, blocked: mail.StatusFailed, moved: mail.StatusFailed} {
		del, err := d.Delivery(ctx, id)
		if err != nil || del.Status != want {
			t.Errorf("%s: %+v, %v; want %s", del.Recipient, del, err, want)
		}
		if want == mail.StatusFailed && del.LastError != mail.ErrRecipientGone.Error() {
			t.Errorf("%s: error %q; want %q", del.Recipient, del.LastError, mail.ErrRecipientGone)
		}
	}
	var to []string
	for _, m := range srv.Messages() {
		to = append(to, m.Rcpt...)
	}
	if slices.Sort(to); !slices.Equal(to, []string{"info@example.nl", "ok@example.nl"}) {
		t.Fatalf("server received mail for %v; want only the current accounts and the mail for no account", to)
	}
	// Unblocked, a retry sends it.
	if err := svc.Enable(ctx, "acc-blocked"); err != nil {
		t.Fatal(err)
	}
	if err := d.Retry(ctx, blocked); err != nil {
		t.Fatal(err)
	}
	if n, err := d.DeliverDue(ctx); err != nil || n != 1 {
		t.Fatalf("DeliverDue after the retry = %d, %v", n, err)
	}
	if del, _ := d.Delivery(ctx, blocked); del.Status != mail.StatusSent || len(srv.Messages()) != 3 {
		t.Errorf("after unblocking and a retry: %+v, %d messages", del, len(srv.Messages()))
	}
}
