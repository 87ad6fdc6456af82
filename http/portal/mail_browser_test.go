package portal_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"backoffice/commands"
	tscmd "backoffice/commands/timesheet"
	"backoffice/internal/app"
	"backoffice/internal/browsertest"
	"backoffice/notify/mail"
	"backoffice/notify/mail/mailtest"
)

// TestMailInBrowser: a mail the application sent through real SMTP (the
// in-process server) renders in chromium (screenshots at desktop and
// phone width), and its button opens the right screen after the login:
// Els offers Jan's week 5, the intermediary's "Er staat een urenbriefje
// voor u klaar" links to that timesheet, where the approve button waits.
func TestMailInBrowser(t *testing.T) {
	skipInShort(t)
	smtp := mailtest.New(t)
	f := newFixtureWith(t, func(o *app.Options) {
		sender, err := mail.NewSMTPSender(mail.SMTPConfig{URL: smtp.URL(), From: "Backofficebureau <noreply@bureau.test>"})
		if err != nil {
			t.Fatal(err)
		}
		// The fixture reads TANs from the outbox: mail goes to both.
		outbox := o.MailSender
		o.MailSender = mail.SenderFunc(func(ctx context.Context, m mail.Message) error {
			if err := outbox.Send(ctx, m); err != nil {
				return err
			}
			return sender.Send(ctx, m)
		})
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := f.App.Timesheets.Offer(ctx, commands.Meta{Actor: f.accounts[clientEmail]},
		tscmd.Offer{Target: tscmd.Target{PlacementID: "p1", Week: wk(5)}}); err != nil {
		t.Fatal(err)
	}
	const subject = "Er staat een urenbriefje voor u klaar: Jan de Vries, week 5 van 2026"
	m, err := smtp.WaitFor(ctx, func(r mailtest.Received) bool {
		return len(r.To) == 1 && r.To[0] == interEmail && r.Subject == subject
	})
	if err != nil {
		t.Fatalf("no mail %q to the intermediary: %v", subject, err)
	}
	sheet := f.URL + "/plaatsingen/p1/weken/2026-W05"
	if !strings.Contains(m.HTML, `href="`+sheet+`"`) || !strings.Contains(m.Text, sheet) {
		t.Fatalf("the mail does not link to the timesheet:\n%s", m.HTML)
	}

	// The HTML part as a mail program shows it: a page of its own origin.
	page := m.HTML
	webmail := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(page))
	}))
	t.Cleanup(webmail.Close)

	b := browsertest.New(t)
	b.Do(
		logout,
		chromedp.Navigate(webmail.URL),
		chromedp.WaitVisible(chromedp.CSS(`a[href="`+sheet+`"]`)),
	)
	// The button is one the reader sees: its text in the mail.
	text, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS(`a[href="`+sheet+`"]`)))
	if err != nil || text != "Urenbriefje openen" {
		t.Fatalf("button %q (%v)", text, err)
	}
	b.Screenshots("mail-offered")
	// On a phone the mail fits the screen (no sideways scrolling).
	fitsPhone(t, b, "the mail")

	// Follow the button: the login first, then the timesheet itself.
	b.Do(
		chromedp.Click(chromedp.CSS(`a[href="`+sheet+`"]`)),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), interEmail),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.ID("approve")),
	)
	where, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`location.origin + location.pathname`))
	if err != nil || where != sheet {
		t.Fatalf("after the login the browser is at %q (%v), want %s", where, err, sheet)
	}
	h1, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS("h1")))
	if err != nil || !strings.Contains(h1, "5") {
		t.Fatalf("heading %q (%v)", h1, err)
	}
	b.Screenshots("mail-offered-opened")

	// The account mails share the layout: Fatima's invitation opens the
	// page where she chooses her password.
	act, err := smtp.WaitFor(ctx, func(r mailtest.Received) bool {
		return len(r.To) == 1 && r.To[0] == "fatima@example.nl" && r.Subject == "Uw inloggegevens voor Backofficebureau Digitaal"
	})
	if err != nil {
		t.Fatalf("no invitation to Fatima: %v", err)
	}
	page = act.HTML
	button := `a[href^="` + f.URL + `/activeren?token="]`
	b.Do(
		logout,
		chromedp.Navigate(webmail.URL),
		chromedp.WaitVisible(chromedp.CSS(button)),
	)
	b.Screenshots("mail-activation")
	b.Do(
		chromedp.Click(chromedp.CSS(button)),
		chromedp.WaitVisible(chromedp.ID("password2")),
	)
	if where, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`location.origin + location.pathname`)); err != nil || where != f.URL+"/activeren" {
		t.Fatalf("the invitation's button opened %q (%v)", where, err)
	}
}

// TestNotifyScreensInBrowser: "Ontbrekende uren" and "Instellingen" in
// chromium, with screenshots; the settings form works by clicks, and at
// phone width neither page scrolls sideways.
func TestNotifyScreensInBrowser(t *testing.T) {
	h, b := newBrowserAs(t, interEmail)
	// The walk takes both pages as loaded (walk-intermediary-home,
	// walk-intermediary-missing-hours); here the saved settings.
	b.Do(chromedp.WaitVisible(chromedp.ID("missing-summary")))
	b.Do(
		chromedp.Click(chromedp.CSS(`#missing-summary a[href="/ontbrekende-uren"]`)),
		chromedp.WaitVisible(chromedp.ID("missing-count")),
	)
	fitsPhone(t, b, "Ontbrekende uren")

	b.Do(
		chromedp.Click(chromedp.CSS(`.top a[href="/instellingen"]`)),
		chromedp.WaitVisible(chromedp.ID("settings-form")),
		chromedp.Click(chromedp.ID("f-herinneringen")),
		chromedp.Click(chromedp.ID("settings-save")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	b.Screenshots("settings")
	fitsPhone(t, b, "Instellingen")
	if approved, reminders := h.settingsOf(interEmail); !approved || reminders {
		t.Fatalf("after unticking the reminders: approved %v reminders %v", approved, reminders)
	}
}
