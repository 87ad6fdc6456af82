package linkmail_test

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/commands/auth"
	"backoffice/domain"
	"backoffice/internal/pgtest"
	"backoffice/notify/linkmail"
	"backoffice/notify/mail"
	"backoffice/notify/mail/mailtest"
	"backoffice/notify/reactors"
	"backoffice/readmodel"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var tokenRE = regexp.MustCompile(`https://p\.test/activeren\?token=(\S+)`)

// TestNewLinkWithdrawsTheWaitingOne: while the mail server is down, a user
// asks twice for a link. Each request revokes the previous link, so once
// the server is back only the newest mail goes out, and its link works;
// the older one is withdrawn, not delivered with a dead link before it.
func TestNewLinkWithdrawsTheWaitingOne(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pool := pgtest.Pool(t, pgtest.NewDBFromTemplate(t, "readmodel", pgtest.WithPool(readmodel.Migrate)))
	srv := mailtest.New(t)
	smtp, err := mail.NewSMTPSender(mail.SMTPConfig{URL: srv.URL(), From: "Backoffice <noreply@backoffice.test>"})
	if err != nil {
		t.Fatal(err)
	}
	down := true
	disp, err := mail.NewDispatcher(mail.DispatcherConfig{Pool: pool, Sender: mail.SenderFunc(func(ctx context.Context, m mail.Message) error {
		if down {
			return errors.New("dial tcp: connection refused")
		}
		return smtp.Send(ctx, m)
	}), Backoff: func(int) time.Duration { return 0 }})
	if err != nil {
		t.Fatal(err)
	}
	links, svc := annasLinks(ctx, t, pool, disp)
	for range 2 {
		if err := links.Request(ctx, "anna@flex.test", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		links.Wait()
		if _, err := disp.DeliverDue(ctx); err != nil { // refused: the server is down
			t.Fatal(err)
		}
	}
	down = false
	if n, err := disp.DeliverDue(ctx); err != nil || n != 1 {
		t.Fatalf("DeliverDue with the server back = %d, %v; want the newest mail only", n, err)
	}
	got := srv.Messages()
	if len(got) != 1 {
		t.Fatalf("%d mails arrived; want 1", len(got))
	}
	m := tokenRE.FindStringSubmatch(got[0].Text)
	if m == nil {
		t.Fatalf("no activation link in:\n%s", got[0].Text)
	}
	tok, err := url.QueryUnescape(m[1])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ConsumeToken(ctx, tok, auth.PurposeActivation, "een-goed-wachtwoord-2026", time.Now()); err != nil {
		t.Errorf("the delivered link does not work: %v", err)
	}
	var withdrawn int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM mail_deliveries WHERE status = $1 AND NOT payload ? 'text_body'`, mail.StatusWithdrawn).Scan(&withdrawn); err != nil || withdrawn != 1 {
		t.Errorf("withdrawn mails without their body: %d, %v; want 1", withdrawn, err)
	}
}

// TestNewLinkWithdrawsAFailedOne: a link mail that gave up waits on the
// back office's failed list for a retry; a newer link revoked its token,
// so it leaves the list instead of being resent with a dead link.
func TestNewLinkWithdrawsAFailedOne(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pool := pgtest.Pool(t, pgtest.NewDBFromTemplate(t, "readmodel", pgtest.WithPool(readmodel.Migrate)))
	disp, err := mail.NewDispatcher(mail.DispatcherConfig{Pool: pool, MaxAttempts: 1,
		Sender: mail.SenderFunc(func(context.Context, mail.Message) error { return errors.New("451 try later") })})
	if err != nil {
		t.Fatal(err)
	}
	links, _ := annasLinks(ctx, t, pool, disp)
	request := func() {
		if err := links.Request(ctx, "anna@flex.test", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		links.Wait()
	}
	request()
	if _, err := disp.DeliverDue(ctx); err != nil {
		t.Fatal(err)
	}
	first, err := disp.Failed(ctx, 10)
	if err != nil || len(first) != 1 {
		t.Fatalf("failed after the first request: %+v, %v", first, err)
	}
	request()
	failed, err := disp.Failed(ctx, 10)
	if err != nil || len(failed) != 0 {
		t.Fatalf("failed after the second request: %+v, %v; want none (the first withdrawn, the second pending)", failed, err)
	}
	if err := disp.Retry(ctx, first[0].EventID); !errors.Is(err, mail.ErrNoSuchDelivery) {
		t.Errorf("Retry of the withdrawn mail = %v; want ErrNoSuchDelivery", err)
	}
}

// annasLinks is the link requests of a database with one account,
// anna@flex.test, whose mails go through disp.
func annasLinks(ctx context.Context, t testing.TB, pool *pgxpool.Pool, disp *mail.Dispatcher) (*linkmail.Requests, *auth.Service) {
	t.Helper()
	svc, err := auth.New(pool, auth.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := auth.UpsertAccount(ctx, pool, auth.AccountRow{AccountID: "acc-anna", Email: "anna@flex.test", Role: domain.RoleClient, TenantID: "c1"}); err != nil {
		t.Fatal(err)
	}
	links, err := linkmail.New(linkmail.Config{Pool: pool, Auth: svc, Mail: disp, Links: linkmail.PortalLinks("https://p.test"), Names: reactors.RecipientName})
	if err != nil {
		t.Fatal(err)
	}
	return links, svc
}
