package linkmail_test

import (
	"context"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/commands/auth"
	"backoffice/internal/pgtest"
	"backoffice/notify/linkmail"
	"backoffice/notify/mail"
	"backoffice/notify/mail/mailtest"
	"backoffice/notify/reactors"
	"backoffice/readmodel"
)

// TestRequestSurvivesAKillAfterItsAnswer: serve answered 202 to a link
// request and was killed before the background issued the link. The next
// serve on the same database (a second Requests, its Run at start-up)
// mails the link, and it works. Before, the request lived only in the
// killed process: lost (about one in 15-45 kills aimed at it in the
// every-write kill loop).
func TestRequestSurvivesAKillAfterItsAnswer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pool := pgtest.Pool(t, pgtest.NewDBFromTemplate(t, "readmodel", pgtest.WithPool(readmodel.Migrate)))
	srv := mailtest.New(t)
	disp := smtpDispatcher(t, pool, srv)
	killed, svc := annasLinks(ctx, t, pool, disp)
	linkmail.CrashBeforeHandling(killed)
	if err := killed.Request(ctx, "Anna@Flex.test", "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	// An unknown address is stored and answered alike.
	if err := killed.Request(ctx, "niemand@flex.test", "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	killed.Wait()
	if n := queued(ctx, t, pool); n != 0 {
		t.Fatalf("%d mails queued by the killed process; the test's crash point did not hold", n)
	}

	next, err := linkmail.New(linkmail.Config{Pool: pool, Auth: svc, Mail: disp, Links: linkmail.PortalLinks("https://p.test"), Names: reactors.RecipientName})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() { ran <- next.Run(runCtx) }()
	for stored(ctx, t, pool) > 0 && ctx.Err() == nil { // until it has done both
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	if _, err := disp.DeliverDue(ctx); err != nil {
		t.Fatal(err)
	}
	got := srv.Messages()
	if len(got) != 1 || got[0].Rcpt[0] != "anna@flex.test" {
		t.Fatalf("mails after the restart: %+v; want one to anna@flex.test", got)
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
		t.Errorf("the link mailed after the restart does not work: %v", err)
	}
}

// TestStoredRequestIsMailedOnce: two instances sweep the same stored
// request at once (each serve runs the sweep); one link mail is queued.
func TestStoredRequestIsMailedOnce(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pool := pgtest.Pool(t, pgtest.NewDBFromTemplate(t, "readmodel", pgtest.WithPool(readmodel.Migrate)))
	disp := smtpDispatcher(t, pool, mailtest.New(t))
	killed, svc := annasLinks(ctx, t, pool, disp)
	linkmail.CrashBeforeHandling(killed)
	for range 3 { // three requests left: three mails (under the cap of 5), never six
		if err := killed.Request(ctx, "anna@flex.test", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
	}
	killed.Wait()
	var wg sync.WaitGroup
	for range 4 {
		other, err := linkmail.New(linkmail.Config{Pool: pool, Auth: svc, Mail: disp, Links: linkmail.PortalLinks("https://p.test"), Names: reactors.RecipientName})
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			if _, err := other.Resume(ctx, time.Now()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM mail_deliveries WHERE recipient = 'anna@flex.test'`).Scan(&n); err != nil || n != 3 {
		t.Fatalf("%d link mails queued (%v); want 3, one per request", n, err)
	}
}

// TestRequestOlderThanAnHourIsDropped: a request left while serve was down
// for more than an hour is not mailed (the user has asked again or given
// up); its row goes.
func TestRequestOlderThanAnHourIsDropped(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pool := pgtest.Pool(t, pgtest.NewDBFromTemplate(t, "readmodel", pgtest.WithPool(readmodel.Migrate)))
	disp := smtpDispatcher(t, pool, mailtest.New(t))
	killed, svc := annasLinks(ctx, t, pool, disp)
	linkmail.CrashBeforeHandling(killed)
	if err := killed.Request(ctx, "anna@flex.test", "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	killed.Wait()
	later := time.Now().Add(61 * time.Minute)
	next, err := linkmail.New(linkmail.Config{Pool: pool, Auth: svc, Mail: disp, Links: linkmail.PortalLinks("https://p.test"), Names: reactors.RecipientName,
		Clock: func() time.Time { return later }})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := next.Resume(ctx, later); err != nil || n != 0 {
		t.Fatalf("Resume = %d, %v; want 0 handled", n, err)
	}
	if left, n := stored(ctx, t, pool), queued(ctx, t, pool); left != 0 || n != 0 {
		t.Fatalf("%d requests left, %d mails queued; want none", left, n)
	}
}

func smtpDispatcher(t *testing.T, pool *pgxpool.Pool, srv *mailtest.Server) *mail.Dispatcher {
	t.Helper()
	smtp, err := mail.NewSMTPSender(mail.SMTPConfig{URL: srv.URL(), From: "Backoffice <noreply@backoffice.test>"})
	if err != nil {
		t.Fatal(err)
	}
	disp, err := mail.NewDispatcher(mail.DispatcherConfig{Pool: pool, Sender: smtp, Backoff: func(int) time.Duration { return 0 }})
	if err != nil {
		t.Fatal(err)
	}
	return disp
}

// queued counts the mails in the queue.
func queued(ctx context.Context, t *testing.T, pool *pgxpool.Pool) int {
	return countRows(ctx, t, pool, "mail_deliveries")
}

// stored counts the link requests not yet handled.
func stored(ctx context.Context, t *testing.T, pool *pgxpool.Pool) int {
	return countRows(ctx, t, pool, "link_requests")
}

func countRows(ctx context.Context, t *testing.T, pool *pgxpool.Pool, table string) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
