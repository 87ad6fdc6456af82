package portal_test

import (
	"bytes"
	"context"
	"io"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"backoffice/commands"
	doccmd "backoffice/commands/document"
	"backoffice/commands/identity"
	tscmd "backoffice/commands/timesheet"
	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/client"
	doc "backoffice/domain/document"
	"backoffice/domain/intermediary"
	"backoffice/domain/timesheet"
	"backoffice/domain/worker"
	"backoffice/http/portal"
	"backoffice/internal/app"
	"backoffice/internal/apptest"
	"backoffice/internal/pgtest"
)

func TestMain(m *testing.M) {
	pgtest.DurableForBenchmarks()
	if pgtest.Settings["fsync"] == "on" { // benchmarks: count each page's statements (BenchmarkListsAtScale)
		pgtest.Settings["shared_preload_libraries"] = "pg_stat_statements"
	}
	pgtest.Main(m)
}

// The portal's tests run on the real application (internal/apptest: app.New
// on a fresh database, every projector running) with a fixed clock:
// Wednesday 11 February 2026 12:00 in Amsterdam (week 7).
var now = time.Date(2026, 2, 11, 12, 0, 0, 0, timesheet.Location())

// The fixture's people. p1 (Jan) and p3 (Fatima, time registration) are at
// Bakkerij Bol and Bakkerij Bol Vers, where the client enters the hours and
// the intermediary approves; p2 (Piet) is at Rijn Transport, where the
// worker enters and the client, then the intermediary approve.
const (
	clientEmail  = "klant@bakkerijbol.nl" // Els Bol, client user of Bakkerij Bol
	client3Email = "klant@bolvers.nl"     // Bo Vers, client user of Bakkerij Bol Vers
	client2Email = "klant@rijn.nl"        // Rik Rijn, client user of Rijn Transport
	workerEmail  = "jan@example.nl"       // Jan de Vries, p1
	worker2Email = "karim@example.nl"     // Karim Yilmaz, p2
	interEmail   = "flex@intermediair.nl" // Flex Uitzend, intermediary of all three
	boEmail      = "beheer@bureau.nl"
	acmeEmail    = "ad@acme.nl" // the only user of Acme, disabled: Acme has no signers
	password     = "geheim wachtwoord 1"
)

// openWeek is Els's timesheet for Jan's week 5 (p1), still open: she
// can enter, change and offer it.
const openWeek = "/plaatsingen/p1/weken/2026-W05"

var hourTypes = []client.HourType{
	{Code: "100", Name: "Normale uren", Percentage: 100},
	{Code: "125", Name: "Overuren", Percentage: 125},
	{Code: "150", Name: "Weekenduren", Percentage: 150},
	{Code: "ZK", Name: "Ziekte", Percentage: 100, Absence: true},
}

func wk(n int) timesheet.ISOWeek { return timesheet.ISOWeek{Year: 2026, Week: n} }

// fixture is the seeded application: people, placements and timesheets in
// every status (p1: week 1 imported, 2 approved, 3 offered, 4 rejected, 5
// open; p2: weeks 5 and 6 offered to the client; p3: week 6 with two shifts
// and an expense).
type fixture struct {
	*apptest.Env
	accounts map[string]domain.Actor // by e-mail
	docs     map[string]string       // document IDs by the names below
}

// newFixture is the fixture on a fresh application. It is seeded once per
// test binary, through the commands as in seedFixture, into a template
// database; each test runs a fresh application on its own copy of it
// (with the mails the seeding sent in its outbox). Seeding it for every
// test cost about a second of each test.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	cs := pgtest.NewDBFromTemplate(t, "portal_fixture", func(ctx context.Context, cs string) error {
		if err := apptest.Migrate(ctx, cs); err != nil {
			return err
		}
		// The seeding application stops and closes its connections when
		// the seeding is done (its own cleanups), before the database
		// becomes the template; not at the end of the test that happened
		// to need the template first.
		st := &seedTB{TB: t}
		defer st.done()
		f := seedFixture(st, apptest.New(st, apptest.Options{Now: now, DB: cs}))
		fixtureTemplate.accounts, fixtureTemplate.docs = f.accounts, f.docs
		fixtureTemplate.outbox = f.OutboxFiles(st)
		return nil
	})
	e := apptest.New(t, apptest.Options{Now: now, DB: cs, OutboxFiles: fixtureTemplate.outbox})
	return &fixture{Env: e, accounts: maps.Clone(fixtureTemplate.accounts), docs: maps.Clone(fixtureTemplate.docs)}
}

