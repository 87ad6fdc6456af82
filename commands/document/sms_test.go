package document_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	cmd "backoffice/commands/document"
	dt "backoffice/commands/document/documenttest"
	"backoffice/domain"
	"backoffice/domain/account"
	doc "backoffice/domain/document"
	"backoffice/eventstore"
	"backoffice/notify/sms"
	"backoffice/notify/sms/smstest"
)

// syncBuffer is a log sink for concurrent writers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// spryngOn is the Spryng adapter on the fake, with short back-off.
func spryngOn(t *testing.T, f *smstest.Spryng) *sms.Spryng {
	t.Helper()
	s, err := sms.NewSpryng(sms.SpryngConfig{URL: f.URL, Token: f.Token, Originator: "Backoffice",
		Backoff: func(int) time.Duration { return time.Millisecond }, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// ask uploads a document for c1 and asks kees to sign it; it returns the
// document ID once the mailer has handled the request.
func ask(t *testing.T, e *dt.Env, title string) string {
	t.Helper()
	return e.AskToSign(t, title)
}

// tanIssued returns the document's document.tan_issued events, raw.
func tanIssued(t *testing.T, e *dt.Env, id string) []eventstore.RecordedEvent {
	t.Helper()
	evs, err := e.Store.ReadStream(context.Background(), doc.Stream(id), eventstore.ReadStreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out []eventstore.RecordedEvent
	for _, ev := range evs {
		if ev.Type == doc.TypeTANIssued {
			out = append(out, ev)
		}
	}
	return out
}

func issuedOnce(t *testing.T, e *dt.Env, id string) doc.TANIssued {
	t.Helper()
	raw := tanIssued(t, e, id)
	if len(raw) != 1 {
		t.Fatalf("%d document.tan_issued events, want 1", len(raw))
	}
	var got doc.TANIssued
	if err := json.Unmarshal(raw[0].Data, &got); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw[0].Data), "612345678") || strings.Contains(string(raw[0].Data), "kees@") {
		t.Fatalf("the event holds the address: %s", raw[0].Data)
	}
	return got
}

var tanInSMS = regexp.MustCompile(`TAN-code voor het ondertekenen van het document is ([A-Z]{4})\.`)

// TestTANBySMS is manual §5.1 end to end against the fake gateway: kees,
// the client's contact with a mobile number, gets the TAN by SMS and the
// link by mail (without the TAN), the ledger records channel and masked
// number, and kees signs with the code from the SMS. Neither the number
// nor the TAN is ever logged.
func TestTANBySMS(t *testing.T) {
	fake := smstest.NewSpryng(t)
	var logs syncBuffer
	e := dt.NewWith(t, dt.Options{SMS: spryngOn(t, fake), Log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	id := ask(t, e, "Overeenkomst")

	reqs := fake.WaitFor(t, 1)
	r := reqs[0]
	if r.Authorization != "Bearer "+fake.Token || len(r.Recipients) != 1 || r.Recipients[0] != "31612345678" || r.Originator != "Backoffice" {
		t.Fatalf("SMS request %+v", r)
	}
	m := tanInSMS.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("SMS without TAN: %q", r.Body)
	}
	tan := m[1]
	mail := e.RequestMail(t, e.Emails["client1"], 1)
	if strings.Contains(mail.Text, tan) || strings.Contains(mail.Text, "Uw TAN-code") || !strings.Contains(mail.Text, "u ontvangen heeft op uw mobiele telefoon") {
		t.Fatalf("the mail should carry the link, not the code:\n%s", mail.Text)
	}
	if got := issuedOnce(t, e, id); got.Channel != doc.ChannelSMS || got.MaskedAddress != "+31 6 ••• ••78" || got.RequestID == "" {
		t.Fatalf("tan_issued %+v", got)
	}
	ctx := context.Background()
	// The read model tells the signer and the back office where the code
	// went, and nobody else.
	e.Wait(t, tanIssued(t, e, id)[0].Position)
	for _, who := range []domain.Actor{e.Client1, e.Backoffice, e.Inter1} {
		d, err := e.Queries.Document(ctx, who, id)
		if err != nil {
			t.Fatal(err)
		}
		want := who.Role != domain.RoleIntermediary
		if got := d.Request.TANChannel == "sms" && d.Request.TANAddress == "+31 6 ••• ••78"; got != want ||
			(!want && (d.Request.TANChannel != "" || d.Request.TANAddress != "")) {
			t.Errorf("%s sees %q %q", who.Role, d.Request.TANChannel, d.Request.TANAddress)
		}
	}
	if err := e.Handler.OpenSignLink(ctx, e.Client1, id, dt.SignToken(mail)); err != nil {
		t.Fatalf("the mail's link: %v", err)
	}
	if _, err := e.Handler.Sign(ctx, dt.Meta(e.Client1), id, cmd.Signature{TAN: tan, ReadConfirmed: true}); err != nil {
		t.Fatalf("signing with the SMS code: %v", err)
	}
	out := logs.String()
	if strings.Contains(out, "612345678") || strings.Contains(out, "31612345678") {
		t.Errorf("the log holds the number:\n%s", out)
	}
	switch tan {
	case "WARN", "DEBU", "EBUG", "RROR", "ERRO":
		// a level name: cannot tell
	default:
		if strings.Contains(out, tan) {
			t.Errorf("the log holds the TAN %s:\n%s", tan, out)
		}
	}
}

// TestTANFallsBackToMail: a refusal (4xx, not retried) or a gateway that
// stays down (5xx, retried a bounded number of times) sends the TAN in the
// mail, and the ledger says so; an account that removed its number gets
// the mail; a foreign number gets the SMS.
func TestTANFallsBackToMail(t *testing.T) {
	fake := smstest.NewSpryng(t)
	e := dt.NewWith(t, dt.Options{SMS: spryngOn(t, fake)})
	ctx := context.Background()
	kees := e.Emails["client1"]
	byMail := func(id string, n int) {
		t.Helper()
		if _, tan := e.SignMail(t, kees, n); tan == "" {
			t.Fatal("no TAN in the mail")
		}
		if got := issuedOnce(t, e, id); got.Channel != doc.ChannelEmail || got.MaskedAddress != "k•••@c1.test" {
			t.Fatalf("tan_issued %+v", got)
		}
	}

	fake.Answer(422)
	byMail(ask(t, e, "Geweigerd"), 1)
	if n := len(fake.Requests()); n != 1 {
		t.Fatalf("a 422 was tried %d times", n)
	}

	fake.Answer(503, 502, 500)
	byMail(ask(t, e, "Storing"), 2)
	if n := len(fake.Requests()); n != 1+3 {
		t.Fatalf("%d requests, want 1 + 3 bounded tries", n)
	}

	if _, err := e.Service.SetAccountMobile(ctx, dt.Meta(e.Client1), e.Client1.AccountID, ""); err != nil {
		t.Fatal(err)
	}
	byMail(ask(t, e, "Zonder nummer"), 3)
	if n := len(fake.Requests()); n != 4 {
		t.Fatalf("an SMS went to an account without a number (%d requests)", n)
	}

	if _, err := e.Service.SetAccountMobile(ctx, dt.Meta(e.Client1), e.Client1.AccountID, "+32 470 12 34 56"); err != nil {
		t.Fatal(err)
	}
	id := ask(t, e, "Belgisch nummer")
	if r := fake.WaitFor(t, 5)[4]; r.Recipients[0] != "32470123456" || r.Status != 200 {
		t.Fatalf("SMS %+v", r)
	}
	if got := issuedOnce(t, e, id); got.Channel != doc.ChannelSMS || got.MaskedAddress != "+32 ••• ••56" {
		t.Fatalf("tan_issued %+v", got)
	}
}

// TestSetAccountMobile: the account itself or the back office, a mobile
// number only, normalised; others do not find the account.
func TestSetAccountMobile(t *testing.T) {
	e := dt.New(t)
	ctx := context.Background()
	if got, err := e.Service.MobileOf(ctx, e.Client1.AccountID); err != nil || got != "+31612345678" {
		t.Fatalf("the contact's registered number: %q, %v", got, err)
	}
	for _, tt := range []struct {
		actor   domain.Actor
		mobile  string
		wantErr error
	}{
		{e.Client2, "0611111111", domain.ErrNotFound},
		{e.Inter1, "0611111111", domain.ErrNotFound},
		{e.Client1, "020-1234567", code("mobile_format")},
		{e.Client1, "06-1234", code("phone_format")},
		{e.Backoffice, "06 11 11 11 11", nil},
	} {
		if _, err := e.Service.SetAccountMobile(ctx, dt.Meta(tt.actor), e.Client1.AccountID, tt.mobile); !errors.Is(err, tt.wantErr) {
			t.Errorf("%s sets %q: %v, want %v", tt.actor.Role, tt.mobile, err, tt.wantErr)
		}
	}
	if got, _ := e.Service.MobileOf(ctx, e.Client1.AccountID); got != "+31611111111" {
		t.Fatalf("after the back office's change: %q", got)
	}
	if _, err := e.Service.SetMobile(ctx, dt.Meta(e.Client1), "+31 6 22 22 22 22"); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.Service.MobileOf(ctx, e.Client1.AccountID); got != "+31622222222" {
		t.Fatalf("after kees's own change: %q", got)
	}
	if got, _ := e.Service.MobileOf(ctx, e.Client2.AccountID); got != "+31612345678" {
		t.Fatalf("piet's (untouched) number: %q", got)
	}
	// The trail: who changed it, masked, and nothing refused was recorded.
	evs, err := e.Store.ReadStream(ctx, account.Stream(e.Client1.AccountID), eventstore.ReadStreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var trail []string
	for _, ev := range evs {
		if ev.Type == account.TypeMobileChanged {
			var c account.MobileChanged
			if err := json.Unmarshal(ev.Data, &c); err != nil {
				t.Fatal(err)
			}
			trail = append(trail, ev.Metadata.ActorRole+" "+c.MaskedMobile)
			if strings.Contains(string(ev.Data), "11111111") || strings.Contains(string(ev.Data), "22222222") {
				t.Fatalf("the event holds the number: %s", ev.Data)
			}
		}
	}
	if strings.Join(trail, "|") != "backoffice +31 6 ••• ••11|client +31 6 ••• ••22" {
		t.Fatalf("trail %q", trail)
	}
}

// TestSignLink: the mail's link opens the signing screen for the signer
// only; the token is stored hashed; a later request's mail replaces it.
func TestSignLink(t *testing.T) {
	e := dt.New(t)
	ctx := context.Background()
	kees := e.Emails["client1"]
	id := ask(t, e, "Contract")
	other := ask(t, e, "Ander contract")
	mail, tan := e.SignMail(t, kees, 1)
	token := dt.SignToken(mail)
	if token == "" || !strings.Contains(mail.Text, "/documenten/"+id+"/ondertekenen/"+token) {
		// The first mail may be about the other document (two requests).
		mail, tan = e.SignMail(t, kees, 2)
		token = dt.SignToken(mail)
	}
	if !strings.Contains(mail.Text, "/documenten/"+id+"/ondertekenen/"+token) {
		t.Fatalf("no link to %s:\n%s", id, mail.Text)
	}
	for _, tt := range []struct {
		name    string
		actor   domain.Actor
		doc     string
		token   string
		wantErr error
	}{
		{"the signer", e.Client1, id, token, nil},
		{"the back office", e.Backoffice, id, token, cmd.ErrSignLinkNotYours},
		{"the client's intermediary", e.Inter1, id, token, cmd.ErrSignLinkNotYours},
		{"another client's user", e.Client2, id, token, domain.ErrNotFound},
		{"a worker", e.Worker1, id, token, domain.ErrNotFound},
		{"a guessed token", e.Client1, id, strings.Repeat("A", 43), cmd.ErrSignLinkUnknown},
		{"a malformed token", e.Client1, id, "../" + token, cmd.ErrSignLinkUnknown},
		{"the token on another document", e.Client1, other, token, cmd.ErrSignLinkUnknown},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := e.Handler.OpenSignLink(ctx, tt.actor, tt.doc, tt.token); !errors.Is(err, tt.wantErr) {
				t.Fatalf("OpenSignLink = %v, want %v", err, tt.wantErr)
			}
		})
	}
	// Stored as its SHA-256 only.
	sum := sha256.Sum256([]byte(token))
	var n int
	var rows string
	if err := e.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE token_hash = $1), string_agg(t::text, ' ') FROM document_sign_links t`,
		sum[:]).Scan(&n, &rows); err != nil {
		t.Fatal(err)
	}
	if n != 1 || strings.Contains(rows, token) {
		t.Fatalf("%d rows with the token's hash; rows %s", n, rows)
	}
	// Declined, asked again: the old link belongs to the earlier request.
	if _, err := e.Handler.Decline(ctx, dt.Meta(e.Client1), id, cmd.Signature{TAN: tan}); err != nil {
		t.Fatal(err)
	}
	res, _, err := e.Handler.RequestSignature(ctx, dt.Meta(e.Backoffice), id, e.Client1.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	e.Wait(t, res.Position)
	if err := e.Handler.OpenSignLink(ctx, e.Client1, id, token); !errors.Is(err, cmd.ErrSignLinkReplaced) {
		t.Fatalf("the old link after a new request: %v", err)
	}
	fresh, _ := e.SignMail(t, kees, 3)
	if err := e.Handler.OpenSignLink(ctx, e.Client1, id, dt.SignToken(fresh)); err != nil {
		t.Fatalf("the new link: %v", err)
	}
}
