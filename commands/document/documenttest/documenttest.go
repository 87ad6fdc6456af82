// Package documenttest assembles the documents feature for tests on top of
// identitytest (PostgreSQL, the event store, the identity feature, mail
// over SMTP to an in-process server): the document commands, the
// documents read model and SignMailer in a second projections runtime, and
// two tenants with real accounts:
//
//	intermediary i1 (anna@i1.test) - client c1 (kees@c1.test) - worker w1 (jan@w1.test)
//	intermediary i2 (bert@i2.test) - client c2 (piet@c2.test)
//
// plus the bootstrapped back office (identitytest.BackofficeEmail, password
// identitytest.BackofficePassword). Every other account's password is
// Password.
//
// Packages using it need  func TestMain(m *testing.M) { pgtest.Main(m) }.
package documenttest

import (
	"context"
	"crypto/rand"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"backoffice/commands"
	cmd "backoffice/commands/document"
	"backoffice/commands/identity"
	"backoffice/domain"
	"backoffice/domain/client"
	"backoffice/domain/document"
	"backoffice/domain/intermediary"
	"backoffice/domain/worker"
	"backoffice/eventstore"
	it "backoffice/internal/identitytest"
	"backoffice/notify/mail/mailtest"
	"backoffice/notify/reactors"
	"backoffice/notify/sms"
	"backoffice/projections"
	rm "backoffice/readmodel/documents"
	rmid "backoffice/readmodel/identity"
)

// Password of every seeded account.
const Password = "document-test-1"

// PDF is a small file that sniffs as application/pdf.
var PDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// Env is a running documents feature.
type Env struct {
	*it.Env
	Handler   *cmd.Handler
	Queries   *rm.Queries
	Mailer    *reactors.SignMailer
	SMS       *sms.Dispatcher      // the SMS queue (Options.SMS), else nil
	Docs      *projections.Runtime // the documents projectors
	MasterKey []byte
	Links     cmd.Links
	// Vault seals the signer's connection in the evidence (its own, on
	// MasterKey: the identity feature's vault has another key).
	Vault *identity.Vault

	// Actors of the seeded accounts.
	Backoffice, Client1, Client2, Inter1, Inter2, Worker1 domain.Actor
	Emails                                                map[string]string // by actor name above

	mu  sync.Mutex
	now time.Time
}

// Now is the clock of the handler and queries (real time unless SetNow).
func (e *Env) Now() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.now.IsZero() {
		return time.Now()
	}
	return e.now
}

// SetNow fixes the clock.
func (e *Env) SetNow(t time.Time) {
	e.mu.Lock()
	e.now = t
	e.mu.Unlock()
}

// Options vary the environment.
type Options struct {
	// SMS makes the mailer send TANs by SMS through it, to the numbers
	// identity's MobileOf finds (kees, client1, is c1's contact with
	// mobile +31612345678).
	SMS sms.Sender
	// Log receives the handler's and the mailer's log (default discards).
	Log *slog.Logger
	// BeforeSignMail, when set, runs in the sign mailer's transaction
	// before it handles each event (before it writes anything): a test
	// holds the mailer there.
	BeforeSignMail func(ctx context.Context, ev eventstore.RecordedEvent)
}

// heldMailer is the sign mailer with Options.BeforeSignMail before Handle.
type heldMailer struct {
	*reactors.SignMailer
	before func(ctx context.Context, ev eventstore.RecordedEvent)
}

func (m heldMailer) Handle(ctx context.Context, tx pgx.Tx, ev eventstore.RecordedEvent) error {
	m.before(ctx, ev)
	return m.SignMailer.Handle(ctx, tx, ev)
}

// New starts everything; it stops at the end of the test.
func New(t testing.TB) *Env { return NewWith(t, Options{}) }