// seedTB is the test that needs the fixture's template first, with its
// own cleanups and temporary directories, run by done.
type seedTB struct {
	testing.TB
	mu       sync.Mutex
	cleanups []func()
}

func (s *seedTB) Cleanup(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cleanups = append(s.cleanups, f)
}

func (s *seedTB) TempDir() string {
	dir, err := os.MkdirTemp("", "portal-fixture-")
	if err != nil {
		s.Fatal(err)
	}
	s.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

// done runs the cleanups, last first, as the testing package does.
func (s *seedTB) done() {
	s.mu.Lock()
	fs := s.cleanups
	s.cleanups = nil
	s.mu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
}

// fixtureTemplate is what seeding the template found out: the accounts'
// and documents' IDs and the mails sent.
var fixtureTemplate struct {
	accounts map[string]domain.Actor
	docs     map[string]string
	outbox   map[string][]byte
}

// newFixtureWith lets a test change the application's options; it seeds
// its own fixture.
func newFixtureWith(t testing.TB, change func(*app.Options)) *fixture {
	t.Helper()
	return seedFixture(t, apptest.New(t, apptest.Options{Now: now, Change: change}))
}

// seedFixture seeds the fixture into e's application.
func seedFixture(t testing.TB, e *apptest.Env) *fixture {
	t.Helper()
	f := &fixture{Env: e, accounts: map[string]domain.Actor{}}
	ctx := context.Background()
	svc := e.App.Identity
	sys := commands.Meta{Actor: identity.System, CorrelationID: "fixture"}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	boID, _, err := svc.Activation.BootstrapBackoffice(ctx, boEmail, password)
	must(err)
	f.accounts[boEmail] = domain.Actor{AccountID: boID, Role: domain.RoleBackoffice}
	_, reg, err := svc.Registration.RegisterIntermediary(ctx, sys, identity.RegisterIntermediary{ID: "flex", Name: "Flex Uitzend", KvK: "12345678",
		Contact: intermediary.Contact{Name: "Flex Uitzend", Email: interEmail}})
	must(err)
	f.accounts[interEmail] = domain.Actor{AccountID: reg.AccountID, Role: domain.RoleIntermediary, IntermediaryID: "flex"}
	clients := []struct {
		id, name, kvk, contact, email string
		agreement                     client.Agreement
	}{
		{"bol", "Bakkerij Bol", "23456789", "Els Bol", clientEmail, client.Agreement{HourTypes: hourTypes, NormalHourType: "100",
			EnteredBy: domain.RoleClient, ApprovalChain: []domain.Role{domain.RoleIntermediary}}},
		{"rijn", "Rijn Transport", "34567890", "Rik Rijn", client2Email, client.Agreement{HourTypes: hourTypes[:3], NormalHourType: "100",
			EnteredBy: domain.RoleWorker, ApprovalChain: []domain.Role{domain.RoleClient, domain.RoleIntermediary}}},
		{"vers", "Bakkerij Bol Vers", "45678901", "Bo Vers", client3Email, client.Agreement{HourTypes: hourTypes, NormalHourType: "100",
			EnteredBy: domain.RoleClient, ApprovalChain: []domain.Role{domain.RoleIntermediary}, TimeRegistration: true}},
		{"acme", "Acme", "56789012", "Ad Acme", acmeEmail, client.Agreement{HourTypes: hourTypes, NormalHourType: "100",
			EnteredBy: domain.RoleClient, ApprovalChain: []domain.Role{domain.RoleIntermediary}}},
	}
	for i, c := range clients {
		_, reg, err := svc.Registration.RegisterClient(ctx, sys, identity.RegisterClient{ID: c.id, IntermediaryID: "flex", Name: c.name, KvK: c.kvk,
			Address: client.Address{Street: "Molenstraat", HouseNumber: "4", PostalCode: "3512 AB", City: "Utrecht"},
			Contact: client.Contact{Name: c.contact, Email: c.email}, ContactPersonal: client.ContactPersonalData{Mobile: "0620000" + string(rune('1'+i)) + "01"},
			AgreementFrom: time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC), Agreement: c.agreement})
		must(err)
		f.accounts[c.email] = domain.Actor{AccountID: reg.AccountID, Role: domain.RoleClient, ClientID: c.id}
	}
	start := time.Date(2025, 11, 3, 0, 0, 0, 0, time.UTC)
	workers := []struct {
		id, placement, clientID, email, function string
		name                                     worker.Name
		bsn                                      string
	}{
		{"w1", "p1", "bol", workerEmail, "Bakker", worker.Name{First: "Jan", Infix: "de", Last: "Vries"}, "900000004"},
		{"w2", "p2", "rijn", worker2Email, "Chauffeur", worker.Name{First: "Karim", Last: "Yilmaz"}, "900000016"},
		{"w3", "p3", "vers", "fatima@example.nl", "Inpakker", worker.Name{First: "Fatima", Infix: "el", Last: "Amrani"}, "900000028"},
		{"w4", "p4", "bol", "piet@bakker.nl", "Verkoper", worker.Name{First: "Piet", Last: "Jansen"}, "900000041"},
	}
	for i, w := range workers {
		_, reg, err := svc.Registration.RegisterWorker(ctx, sys, identity.RegisterWorker{ClientID: w.clientID, WorkerID: w.id, PlacementID: w.placement,
			Name: w.name, Email: w.email, Function: w.function,
			PersonalData: worker.PersonalData{BSN: w.bsn, IBAN: "NL91ABNA0417164300", DateOfBirth: time.Date(1990, 5, 17, 0, 0, 0, 0, time.UTC),
				Address: worker.Address{Street: "Kerkstraat", HouseNumber: string(rune('1' + i)), PostalCode: "3511 AB", City: "Utrecht"},
				Mobile:  "0630000" + string(rune('1'+i)) + "01"},
			Start: start})
		must(err)
		f.accounts[w.email] = domain.Actor{AccountID: reg.AccountID, Role: domain.RoleWorker, WorkerID: w.id}
	}
	for email, a := range f.accounts {
		// Fatima keeps her invitation: TestPasswordPages activates it.
		if a.Role != domain.RoleBackoffice && email != "fatima@example.nl" {
			must(svc.Activation.DemoSetPassword(ctx, a.AccountID, password))
		}
	}

	ts := e.App.Timesheets
	meta := func(email string) commands.Meta {
		return commands.Meta{Actor: f.accounts[email], CorrelationID: "fixture"}
	}
	target := func(p string, w int) tscmd.Target { return tscmd.Target{PlacementID: p, Week: wk(w)} }
	full := [7]timesheet.Minutes{480, 480, 450, 480, 240, 0, 0}
	res := func(_ commands.Result, err error) { t.Helper(); must(err) }
	res3 := func(_ commands.Result, _ int, err error) { t.Helper(); must(err) }
	for w := 1; w <= 5; w++ {
		res(ts.SetLine(ctx, meta(clientEmail), tscmd.SetLine{Target: target("p1", w), HourType: "100", Minutes: full}))
		if w == 5 {
			res(ts.SetLine(ctx, meta(clientEmail), tscmd.SetLine{Target: target("p1", w), HourType: "125",
				Minutes: [7]timesheet.Minutes{0, 60, 0, 90, 0, 0, 0}}))
			continue
		}
		res(ts.Offer(ctx, meta(clientEmail), tscmd.Offer{Target: target("p1", w)}))
		switch w {
		case 1, 2:
			res(ts.Approve(ctx, meta(interEmail), tscmd.Approve{Target: target("p1", w)}))
		case 4:
			res(ts.Reject(ctx, meta(interEmail), tscmd.Reject{Target: target("p1", w), Reason: "Op vrijdag klopt het aantal uren niet."}))
		}
	}
	res(ts.MarkImported(ctx, commands.Meta{Actor: domain.Actor{AccountID: "payroll", Role: domain.RolePayroll}},
		tscmd.MarkImported{Target: target("p1", 1), ImportBatch: "batch-1"}))
	for _, w := range []int{5, 6} {
		res(ts.SetLine(ctx, meta(worker2Email), tscmd.SetLine{Target: target("p2", w), HourType: "100", Minutes: full}))
		if w == 5 {
			res(ts.AddRemark(ctx, meta(worker2Email), tscmd.AddRemark{Target: target("p2", w), Text: "Vrijdagmiddag naar de tandarts."}))
		}
		res(ts.Offer(ctx, meta(worker2Email), tscmd.Offer{Target: target("p2", w)}))
	}
	res3(ts.AddEntry(ctx, meta(client3Email), tscmd.AddEntry{Target: target("p3", 6),
		Entry: timesheet.EntryInput{Date: wk(6).Day(0), Start: 7 * 60, End: 15*60 + 30, Break: 30}}))
	res3(ts.AddEntry(ctx, meta(client3Email), tscmd.AddEntry{Target: target("p3", 6),
		Entry: timesheet.EntryInput{Date: wk(6).Day(1), Start: 22 * 60, End: 6 * 60, Break: 30, Continuous: true}}))
	res3(ts.AddExpense(ctx, meta(client3Email), tscmd.AddExpense{Target: target("p3", 6),
		Expense: timesheet.ExpenseInput{Type: timesheet.ExpenseParking, Date: wk(6).Day(0), AmountCents: 1250}}))
	// The mail projectors must have issued the invitations (Fatima's
	// activation link expires counted from the clock of that moment) before
	// seedDocuments sets the clock back to date the documents.
	e.WaitForProjections(t)
	f.seedDocuments(t)
	e.WaitForProjections(t)
	return f
}

