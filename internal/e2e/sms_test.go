package e2e_test

import (
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"backoffice/internal/app"
	"backoffice/internal/apptest"
	"backoffice/internal/demo"
	"backoffice/notify/sms"
	"backoffice/notify/sms/smstest"
)

var (
	smsTAN  = regexp.MustCompile(`TAN-code voor het ondertekenen van het document is ([A-Z]{4})\.`)
	linkRE  = regexp.MustCompile(`/documenten/[0-9A-Za-z_-]+/ondertekenen/[0-9A-Za-z_-]{43}`)
	mailTAN = regexp.MustCompile(`TAN-code: [A-Z]{4}`)
)

// requestMailPath waits for the signing mail to `to` and returns its
// link's path; the mail must not hold a TAN (it went by SMS).
func requestMailPath(t *testing.T, e *env, to string) string {
	t.Helper()
	text := e.Mail(t, to, "document goed te keuren")
	if mailTAN.MatchString(text) || !strings.Contains(text, "u ontvangen heeft op uw mobiele telefoon") {
		t.Fatalf("the mail holds the TAN that went by SMS:\n%s", text)
	}
	return linkRE.FindString(text)
}

// TestSigningWithTheTANBySMS is manual §5.1 on the whole application with
// a gateway configured (the fake Spryng): the demo's request to Kees, the
// bakery's contact with a mobile number, sends the TAN by SMS and the
// unique link by mail; Kees opens the link, logs in and signs with the
// code from the SMS.
func TestSigningWithTheTANBySMS(t *testing.T) {
	t.Parallel()
	fake := smstest.NewSpryng(t)
	e := apptest.New(t, apptest.Options{Now: now, Demo: true, Change: func(o *app.Options) {
		o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
		s, err := sms.NewSpryng(sms.SpryngConfig{URL: fake.URL, Token: fake.Token, Originator: "Backoffice"})
		if err != nil {
			t.Fatal(err)
		}
		o.SMSSender = s
	}})
	reqs := fake.WaitFor(t, 1)
	m := smsTAN.FindStringSubmatch(reqs[0].Body)
	if m == nil || reqs[0].Recipients[0] != "31620000001" || reqs[0].Authorization != "Bearer "+fake.Token {
		t.Fatalf("SMS %+v", reqs[0])
	}
	path := requestMailPath(t, e, demo.BakeryContactMail)
	kees := login(e, t, keesEmail)
	if status, body := kees.get(path); status != http.StatusOK || !strings.Contains(body, `id="sign-form"`) {
		t.Fatalf("the link: %d\n%s", status, body)
	}
	status, body := kees.post(path, url.Values{"tan": {m[1]}, "gelezen": {"1"}, "besluit": {"akkoord"}})
	if status != http.StatusOK || !strings.Contains(body, "Ondertekend") {
		t.Fatalf("signing with the SMS code: %d\n%s", status, body)
	}
}

// TestDemoOutboxShowsSMS: in the demo the SMS goes to the local outbox and
// the back office sees it on the outbox page next to the mails.
func TestDemoOutboxShowsSMS(t *testing.T) {
	t.Parallel()
	texts, err := sms.NewFileOutbox(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	e := apptest.New(t, apptest.Options{Now: now, Demo: true, Change: func(o *app.Options) {
		o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
		o.SMSSender, o.SMSOutbox = texts, texts
	}})
	// The mail and the SMS are each sent by their queue after the mailer
	// projector's commit: wait for both.
	requestMailPath(t, e, demo.BakeryContactMail)
	deadline := time.Now().Add(20 * time.Second)
	for {
		items, err := texts.List(10)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no SMS in the outbox")
		}
		time.Sleep(50 * time.Millisecond)
	}
	bo := login(e, t, demo.BackofficeMail)
	status, body := bo.get("/demo/berichten")
	if status != http.StatusOK || !strings.Contains(body, "<h2>SMS</h2>") || !strings.Contains(body, "&#43;31620000001") ||
		!smsTAN.MatchString(body) || !strings.Contains(body, "u dient een document goed te keuren") {
		t.Fatalf("outbox page: %d\n%s", status, body)
	}
}