// NewWith is New with options.
func NewWith(t testing.TB, o Options) *Env {
	t.Helper()
	ie := it.New(t)
	e := &Env{Env: ie, MasterKey: make([]byte, identity.MasterKeySize), Emails: map[string]string{}}
	_, _ = rand.Read(e.MasterKey)
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var err error
	e.Vault, err = identity.NewVault(ie.Pool, e.MasterKey)
	must(t, err)
	e.Handler, err = cmd.New(cmd.Config{Store: ie.Store, Pool: ie.Pool, MasterKey: e.MasterKey, Clock: e.Now, Log: log, Sealer: e.Vault})
	must(t, err)
	e.Queries, err = rm.NewQueries(ie.Pool, e.Now, cmd.Stored{})
	must(t, err)
	e.Links = cmd.PortalLinks("https://portal.bureau.test")
	e.Mailer, err = reactors.NewSignMailer(ie.Store, ie.Dispatcher, e.Links, e.MasterKey, e.Now, log)
	must(t, err)
	// The ledger's TAN records, appended after the mailer's commits, as
	// the app runs them, with short polls and back-off.
	must(t, e.Mailer.TuneRecords(20*time.Millisecond, func(int) time.Duration { return 10 * time.Millisecond }))
	rctx, rcancel := context.WithCancel(context.Background())
	rdone := make(chan struct{})
	go func() { defer close(rdone); _ = e.Mailer.Run(rctx) }()
	t.Cleanup(func() { rcancel(); <-rdone })
	if o.SMS != nil {
		// The SMS queue as the app runs it, with short back-off.
		e.SMS, err = sms.NewDispatcher(sms.DispatcherConfig{Pool: ie.Pool, Sender: o.SMS, Now: e.Now, Logger: log,
			PollInterval: 20 * time.Millisecond, Backoff: func(int) time.Duration { return time.Millisecond },
			Liveness: ie.Dispatcher.Config().Liveness})
		must(t, err)
		must(t, e.Mailer.UseSMS(e.SMS, e.Identity.Profile.MobileOf))
		sctx, scancel := context.WithCancel(context.Background())
		sdone := make(chan struct{})
		go func() { defer close(sdone); _ = e.SMS.Run(sctx) }()
		t.Cleanup(func() { scancel(); <-sdone })
	}
	var mailer projections.Projector = e.Mailer
	if o.BeforeSignMail != nil {
		mailer = heldMailer{SignMailer: e.Mailer, before: o.BeforeSignMail}
	}
	e.Docs, err = projections.New(projections.Config{Store: ie.Store, Pool: ie.Pool, Logger: log,
		Projectors: append(rm.Projectors(), mailer),
		LockRetry:  20 * time.Millisecond, RetryMin: time.Millisecond, RetryMax: 50 * time.Millisecond,
		WaitTimeout: 60 * time.Second})
	must(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = e.Docs.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	e.seed(t)
	return e
}

func (e *Env) seed(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	meta := commands.Meta{Actor: identity.System}
	agreement := client.Agreement{
		HourTypes:      []client.HourType{{Code: "100", Name: "Normale uren", Percentage: 100}},
		NormalHourType: "100", EnteredBy: domain.RoleWorker, ApprovalChain: []domain.Role{domain.RoleClient},
	}
	from := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	for i, n := range []string{"1", "2"} {
		inter := []string{"anna@i1.test", "bert@i2.test"}[i]
		_, _, err := e.Identity.Registration.RegisterIntermediary(ctx, meta, identity.RegisterIntermediary{ID: "i" + n, Name: "Flex " + n, KvK: "1234567" + n,
			Contact: intermediary.Contact{Name: "Contact I" + n, Email: inter}})
		must(t, err)
		contact := []string{"kees@c1.test", "piet@c2.test"}[i]
		_, _, err = e.Identity.Registration.RegisterClient(ctx, meta, identity.RegisterClient{ID: "c" + n, IntermediaryID: "i" + n,
			Name: []string{"Bakkerij Korenaar", "Transport Smit"}[i], KvK: "8765432" + n,
			Address:         client.Address{Street: "Dorpsstraat", HouseNumber: n, PostalCode: "1234 AB", City: "Utrecht"},
			Contact:         client.Contact{Name: []string{"Kees Bakker", "Piet Smit"}[i], Email: contact},
			ContactPersonal: client.ContactPersonalData{Mobile: "0612345678"},
			AgreementFrom:   from, Agreement: agreement})
		must(t, err)
	}
	last, _, err := e.Identity.Registration.RegisterWorker(ctx, meta, identity.RegisterWorker{ClientID: "c1", WorkerID: "w1", PlacementID: "p1",
		Name: worker.Name{First: "Jan", Last: "Berg"}, Email: "jan@w1.test", Function: "Bakker",
		PersonalData: worker.PersonalData{BSN: "111222333", IBAN: "NL91ABNA0417164300",
			DateOfBirth: time.Date(1990, 5, 17, 0, 0, 0, 0, time.UTC),
			Address:     worker.Address{Street: "Kerkstraat", HouseNumber: "1", PostalCode: "3511 AB", City: "Utrecht"},
			Mobile:      "0687654321"},
		Start: from})
	must(t, err)
	// The sign mail greets by the name the activation mailer remembered
	// from the registrations: let it pass them before any test asks for a
	// signature (it runs in the identity runtime, apart from e.Docs).
	wctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	must(t, e.Runtime.WaitFor(wctx, last.Position, reactors.ActivationMailerName))
	for _, u := range []struct {
		name, email string
		actor       *domain.Actor
	}{
		{"backoffice", it.BackofficeEmail, &e.Backoffice}, {"client1", "kees@c1.test", &e.Client1}, {"client2", "piet@c2.test", &e.Client2},
		{"inter1", "anna@i1.test", &e.Inter1}, {"inter2", "bert@i2.test", &e.Inter2}, {"worker1", "jan@w1.test", &e.Worker1},
	} {
		acc, err := e.Auth.AccountByEmail(ctx, u.email)
		must(t, err)
		must(t, e.Identity.Activation.DemoSetPassword(ctx, acc.AccountID, Password))
		*u.actor = domain.Actor{AccountID: acc.AccountID, Role: acc.Role, Language: acc.Language}.WithTenant(acc.TenantID)
		e.Emails[u.name] = u.email
	}
	// The read models hold the seed before a test reads them (the last
	// event written, not the head a reader may see yet).
	var head eventstore.Position
	must(t, e.Pool.QueryRow(ctx, `SELECT xid::text::bigint, seq FROM eventstore_events ORDER BY xid DESC, seq DESC LIMIT 1`).
		Scan(&head.Commit, &head.Prepare))
	e.Wait(t, head)
}

// Meta is a command's meta for actor.
func Meta(a domain.Actor) commands.Meta { return commands.Meta{Actor: a} }

// Wait waits until both runtimes have passed pos.
func (e *Env) Wait(t testing.TB, pos eventstore.Position) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	must(t, e.Runtime.WaitFor(ctx, pos, rmid.AllProjectors...))
	must(t, e.Docs.WaitFor(ctx, pos, rm.NameDocuments, reactors.SignMailerName))
}