// The fixture's documents (IDs in fixture.docs): for Bakkerij Bol a
// contract of Jan's with an open signature request to Els, Piet's ID copy
// (uploaded by Els), signed work instructions and invoice 2026-0012; for
// Acme a contract and invoice 2026-0013.
const (
	docContract     = "d-contract"
	docIDCopy       = "d-id"
	docInstructions = "d-instructies"
	docAcme         = "d-acme"
	docInvoice12    = "i-0012"
	docInvoice13    = "i-0013"
)

var (
	contractPDF     = []byte("%PDF-1.4 fake\n")
	idCopyJPEG      = append([]byte("\xff\xd8\xff"), bytes.Repeat([]byte{0}, 250_000-3)...)
	instructionsTxt = bytes.Repeat([]byte("a"), 1_572_864)
)

func (f *fixture) seedDocuments(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	docs := f.App.Documents
	bo := commands.Meta{Actor: f.accounts[boEmail], CorrelationID: "fixture"}
	f.docs = map[string]string{}
	day := func(n int) { f.Clock.Set(now.Add(-time.Duration(n) * 24 * time.Hour)) }
	defer f.Clock.Set(now)
	upload := func(name string, m commands.Meta, up doccmd.Upload) {
		t.Helper()
		_, id, err := docs.Upload(ctx, m, up)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		f.docs[name] = id
	}
	day(9)
	upload(docInvoice12, bo, doccmd.Upload{ClientID: "bol", Kind: doc.KindInvoice, Title: "Factuur 2026-0012", FileName: "factuur-2026-0012.pdf",
		Content: []byte("%PDF invoice 12"), Invoice: &doc.Invoice{Number: "2026-0012", Date: time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC), AmountCents: 123456}})
	day(8)
	upload(docInvoice13, bo, doccmd.Upload{ClientID: "acme", Kind: doc.KindInvoice, Title: "Factuur 2026-0013", FileName: "factuur-2026-0013.pdf",
		Content: []byte("%PDF invoice 13"), Invoice: &doc.Invoice{Number: "2026-0013", Date: time.Date(2026, 2, 3, 0, 0, 0, 0, time.UTC), AmountCents: 99}})
	day(6)
	upload(docInstructions, bo, doccmd.Upload{ClientID: "bol", Kind: doc.KindDocument, Title: "Werkinstructies", FileName: "werkinstructies.txt",
		Content: instructionsTxt})
	f.requestSignature(t, docInstructions, clientEmail)
	day(5)
	if _, err := docs.Sign(ctx, commands.Meta{Actor: f.accounts[clientEmail]}, f.docs[docInstructions],
		doccmd.Signature{TAN: f.tan(t, docInstructions), ReadConfirmed: true}); err != nil {
		t.Fatal(err)
	}
	day(3)
	upload(docIDCopy, commands.Meta{Actor: f.accounts[clientEmail]}, doccmd.Upload{WorkerID: "w4", Kind: doc.KindDocument,
		Category: doc.CategoryIDCopy, Title: "Kopie ID-bewijs Piet Jansen", FileName: "id piet.jpg", Content: idCopyJPEG})
	day(2)
	upload(docContract, bo, doccmd.Upload{ClientID: "bol", WorkerID: "w1", Kind: doc.KindDocument, Title: "Arbeidsovereenkomst Jan de Vries",
		FileName: "arbeidsovereenkomst.pdf", Content: contractPDF})
	day(1)
	upload(docAcme, bo, doccmd.Upload{ClientID: "acme", Kind: doc.KindDocument, Title: "Contract Acme", FileName: "acme.pdf", Content: []byte("%PDF acme")})
	f.requestSignature(t, docContract, clientEmail)
	f.disable(t, acmeEmail)
}

