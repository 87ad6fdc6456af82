package reactors_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"backoffice/commands"
	cmd "backoffice/commands/document"
	dt "backoffice/commands/document/documenttest"
	"backoffice/domain"
	"backoffice/domain/client"
	doc "backoffice/domain/document"
	"backoffice/eventstore"
	"backoffice/internal/testlog"
	"backoffice/notify/mail/mailtest"
	"backoffice/notify/reactors"
	"backoffice/notify/sms"
	"backoffice/notify/sms/smstest"
	"backoffice/projections"
	rm "backoffice/readmodel/documents"
)

// The sign mailer's tests (moved from commands/document with the mailer):
// the TAN and link issued once per request event, by SMS or in the mail,
// the decline mailed to the back office, and a rebuild that sends nothing.

// ask: the back office asks kees (client1) to sign a new document.
func ask(t *testing.T, e *dt.Env, title string) string {
	t.Helper()
	return e.AskToSign(t, title)
}

// requested is ask, and the TAN of kees's mailN-th signing mail.
func requested(t *testing.T, e *dt.Env, title string, mailN int) (string, string) {
	t.Helper()
	return e.Requested(t, title, mailN)
}

// TestSignMailerKeepsItsName: the stored checkpoint key of every install.
func TestSignMailerKeepsItsName(t *testing.T) {
	if reactors.SignMailerName != "documents.sign_mail" {
		t.Fatalf("projector name changed to %q", reactors.SignMailerName)
	}
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

// issuedOnce waits for the document's document.tan_issued (the SMS
// queue records it after the gateway's answer) and returns the only one.
func issuedOnce(t *testing.T, e *dt.Env, id string) doc.TANIssued {
	t.Helper()
	raw := tanIssued(t, e, id)
	for deadline := time.Now().Add(20 * time.Second); len(raw) == 0 && time.Now().Before(deadline); raw = tanIssued(t, e, id) {
		time.Sleep(20 * time.Millisecond)
	}
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

// settled waits until the SMS queue has recorded the outcome of the
// request event's message (the gateway's answer comes before that commit).
func settled(t *testing.T, e *dt.Env, eventID uuid.UUID) sms.Delivery {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		d, err := e.SMS.Delivery(context.Background(), eventID)
		if err == nil && d.Status != sms.StatusPending {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("the SMS of event %s was not settled: %+v, %v", eventID, d, err)
		}
	}
}

var tanInSMS = regexp.MustCompile(`TAN-code voor het ondertekenen van het document is ([A-Z]{4})\.`)

// TestTANBySMS is manual §5.1 end to end against the fake gateway: kees,
// the client's contact with a mobile number, gets the TAN by SMS and the
// link by mail (without the TAN), the ledger records channel and masked
// number, and kees signs with the code from the SMS. Neither the number
// nor the TAN is ever logged.
func TestTANBySMS(t *testing.T) {
	fake := smstest.NewSpryng(t)
	var logs testlog.Buffer
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
	// The projector handles the request again (a replay): nothing new is
	// queued, nothing is sent twice.
	evs, err := e.Store.ReadStream(ctx, doc.Stream(id), eventstore.ReadStreamOptions{From: 1, Max: 1})
	if err != nil || len(evs) != 1 || evs[0].Type != doc.TypeSignatureRequested {
		t.Fatalf("request event: %v %v", evs, err)
	}
	settled(t, e, evs[0].ID)
	if err := pgx.BeginFunc(ctx, e.Pool, func(tx pgx.Tx) error { return e.Mailer.Handle(ctx, tx, evs[0]) }); err != nil {
		t.Fatalf("replay: %v", err)
	}
	if _, err := e.SMS.DeliverDue(ctx); err != nil {
		t.Fatal(err)
	}
	var queued int
	if err := e.Pool.QueryRow(ctx, `SELECT count(*) FROM sms_deliveries WHERE status = 'sent'`).Scan(&queued); err != nil {
		t.Fatal(err)
	}
	if n := len(fake.Requests()); n != 1 || queued != 1 {
		t.Fatalf("after a replay: %d SMS requests, %d sent deliveries; want 1, 1", n, queued)
	}
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
// stays down (5xx, retried a bounded number of times: Spryng's 3 tries in
// each of the SMS queue's 4 attempts) sends the request mail again with
// the TAN, and the ledger says so; an account that removed its number
// gets the mail with the TAN at once; a foreign number gets the SMS.
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
	if m, _ := e.SignMail(t, kees, 1); !strings.Contains(m.Text, "De sms met uw TAN-code kon niet worden verstuurd.") {
		t.Fatalf("the fallback mail does not say the SMS failed:\n%s", m.Text)
	}
	if n := len(fake.Requests()); n != 1 {
		t.Fatalf("a 422 was tried %d times", n)
	}

	fake.Answer(503, 502, 500, 503, 502, 500, 503, 502, 500, 503, 502, 500)
	byMail(ask(t, e, "Storing"), 2)
	if n := len(fake.Requests()); n != 1+3*4 {
		t.Fatalf("%d requests, want 1 + 3×4 bounded tries", n)
	}
	// Each of those requests had a mail without the code first.
	if n := e.Count(kees, func(m mailtest.Received) bool {
		return dt.SignToken(m) != "" && !strings.Contains(m.Text, "Uw TAN-code")
	}); n != 2 {
		t.Fatalf("%d request mails without the code, want 2", n)
	}

	if _, err := e.Identity.Profile.SetAccountMobile(ctx, dt.Meta(e.Client1), e.Client1.AccountID, ""); err != nil {
		t.Fatal(err)
	}
	byMail(ask(t, e, "Zonder nummer"), 3)
	if n := len(fake.Requests()); n != 13 {
		t.Fatalf("an SMS went to an account without a number (%d requests)", n)
	}

	if _, err := e.Identity.Profile.SetAccountMobile(ctx, dt.Meta(e.Client1), e.Client1.AccountID, "+32 470 12 34 56"); err != nil {
		t.Fatal(err)
	}
	id := ask(t, e, "Belgisch nummer")
	if r := fake.WaitFor(t, 14)[13]; r.Recipients[0] != "32470123456" || r.Status != 200 {
		t.Fatalf("SMS %+v", r)
	}
	if got := issuedOnce(t, e, id); got.Channel != doc.ChannelSMS || got.MaskedAddress != "+32 ••• ••56" {
		t.Fatalf("tan_issued %+v", got)
	}
}

// TestSignMailerKeyedByEvent: a replayed event issues nothing again; another
// event naming a request that has a TAN already is an error, not a silent
// skip (it would leave the request without TAN or mail).
func TestSignMailerKeyedByEvent(t *testing.T) {
	e := dt.New(t)
	ctx := context.Background()
	id, _ := requested(t, e, "Overeenkomst", 1)
	evs, err := e.Store.ReadStream(ctx, doc.Stream(id), eventstore.ReadStreamOptions{From: 1, Max: 1})
	if err != nil || len(evs) != 1 || evs[0].Type != doc.TypeSignatureRequested {
		t.Fatalf("request event: %v %v", evs, err)
	}
	handle := func(ev eventstore.RecordedEvent) error {
		return pgx.BeginFunc(ctx, e.Pool, func(tx pgx.Tx) error { return e.Mailer.Handle(ctx, tx, ev) })
	}
	if err := handle(evs[0]); err != nil {
		t.Fatalf("replay: %v", err)
	}
	other := evs[0]
	other.ID = uuid.New()
	if err := handle(other); err == nil {
		t.Fatal("a second event with the same request ID was skipped silently")
	}
	var tans, mails int
	if err := e.Pool.QueryRow(ctx, `SELECT count(*) FROM document_tans WHERE document_id = $1`, id).Scan(&tans); err != nil {
		t.Fatal(err)
	}
	if err := e.Pool.QueryRow(ctx, `SELECT count(*) FROM mail_deliveries WHERE kind = 'sign_request'`).Scan(&mails); err != nil {
		t.Fatal(err)
	}
	if tans != 1 || mails != 1 {
		t.Fatalf("%d TANs, %d mails; want 1, 1", tans, mails)
	}
}

func isDecline(m mailtest.Received) bool {
	return strings.HasPrefix(m.Subject, "Document niet akkoord")
}

func TestDeclineMailsTheBackofficeAndRebuildIsQuiet(t *testing.T) {
	e := dt.New(t)
	ctx := context.Background()
	id, tan := requested(t, e, "Overeenkomst 2026", 1)
	res, err := e.Handler.Decline(ctx, dt.Meta(e.Client1), id, cmd.Signature{TAN: tan, Remark: "Het uurtarief klopt niet."})
	if err != nil {
		t.Fatal(err)
	}
	e.Wait(t, res.Position)
	m := e.MailWith(t, e.Emails["backoffice"], 1, isDecline)
	for _, s := range []string{`"Overeenkomst 2026"`, "kees@c1.test (Bakkerij Korenaar)", "Het uurtarief klopt niet.", e.Links.Document(id)} {
		if !strings.Contains(m.Text, s) {
			t.Errorf("decline mail lacks %q:\n%s", s, m.Text)
		}
	}
	d, err := e.Queries.Document(ctx, e.Backoffice, id)
	if err != nil || d.Signature != "declined" || d.Request.Remark != "Het uurtarief klopt niet." {
		t.Fatalf("after decline: %+v %v", d, err)
	}

	// A back-office account created after the decline, then a rebuild of
	// both projectors: no second TAN, no mail at all.
	if _, _, err := e.Identity.Activation.BootstrapBackoffice(ctx, "nieuw@bureau.test", "nieuw-wachtwoord-1"); err != nil {
		t.Fatal(err)
	}
	var hashBefore []byte
	var deliveries int
	state := func() ([]byte, int) {
		var h []byte
		var n int
		if err := e.Pool.QueryRow(ctx, `SELECT tan_hash FROM document_tans WHERE document_id = $1`, id).Scan(&h); err != nil {
			t.Fatal(err)
		}
		if err := e.Pool.QueryRow(ctx, `SELECT count(*) FROM mail_deliveries WHERE kind IN ('sign_request', 'sign_declined')`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return h, n
	}
	hashBefore, deliveries = state()
	if deliveries != 2 {
		t.Fatalf("%d signing deliveries, want 2 (request, decline)", deliveries)
	}
	for _, name := range []string{reactors.SignMailerName, rm.NameDocuments} {
		if err := e.Docs.Rebuild(ctx, name, nil); err != nil {
			t.Fatal(err)
		}
	}
	hashAfter, after := state()
	if string(hashAfter) != string(hashBefore) || after != deliveries {
		t.Fatalf("rebuild changed the TAN (%v) or queued mail (%d -> %d)", string(hashAfter) != string(hashBefore), deliveries, after)
	}
	// The read model is back as it was.
	d, err = e.Queries.Document(ctx, e.Backoffice, id)
	if err != nil || d.Signature != "declined" {
		t.Fatalf("after rebuild: %+v %v", d, err)
	}
	// The decline needed the TAN too: it cannot be used again.
	if _, err := e.Handler.Sign(ctx, commands.Meta{Actor: e.Client1}, id, cmd.Signature{TAN: tan, ReadConfirmed: true}); !errors.Is(err, doc.ErrNoOpenRequest) {
		t.Fatalf("sign after decline: %v", err)
	}
}

// TestSignMailWaitsForTheNames: the client's contact gets a new name
// while the activation mailer, which keeps the names the mails greet by,
// is held (its write of the name waits for a lock; reading is not held),
// and is then asked to sign. The sign mailer waits for the activation
// mailer (SignMailerDeps), says so, and once that one has passed the
// change greets the signer by the new name, in the one mail it sends.
func TestSignMailWaitsForTheNames(t *testing.T) {
	e := dt.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	hold, err := e.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = hold.Rollback(ctx) }()
	if _, err := hold.Exec(ctx, `LOCK TABLE mail_recipient_names IN SHARE MODE`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Identity.Registration.ChangeClientDetails(ctx, dt.Meta(e.Backoffice), "c1", client.Details{
		Name: "Bakkerij Korenaar", KvK: "87654321",
		Address: client.Address{Street: "Dorpsstraat", HouseNumber: "1", PostalCode: "1234 AB", City: "Utrecht"},
		Contact: client.Contact{Name: "Kees de Bakker", Email: e.Emails["client1"]}}, "nl"); err != nil {
		t.Fatal(err)
	}
	res, err := e.AskClient1(ctx, e.Upload(t, "Overeenkomst 2026"))
	if err != nil {
		t.Fatal(err)
	}
	queued := func() bool {
		var n int
		if err := e.Pool.QueryRow(ctx, `SELECT count(*) FROM mail_deliveries WHERE kind = 'sign_request' AND recipient = $1`,
			e.Emails["client1"]).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n > 0
	}
	// Without the wait the mailer handles the request at once and greets
	// by the name from before the change: the checks below fail.
	waitUntil(t, ctx, "the sign mailer waiting for the activation mailer (or mailing)", func() bool {
		st := projectorStatus(t, ctx, e.Docs, reactors.SignMailerName)
		return st.State == projections.StateWaiting && slices.Equal(st.WaitingFor, []string{reactors.ActivationMailerName}) || queued()
	})
	if queued() {
		t.Error("the request was mailed before the activation mailer passed the contact's new name")
	}
	if err := hold.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	e.Wait(t, res.Position)
	if m := e.RequestMail(t, e.Emails["client1"], 1); !strings.Contains(m.Text, "Beste Kees de Bakker,") {
		t.Errorf("the sign mail does not greet by the new name:\n%s", m.Text)
	}
}

// TestSlowGatewayHoldsNoProjector: while the gateway hangs on the TAN's
// SMS, the sign mailer has passed the request (its transaction committed,
// the mail with the link went) and handles the next request; the SMS
// waits in the queue, unsent.
func TestSlowGatewayHoldsNoProjector(t *testing.T) {
	fake := smstest.NewSpryng(t)
	fake.Stall(1) // hangs until the client gives up: a minute
	slow, err := sms.NewSpryng(sms.SpryngConfig{URL: fake.URL, Token: fake.Token, Originator: "Backoffice", Attempts: 1, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	e := dt.NewWith(t, dt.Options{SMS: slow})
	ctx := context.Background()
	kees := e.Emails["client1"]
	first := ask(t, e, "Traag") // returns once the projectors passed the request
	fake.WaitFor(t, 1)
	e.RequestMail(t, kees, 1)
	ask(t, e, "Daarna")
	e.RequestMail(t, kees, 2)
	evs, err := e.Store.ReadStream(ctx, doc.Stream(first), eventstore.ReadStreamOptions{From: 1, Max: 1})
	if err != nil || len(evs) != 1 || evs[0].Type != doc.TypeSignatureRequested {
		t.Fatalf("request event: %v %v", evs, err)
	}
	if d, err := e.SMS.Delivery(ctx, evs[0].ID); err != nil || d.Status != sms.StatusPending || d.Attempts != 0 {
		t.Fatalf("the hanging SMS: %+v, %v; want pending, not yet attempted", d, err)
	}
	if got := tanIssued(t, e, first); len(got) != 0 {
		t.Fatalf("the issue was recorded before the gateway answered: %d events", len(got))
	}
}