var tanInMail = regexp.MustCompile(`(?:TAN-code|TAN code): ([A-Z]{4})`)

var signLinkInMail = regexp.MustCompile(`/documenten/([0-9A-Za-z_-]+)/ondertekenen/([0-9A-Za-z_-]{43})`)

// SignToken returns the token of the signing link in a mail ("" if none).
func SignToken(m mailtest.Received) string {
	if got := signLinkInMail.FindStringSubmatch(m.Text); got != nil {
		return got[2]
	}
	return ""
}

// RequestMail waits for the n-th signing request mail (n from 1) to the
// address, with or without a TAN.
func (e *Env) RequestMail(t testing.TB, to string, n int) mailtest.Received {
	t.Helper()
	return e.MailWith(t, to, n, func(m mailtest.Received) bool { return SignToken(m) != "" })
}

// SignMail waits for the n-th signing mail with a TAN (n from 1) to the
// address and returns it with its TAN.
func (e *Env) SignMail(t testing.TB, to string, n int) (mailtest.Received, string) {
	t.Helper()
	m := e.MailWith(t, to, n, func(m mailtest.Received) bool { return tanInMail.MatchString(m.Text) })
	got := tanInMail.FindStringSubmatch(m.Text)
	if got == nil {
		t.Fatalf("no TAN in mail %q:\n%s", m.Subject, m.Text)
	}
	return m, got[1]
}

// Requested is AskToSign, then waits for kees's mailN-th signing mail
// (from 1), checks its link and greeting and returns the document's ID and
// the mail's TAN.
func (e *Env) Requested(t testing.TB, title string, mailN int) (string, string) {
	t.Helper()
	id := e.AskToSign(t, title)
	m, tan := e.SignMail(t, e.Emails["client1"], mailN)
	if !strings.Contains(m.Text, e.Links.Sign(id, "")) || m.Subject != "u dient een document goed te keuren" {
		t.Fatalf("sign mail %q lacks the link to %s:\n%s", m.Subject, id, m.Text)
	}
	if !strings.Contains(m.Text, "Beste Kees Bakker,") {
		t.Fatalf("sign mail does not greet by name:\n%s", m.Text)
	}
	return id, tan
}

// Count returns the number of mails sent so far to the address that match accepts.
func (e *Env) Count(to string, match func(mailtest.Received) bool) int {
	n := 0
	for _, m := range e.SMTP.Messages() {
		for _, a := range append(m.Rcpt, m.To...) {
			if strings.EqualFold(a, to) && match(m) {
				n++
				break
			}
		}
	}
	return n
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Upload uploads a PDF titled title as the back office for client c1 and
// returns the document's ID.
func (e *Env) Upload(t testing.TB, title string) string {
	t.Helper()
	_, id, err := e.Handler.Upload(context.Background(), Meta(e.Backoffice), cmd.Upload{ClientID: "c1",
		Kind: document.KindDocument, Title: title, FileName: "o.pdf", Content: PDF})
	must(t, err)
	return id
}

// AskToSign uploads a document (Upload) and asks kees (client1) to sign it;
// it returns the document's ID once the request is projected and mailed.
func (e *Env) AskToSign(t testing.TB, title string) string {
	t.Helper()
	id := e.Upload(t, title)
	res, err := e.AskClient1(context.Background(), id)
	must(t, err)
	e.Wait(t, res.Position)
	return id
}

// AskClient1 is the back office asking kees (client1) to sign document id.
func (e *Env) AskClient1(ctx context.Context, id string) (commands.Result, error) {
	res, _, err := e.Handler.RequestSignature(ctx, Meta(e.Backoffice), id, e.Client1.AccountID)
	return res, err
}