// requestSignature asks the account of email to sign the document (as the
// back office).
func (f *fixture) requestSignature(t testing.TB, name, email string) {
	t.Helper()
	if _, _, err := f.App.Documents.RequestSignature(context.Background(), commands.Meta{Actor: f.accounts[boEmail]},
		f.docs[name], f.accounts[email].AccountID); err != nil {
		t.Fatalf("request signature of %s: %v", name, err)
	}
}

var tanRE = regexp.MustCompile(`TAN-code: ([A-Z]{4})`)

// tan is the TAN of the latest signing mail about the document.
func (f *fixture) tan(t testing.TB, name string) string {
	t.Helper()
	_, tan := f.signMail(t, name)
	return tan
}

// signLink is the path of the unique signing link in the latest signing
// mail about the document (/documenten/{id}/ondertekenen/{token}).
func (f *fixture) signLink(t testing.TB, name string) string {
	t.Helper()
	link, _ := f.signMail(t, name)
	return link
}

// signMail finds the latest signing mail about the document: its link's
// path and its TAN.
func (f *fixture) signMail(t testing.TB, name string) (string, string) {
	t.Helper()
	linkRE := regexp.MustCompile(`/documenten/` + regexp.QuoteMeta(f.docs[name]) + `/ondertekenen/[0-9A-Za-z_-]{43}`)
	deadline := time.Now().Add(20 * time.Second)
	for {
		items, err := f.Outbox.List(100) // newest first
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			full, err := f.Outbox.Read(it.ID)
			if err != nil {
				t.Fatal(err)
			}
			m, link := tanRE.FindStringSubmatch(full.Text), linkRE.FindString(full.Text)
			if m != nil && link != "" {
				return link, m[1]
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no signing mail about %s", name)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// disable disables an account: the account aggregate's own decision,
// appended like a command would (the product has no such screen yet).
func (f *fixture) disable(t testing.TB, email string) {
	t.Helper()
	ctx := context.Background()
	acc, err := domain.Replay[account.Account]()
	if err != nil {
		t.Fatal(err)
	}
	st, err := commands.LoadInto(ctx, f.Store, account.Stream(f.accounts[email].AccountID), account.Events, acc)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := acc.Disable(f.accounts[boEmail], "left the company", f.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := commands.Save(ctx, f.Store, st, commands.Meta{Actor: f.accounts[boEmail]}, f.Clock.Now(), evs...); err != nil {
		t.Fatal(err)
	}
}

// doc is the path segment of a fixture document.
func (f *fixture) doc(name string) string { return f.docs[name] }

// harness is one browser without JavaScript on the fixture: a cookie jar,
// redirects not followed.
type harness struct {
	*fixture
	t *testing.T
	c *http.Client
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	return newHarnessOn(t, newFixture(t))
}

// newHarnessAs is a fresh application with email logged in, in Dutch:
// how most screen tests start.
func newHarnessAs(t *testing.T, email string) *harness {
	t.Helper()
	h := newHarness(t)
	h.loginAs(email, "nl")
	return h
}

// newHarnessOn is a second browser on the same application.
func newHarnessOn(t *testing.T, f *fixture) *harness {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &harness{fixture: f, t: t, c: c}
}

// newHarnessWith is a browser on a second portal over f's application,
// built from the application's portal dependencies as change leaves them.
func newHarnessWith(t *testing.T, f *fixture, change func(*portal.Deps)) *harness {
	t.Helper()
	d := f.App.PortalDeps
	change(&d)
	site, err := portal.New(d)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(site)
	t.Cleanup(srv.Close)
	env := *f.Env
	env.URL = srv.URL
	return newHarnessOn(t, &fixture{Env: &env, accounts: f.accounts, docs: f.docs})
}

// loginAs logs in through the form in language lang (the account's
// language is set to it first, as the user would in the settings).
func (h *harness) loginAs(email, lang string) {
	h.t.Helper()
	ctx := context.Background()
	a := h.accounts[email]
	if _, err := h.App.Identity.Profile.SetLanguage(ctx, commands.Meta{Actor: a}, lang); err != nil {
		h.t.Fatal(err)
	}
	h.WaitForProjections(h.t)
	h.c.Jar, _ = cookiejar.New(nil) // a fresh browser
	h.c.Jar.SetCookies(h.base(), []*http.Cookie{{Name: "lang", Value: lang, Path: "/"}})
	res, body := h.post("/inloggen", url.Values{"csrf": {h.token("/inloggen")}, "email": {email}, "password": {password}})
	if res.StatusCode != http.StatusSeeOther {
		h.t.Fatalf("login %s: %d\n%s", email, res.StatusCode, body)
	}
}

func (h *harness) base() *url.URL { u, _ := url.Parse(h.URL); return u }

func (h *harness) get(path string) (*http.Response, string) {
	h.t.Helper()
	res, err := h.c.Get(h.URL + path)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func (h *harness) post(path string, form url.Values) (*http.Response, string) {
	h.t.Helper()
	return h.postBody(path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
}

// checkPage renders path (200) and checks it in language lang
// (portal.AssertPage: headers, catalogue, no inline code).
func (h *harness) checkPage(path, lang string) {
	h.t.Helper()
	res, body := h.get(path)
	if res.StatusCode != http.StatusOK {
		h.t.Fatalf("GET %s: %d\n%s", path, res.StatusCode, body)
	}
	portal.AssertPage(h.t, path, res, body, lang)
}

// postOn submits a form of page: form goes to page+action ("" for page
// itself) with page's CSRF token.
func (h *harness) postOn(page, action string, form url.Values) (*http.Response, string) {
	h.t.Helper()
	form.Set("csrf", h.token(page))
	return h.post(page+action, form)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// token fetches page and returns its CSRF token.
func (h *harness) token(page string) string {
	h.t.Helper()
	_, body := h.get(page)
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		h.t.Fatalf("no CSRF token on %s", page)
	}
	return m[1]
}
