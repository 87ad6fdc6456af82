// Package domaintest runs one complete story through the domain's commands
// (every aggregate, every event type) with the free texts and edge numbers
// a test chooses. The text invariant test drives hostile texts through it
// one input at a time; the read models' property test replays the events of
// stories with random valid texts through every projector. The aggregates'
// own tests share its given/when/then and round-trip checks and literals
// (check.go) and the fuzz target of a parser (fuzz.go).
package domaintest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/client"
	"backoffice/domain/document"
	"backoffice/domain/intermediary"
	"backoffice/domain/payroll"
	"backoffice/domain/placement"
	ts "backoffice/domain/timesheet"
	"backoffice/domain/worker"
)

// Inputs are the texts of a story, keyed by input name (see Texts). A
// missing input gets its default.
type Inputs map[string]string

// Text describes one text input of the story: the command field it is
// given to, the error field name the domain answers with, its default and
// the longest value the domain accepts (0: a structured value such as an
// e-mail address, not generated freely).
type Text struct {
	Name    string // input name in Inputs
	Field   string // domain.Error Field when the text is refused
	Default string
	Max     int
	// MultiLine: line feeds and tabs are kept.
	MultiLine bool
	// Normalised: the domain cleans the value instead of refusing it (a
	// browser's file name).
	Normalised bool
	// Single: a one-line label that refuses tabs and line feeds.
	Single bool
}

// Texts are every text input of the story. The "id." inputs are the IDs a
// caller chooses; by default they are made unique per story.
var Texts = []Text{
	{Name: "id.intermediary", Field: "intermediary_id"},
	{Name: "id.client", Field: "client_id"},
	{Name: "id.worker", Field: "worker_id"},
	{Name: "id.placement", Field: "placement_id"},
	{Name: "id.account", Field: "account_id"},
	{Name: "id.token", Field: "token_id"},
	{Name: "id.document", Field: "document_id"},
	{Name: "id.request", Field: "request_id"},
	{Name: "client.entered_by", Field: "agreement.entered_by", Default: "worker"},
	{Name: "client.approval_chain", Field: "agreement.approval_chain", Default: "client"},
	{Name: "account.role", Field: "role", Default: "client"},
	{Name: "token.kind", Field: "kind", Default: "payroll"},
	{Name: "document.kind", Field: "kind", Default: "document"},
	{Name: "document.category", Field: "category", Default: "general"},
	{Name: "timesheet.expense.type", Field: "type", Default: "other"},
	{Name: "intermediary.name", Field: "name", Default: "Uitzendbureau De Brug", Max: 100},
	{Name: "intermediary.kvk", Field: "kvk", Default: "12345678"},
	{Name: "intermediary.contact.name", Field: "contact.name", Default: "Petra de Wit", Max: 100},
	{Name: "intermediary.contact.email", Field: "contact.email", Default: "petra@debrug.nl"},
	{Name: "intermediary.new_contact.name", Field: "contact.name", Default: "Kees Jansen", Max: 100},
	{Name: "intermediary.new_contact.email", Field: "contact.email", Default: "kees@debrug.nl"},
	{Name: "client.name", Field: "name", Default: "Bakkerij Zoet B.V.", Max: 100},
	{Name: "client.kvk", Field: "kvk", Default: "87654321"},
	{Name: "client.address.street", Field: "address.street", Default: "Dorpsstraat", Max: 100},
	{Name: "client.address.house_number", Field: "address.house_number", Default: "12-A", Max: 16},
	{Name: "client.address.postal_code", Field: "address.postal_code", Default: "1234 AB"},
	{Name: "client.address.city", Field: "address.city", Default: "Utrecht", Max: 80},
	{Name: "client.address.country", Field: "address.country", Default: "NL"},
	{Name: "client.contact.name", Field: "contact.name", Default: "Jan Zoet", Max: 100},
	{Name: "client.contact.email", Field: "contact.email", Default: "jan@zoet.nl"},
	{Name: "client.hour_type.code", Field: "agreement.hour_types.code", Default: "100"},
	{Name: "client.hour_type.name", Field: "agreement.hour_types.name", Default: "Normale uren", Max: 60},
	{Name: "client.normal_hour_type", Field: "agreement.normal_hour_type", Default: "100"},
	{Name: "client.billing_rate.code", Field: "agreement.billing_rates", Default: "100"},
	{Name: "client.new_hour_type.name", Field: "agreement.hour_types.name", Default: "Overuren", Max: 60},
	{Name: "client.new_name", Field: "name", Default: "Bakkerij Zoet Utrecht B.V.", Max: 100},
	{Name: "client.new_contact.name", Field: "contact.name", Default: "Ria Zoet", Max: 100},
	{Name: "client.new_contact.email", Field: "contact.email", Default: "ria@zoet.nl"},
	{Name: "worker.name.first", Field: "name.first", Default: "Zoë", Max: 60},
	{Name: "worker.name.infix", Field: "name.infix", Default: "van der", Max: 20},
	{Name: "worker.name.last", Field: "name.last", Default: "Berg", Max: 80},
	{Name: "worker.email", Field: "email", Default: "zoe@example.nl"},
	{Name: "worker.function", Field: "function", Default: "Bakker", Max: 80},
	{Name: "placement.function", Field: "function", Default: "Broodbakker", Max: 80},
	{Name: "placement.end_reason", Field: "reason", Default: "Project afgerond", Max: 200},
	{Name: "placement.corrected_function", Field: "function", Default: "Banketbakker", Max: 80},
	{Name: "placement.correct_reason", Field: "reason", Default: "Typefout bij inschrijven", Max: 200},
	{Name: "account.email", Field: "email", Default: "jan@zoet.nl"},
	{Name: "account.language", Field: "language", Default: "nl"},
	{Name: "account.new_language", Field: "language", Default: "en"},
	{Name: "account.disable_reason", Field: "reason", Default: "Uit dienst", Max: 200},
	{Name: "token.label", Field: "label", Default: "Loket export", Max: 80},
	{Name: "token.revoke_reason", Field: "reason", Default: "Vervangen", Max: 200},
	{Name: "document.title", Field: "title", Default: "Contract 2026", Max: 200},
	{Name: "document.file_name", Field: "file", Default: "contract.pdf", Max: 120, Normalised: true},
	{Name: "document.version_file_name", Field: "file", Default: "contract-v2.pdf", Max: 120, Normalised: true},
	{Name: "document.invoice_number", Field: "invoice_number", Default: "F2026-001", Max: 50},
	{Name: "document.sign_remark", Field: "remark", Default: "Akkoord", Max: document.MaxRemark},
	{Name: "document.decline_remark", Field: "remark", Default: "Niet akkoord", Max: document.MaxRemark},
	{Name: "document.reissue_reason", Field: "reason", Default: "Telefonisch gecontroleerd", Max: 500},
	{Name: "timesheet.expense.description", Field: "description", Default: "Lunch met klant", Max: ts.MaxDescriptionLength},
	{Name: "timesheet.remark", Field: "text", Default: "Maandag eerder weg", Max: ts.MaxRemarkLength, MultiLine: true},
	{Name: "timesheet.reject_reason", Field: "reason", Default: "Dinsdag klopt niet", Max: ts.MaxReasonLength, MultiLine: true},
	{Name: "timesheet.import_batch", Field: "import_batch", Default: "batch-2026-05", Max: ts.MaxImportBatchLength, Single: true},
	{Name: "timesheet.reopen_reason", Field: "reason", Default: "Dinsdag was 7 uur", Max: ts.MaxReasonLength, MultiLine: true},
	{Name: "payroll.administration", Field: "administration", Default: "1001"},
	{Name: "payroll.debtor_number", Field: "debtor_number", Default: "D42"},
	{Name: "payroll.relation", Field: "relation", Default: "R7"},
	{Name: "payroll.component", Field: "entries[0].nmbrs", Default: "Uren 100"},
	{Name: "payroll.personnel_number", Field: "personnel_number", Default: "10"},
	{Name: "payroll.cancel_reason", Field: "reason", Default: "Verkeerde koppeling", Max: 1000},
}

// TextNamed returns the input of that name.
func TextNamed(name string) (Text, bool) {
	for _, t := range Texts {
		if t.Name == name {
			return t, true
		}
	}
	return Text{}, false
}

// Numbers are the story's amounts; zero fields get a default. Each is
// within what the domain accepts.
type Numbers struct {
	DayMinutes     ts.Minutes // minutes on each weekday of the hour line (max 24h)
	ExpenseCents   int64      // max ts.MaxExpenseCents
	Kilometres     int        // max ts.MaxExpenseKilometres
	Percentage     int        // max client.MaxPercentage
	AllowanceCents int64      // max client.MaxAllowance
	BillingRate    int64      // max client.MaxBillingRate
	InvoiceCents   int64      // may be negative (a credit note)
}

// Stored is one event of the story with its stream and actor.
type Stored struct {
	Stream string
	Actor  domain.Actor
	Event  domain.Event
}

// Story is the outcome of Run.
type Story struct {
	Events []Stored
	// Failed names the step whose command refused its input, and Err is
	// its error; the failing step recorded nothing.
	Failed string
	Err    error
}

// Now is the story's clock: Monday 2 February 2026 09:00 in Amsterdam, in
// time to enter and approve the previous week.
var Now = time.Date(2026, 2, 2, 9, 0, 0, 0, ts.Location())

// Week is the story's timesheet week (the week before Now).
var Week = ts.ISOWeek{Year: 2026, Week: 5}

// Run runs the story with ids made unique by suffix ("1", "seed-42").
func Run(suffix string, in Inputs, n Numbers) Story {
	r := &runner{in: in, n: n.withDefaults()}
	r.id = func(p string) string {
		if v, ok := in["id."+p]; ok {
			return v
		}
		return p + "-" + suffix
	}
	r.run()
	return r.story
}

func (n Numbers) withDefaults() Numbers {
	def := func(v *int64, d int64) {
		if *v == 0 {
			*v = d
		}
	}
	if n.DayMinutes == 0 {
		n.DayMinutes = 480
	}
	def(&n.ExpenseCents, 1250)
	if n.Kilometres == 0 {
		n.Kilometres = 42
	}
	if n.Percentage == 0 {
		n.Percentage = 100
	}
	def(&n.AllowanceCents, 250)
	def(&n.BillingRate, 3500)
	def(&n.InvoiceCents, 12100)
	return n
}

type runner struct {
	in    Inputs
	n     Numbers
	id    func(prefix string) string
	story Story
}

func (r *runner) text(name string) string {
	if v, ok := r.in[name]; ok {
		return v
	}
	t, ok := TextNamed(name)
	if !ok {
		panic("domaintest: no input " + name)
	}
	return t.Default
}

// step is one command of the story: its name, who gives it and the call
// that decides it.
type step struct {
	name  string
	actor domain.Actor
	run   func() ([]domain.Event, error)
}

// steps runs the commands on one stream in order: each one's events are
// applied with apply (nil: the aggregate records its own, or is not
// replayed) and recorded. It reports false, and the story stops, at the
// first command that fails.
func (r *runner) steps(stream string, apply func(domain.Event) error, steps ...step) bool {
	for _, s := range steps {
		if r.story.Err != nil {
			return false
		}
		evs, err := s.run()
		if err != nil {
			r.story.Failed, r.story.Err = s.name, err
			return false
		}
		for _, e := range evs {
			if apply != nil {
				if err := apply(e); err != nil {
					r.story.Failed, r.story.Err = s.name, fmt.Errorf("domaintest: %s: apply: %w", s.name, err)
					return false
				}
			}
			r.story.Events = append(r.story.Events, Stored{Stream: stream, Actor: s.actor, Event: e})
		}
	}
	return true
}

// events is the run of a step that records events without a command (the
// legacy events no command gives any more).
func events(evs ...domain.Event) func() ([]domain.Event, error) {
	return func() ([]domain.Event, error) { return evs, nil }
}

func tokenHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

var staff = domain.Actor{AccountID: "bo-1", Role: domain.RoleBackoffice}

func (r *runner) run() {
	now := Now
	day := func(d ts.Date) time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

	// Intermediary.
	inter := &intermediary.Intermediary{}
	interID := r.id("intermediary")
	if !r.steps(intermediary.Stream(interID), inter.Apply,
		step{"intermediary.register", staff, func() ([]domain.Event, error) {
			return inter.Register(staff, intermediary.Register{IntermediaryID: interID, Name: r.text("intermediary.name"),
				KvK: r.text("intermediary.kvk"), Contact: intermediary.Contact{Name: r.text("intermediary.contact.name"),
					Email: r.text("intermediary.contact.email")}}, now)
		}},
		step{"intermediary.change_contact", staff, func() ([]domain.Event, error) {
			return inter.ChangeContact(staff, intermediary.Contact{Name: r.text("intermediary.new_contact.name"),
				Email: r.text("intermediary.new_contact.email")}, now)
		}},
	) {
		return
	}

	// Client with its agreement, a change of it from next Monday and new
	// details.
	cl := &client.Client{}
	clientID := r.id("client")
	agreement := client.Agreement{
		HourTypes: []client.HourType{
			{Code: r.text("client.hour_type.code"), Name: r.text("client.hour_type.name"), Percentage: 100},
			{Code: "125", Name: "Overuren 125%", Percentage: r.n.Percentage},
			{Code: "V", Name: "Vakantie", Percentage: 100, Absence: true},
		},
		NormalHourType: r.text("client.normal_hour_type"),
		EnteredBy:      domain.Role(r.text("client.entered_by")),
		ApprovalChain:  []domain.Role{domain.Role(r.text("client.approval_chain"))},
		Allowances:     client.Allowances{PerDayCents: r.n.AllowanceCents, PerHourCents: r.n.AllowanceCents},
		BillingRates:   map[string]int64{r.text("client.billing_rate.code"): r.n.BillingRate},
	}
	changed := agreement.Clone()
	changed.HourTypes[1].Name = r.text("client.new_hour_type.name")
	if !r.steps(client.Stream(clientID), cl.Apply,
		step{"client.register", staff, func() ([]domain.Event, error) {
			evs, _, err := cl.Register(staff, inter, client.Register{ClientID: clientID, Name: r.text("client.name"),
				KvK: r.text("client.kvk"),
				Address: client.Address{Street: r.text("client.address.street"), HouseNumber: r.text("client.address.house_number"),
					PostalCode: r.text("client.address.postal_code"), City: r.text("client.address.city"), Country: r.text("client.address.country")},
				Contact:         client.Contact{Name: r.text("client.contact.name"), Email: r.text("client.contact.email")},
				ContactPersonal: client.ContactPersonalData{Mobile: "+31612345678"},
				AgreementFrom:   time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Agreement: agreement}, now)
			return evs, err
		}},
		step{"client.change_agreement", staff, func() ([]domain.Event, error) {
			return cl.ChangeAgreement(staff, day(Week.Start().AddDays(14)), changed, now)
		}},
		step{"client.change_details", staff, func() ([]domain.Event, error) {
			return cl.ChangeDetails(staff, client.Details{Name: r.text("client.new_name"), KvK: r.text("client.kvk"),
				Address: client.Address{Street: r.text("client.address.street"), HouseNumber: r.text("client.address.house_number"),
					PostalCode: r.text("client.address.postal_code"), City: r.text("client.address.city"), Country: r.text("client.address.country")},
				Contact: client.Contact{Name: r.text("client.new_contact.name"), Email: r.text("client.new_contact.email")}}, now)
		}},
	) {
		return
	}

	// Worker and placement.
	wk := &worker.Worker{}
	workerID := r.id("worker")
	if !r.steps(worker.Stream(workerID), wk.Apply, step{"worker.register", staff, func() ([]domain.Event, error) {
		evs, _, err := wk.Register(staff, cl, worker.Register{WorkerID: workerID,
			Name:     worker.Name{First: r.text("worker.name.first"), Infix: r.text("worker.name.infix"), Last: r.text("worker.name.last")},
			Email:    r.text("worker.email"),
			Function: r.text("worker.function"),
			PersonalData: worker.PersonalData{BSN: "111222333", IBAN: "NL91ABNA0417164300",
				DateOfBirth: time.Date(1990, 5, 17, 0, 0, 0, 0, time.UTC),
				Address:     worker.Address{Street: "Kerkstraat", HouseNumber: "1", PostalCode: "1234 AB", City: "Utrecht"},
				Mobile:      "+31612345678"},
			Start: time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC)}, now)
		return evs, err
	}}) {
		return
	}
	pl := &placement.Placement{}
	placementID := r.id("placement")
	roster := &placement.Roster{}
	if !r.steps(placement.RosterStream(workerID), roster.Apply, step{"placement.claim", staff, func() ([]domain.Event, error) {
		// The start claimed in the worker's roster before it is appended.
		return roster.Claim(placement.ClaimCmd{WorkerID: wk.ID(), PlacementID: placementID, ClientID: cl.ID(),
			Period: placement.Period{Start: time.Date(2025, 6, 3, 0, 0, 0, 0, time.UTC)}}, nil)
	}}) {
		return
	}
	if !r.steps(placement.Stream(placementID), pl.Apply, step{"placement.start", staff, func() ([]domain.Event, error) {
		return pl.Start(staff, cl, wk, placement.Start{PlacementID: placementID, Function: r.text("placement.function"),
			Start: time.Date(2025, 6, 3, 0, 0, 0, 0, time.UTC)}, now)
	}}, step{"placement.correct", staff, func() ([]domain.Event, error) {
		// A typo at the start: the function and the start date corrected.
		return pl.Correct(staff, cl, placement.Correct{Function: r.text("placement.corrected_function"),
			Start: time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC), Reason: r.text("placement.correct_reason")}, now)
	}}) {
		return
	}

	// The client's login. Legacy: streams written before the links' tokens
	// moved to commands/auth hold the links' hashes; projectors must still
	// take them. The account acts as itself once created, with the language
	// it has at the time: each group of steps names it after the one before.
	acc := &account.Account{}
	accountID := r.id("account")
	if !r.steps(account.Stream(accountID), acc.Apply,
		step{"account.create", staff, func() ([]domain.Event, error) {
			return acc.Create(staff, account.Create{AccountID: accountID, Email: r.text("account.email"), Role: domain.Role(r.text("account.role")),
				ClientID: clientID, Language: r.text("account.language")}, now)
		}},
		step{"account.issue_activation", staff, events(&account.ActivationIssued{AccountID: accountID,
			TokenHash: tokenHash("activate" + accountID), ExpiresAt: now.Add(72 * time.Hour)})},
		step{"account.activate", domain.Actor{}, func() ([]domain.Event, error) { return acc.RecordPasswordSet(false, now) }},
		step{"account.request_reset", staff, events(&account.PasswordResetRequested{AccountID: accountID,
			TokenHash: tokenHash("reset" + accountID), ExpiresAt: now.Add(2 * time.Hour)})},
		step{"account.reset_password", domain.Actor{}, func() ([]domain.Event, error) { return acc.RecordPasswordSet(true, now) }},
	) {
		return
	}
	self := acc.Actor()
	if !r.steps(account.Stream(accountID), acc.Apply,
		step{"account.change_password", self, func() ([]domain.Event, error) { return acc.ChangePassword(self, now) }},
		step{"account.change_language", self, func() ([]domain.Event, error) {
			return acc.ChangeLanguage(self, r.text("account.new_language"), now)
		}},
	) {
		return
	}
	self = acc.Actor()
	if !r.steps(account.Stream(accountID), acc.Apply,
		step{"account.change_mobile", self, func() ([]domain.Event, error) {
			evs, _, err := acc.ChangeMobile(self, "06-12345678", now)
			return evs, err
		}},
		step{"account.disable", staff, func() ([]domain.Event, error) {
			return acc.Disable(staff, r.text("account.disable_reason"), now)
		}},
		step{"account.enable", staff, func() ([]domain.Event, error) { return acc.Enable(staff, now) }},
	) {
		return
	}

	// An integration token.
	tok := &account.Token{}
	tokenID := r.id("token")
	if !r.steps(account.TokenStream(tokenID), tok.Apply,
		step{"token.create", staff, func() ([]domain.Event, error) {
			return tok.Create(staff, account.CreateToken{TokenID: tokenID, Kind: account.TokenKind(r.text("token.kind")), Label: r.text("token.label")}, now)
		}},
		step{"token.revoke", staff, func() ([]domain.Event, error) { return tok.Revoke(staff, r.text("token.revoke_reason"), now) }},
	) {
		return
	}
	// A token whose creation was recorded but never made live: the
	// application's sweep revokes it (cause never_activated).
	pending := &account.Token{}
	pendingID := tokenID + "p"
	sweeper := domain.Actor{AccountID: "system", Role: domain.RoleSystem}
	if !r.steps(account.TokenStream(pendingID), pending.Apply,
		step{"token.create", staff, func() ([]domain.Event, error) {
			return pending.Create(staff, account.CreateToken{TokenID: pendingID, Kind: account.TokenPayroll, Label: r.text("token.label")}, now)
		}},
		step{"token.revoke_never_activated", sweeper, func() ([]domain.Event, error) { return pending.RevokeNeverActivated(sweeper, now) }},
	) {
		return
	}

	// Documents: one signed, one declined, one invoice.
	signer := document.Signer{AccountID: accountID, Role: domain.RoleClient, ClientID: clientID, Enabled: true}
	clientUser := acc.Actor()
	system := domain.Actor{Role: domain.RoleSystem}
	for i, decision := range []string{"sign", "decline"} {
		d := &document.Document{}
		docID := r.id("document") + fmt.Sprint(i)
		requestID := r.id("request") + fmt.Sprint(i)
		// The TAN goes by SMS to the first signer, in the mail to the second.
		channel, address := document.ChannelSMS, "06 12345678"
		if i == 1 {
			channel, address = document.ChannelEmail, "jan@example.nl"
		}
		// The evidence of the signing screen: opened, a wrong TAN.
		sealed := &document.Sealed{Subject: account.Stream(accountID), Ciphertext: "c2VhbGVkIGNvbm5lY3Rpb24="}
		answer := document.Decision{ReadConfirmed: true, ConsentSHA256: document.ConsentSHA256("nl"), Client: sealed}
		steps := []step{{"document.upload", staff, func() ([]domain.Event, error) {
			return d.Upload(staff, document.Upload{DocumentID: docID, ClientID: clientID, IntermediaryID: interID,
				WorkerID: workerID, Kind: document.Kind(r.text("document.kind")), Category: document.Category(r.text("document.category")), Title: r.text("document.title"),
				FileName: r.text("document.file_name"), ContentType: "application/pdf", Size: 1234,
				SHA256: tokenHash("file" + docID)}, now)
		}}}
		if decision == "sign" {
			// A request on version 1, superseded by version 2.
			steps = append(steps, step{"document.request_signature_v1", staff, func() ([]domain.Event, error) {
				return d.RequestSignature(staff, requestID+"v1", signer, false, now)
			}})
		}
		steps = append(steps,
			step{"document.add_version", clientUser, func() ([]domain.Event, error) {
				return d.AddVersion(clientUser, document.NewVersion{FileName: r.text("document.version_file_name"),
					ContentType: "application/pdf", Size: 2345, SHA256: tokenHash("file v2" + docID)}, now)
			}},
			// As if the document's codes were blocked MaxTANReissues times:
			// the request carries the back office's reason.
			step{"document.request_signature", staff, func() ([]domain.Event, error) {
				return d.RequestSignatureAfterBlocks(staff, requestID, signer, false,
					document.MaxTANReissues, r.text("document.reissue_reason"), now)
			}},
			step{"document.issue_tan", system, func() ([]domain.Event, error) {
				return d.IssueTAN(system, requestID, channel, address, now)
			}},
			step{"document.open_signing", clientUser, func() ([]domain.Event, error) { return d.OpenSigning(clientUser, sealed, now) }},
			step{"document.reject_tan", clientUser, func() ([]domain.Event, error) {
				return d.RejectTAN(clientUser, d.Request().ID, 1, false, sealed)
			}},
			step{"document." + decision, clientUser, func() ([]domain.Event, error) {
				if decision == "sign" {
					answer.Remark = r.text("document.sign_remark")
					return d.Sign(clientUser, answer, now)
				}
				answer.Remark = r.text("document.decline_remark")
				return d.Decline(clientUser, answer, now)
			}},
		)
		if !r.steps(document.Stream(docID), d.Apply, steps...) {
			return
		}
	}
	inv := &document.Document{}
	invID := r.id("document") + "inv"
	if !r.steps(document.Stream(invID), inv.Apply, step{"document.upload_invoice", staff, func() ([]domain.Event, error) {
		return inv.Upload(staff, document.Upload{DocumentID: invID, ClientID: clientID, IntermediaryID: interID,
			Kind: document.KindInvoice, Title: r.text("document.title"), FileName: r.text("document.file_name"),
			ContentType: "application/pdf", Size: document.MaxSize, SHA256: tokenHash("file" + invID),
			Invoice: &document.Invoice{Number: r.text("document.invoice_number"), Date: day(Week.Start()), AmountCents: r.n.InvoiceCents}}, now)
	}}) {
		return
	}

	// The timesheet: lines, expenses, a remark, offered, withdrawn, offered,
	// rejected, offered again, approved and imported.
	r.timesheet(cl, pl, now)
	if r.story.Err != nil {
		return
	}
	// Payroll: settings, mapping, a personnel number, an export batch of
	// the week confirmed, and a correction batch cancelled.
	r.payroll(clientID, workerID, wk.Name().Full(), placementID, now)
	if r.story.Err != nil {
		return
	}
	// The placement ends after the week.
	r.steps(placement.Stream(placementID), pl.Apply, step{"placement.end", staff, func() ([]domain.Event, error) {
		return pl.End(staff, day(Week.Start().AddDays(20)), r.text("placement.end_reason"), now)
	}})
}

func (r *runner) timesheet(cl *client.Client, pl *placement.Placement, now time.Time) {
	a, _ := cl.AgreementOn(time.Date(Week.Start().Year, Week.Start().Month, Week.Start().Day, 0, 0, 0, 0, time.UTC))
	per := pl.Period()
	terms := ts.Terms{
		PlacementID: pl.ID(), Week: Week, NormalHourType: a.NormalHourType, TimeRegistration: a.TimeRegistration,
		EnteredBy: a.EnteredBy, Chain: a.ApprovalChain, Period: ts.Period{Start: ts.DateOf(per.Start)},
		Allowances: ts.AllowanceRates{PerDayCents: a.Allowances.PerDayCents, PerHourCents: a.Allowances.PerHourCents},
		ClientID:   pl.ClientID(), IntermediaryID: pl.IntermediaryID(), WorkerID: pl.WorkerID(),
	}
	for _, h := range a.HourTypes {
		terms.HourTypes = append(terms.HourTypes, ts.HourType{Code: h.Code, Name: h.Name, Percentage: h.Percentage, Absence: h.Absence})
	}
	sheet := &ts.Timesheet{}
	stream := ts.StreamName(pl.ID(), Week)
	wkr := domain.Actor{AccountID: "acc-" + pl.WorkerID(), Role: domain.RoleWorker, WorkerID: pl.WorkerID()}
	cli := domain.Actor{AccountID: "acc-" + pl.ClientID(), Role: domain.RoleClient, ClientID: pl.ClientID()}
	pay := domain.Actor{AccountID: "token:pay", Role: domain.RolePayroll}
	m := r.n.DayMinutes
	// No apply: the aggregate records its own events.
	if !r.steps(stream, nil,
		step{"timesheet.set_line", wkr, func() ([]domain.Event, error) {
			return sheet.SetLine(wkr, terms, a.NormalHourType, [7]ts.Minutes{m, m, m, m, m}, now)
		}},
		step{"timesheet.add_line", wkr, func() ([]domain.Event, error) { return sheet.AddLine(wkr, terms, "V", now) }},
		step{"timesheet.wipe_line", wkr, func() ([]domain.Event, error) { return sheet.WipeLine(wkr, terms, "V", now) }},
		step{"timesheet.add_expense", wkr, func() ([]domain.Event, error) {
			return sheet.AddExpense(wkr, terms, ts.ExpenseInput{Type: ts.ExpenseType(r.text("timesheet.expense.type")), Date: Week.Day(0), AmountCents: r.n.ExpenseCents,
				Description: r.text("timesheet.expense.description")}, now)
		}},
		step{"timesheet.add_expense_km", wkr, func() ([]domain.Event, error) {
			return sheet.AddExpense(wkr, terms, ts.ExpenseInput{Type: ts.ExpenseTravelKm, Date: Week.Day(1), Kilometres: r.n.Kilometres}, now)
		}},
		step{"timesheet.remove_expense", wkr, func() ([]domain.Event, error) { return sheet.RemoveExpense(wkr, terms, 2, now) }},
		step{"timesheet.add_remark", wkr, func() ([]domain.Event, error) {
			return sheet.AddRemark(wkr, terms, r.text("timesheet.remark"), now)
		}},
		step{"timesheet.offer", wkr, func() ([]domain.Event, error) { return sheet.Offer(wkr, terms, ts.AdjacentWeeks{}, now) }},
		step{"timesheet.withdraw_offer", wkr, func() ([]domain.Event, error) { return sheet.WithdrawOffer(wkr, terms, now) }},
		step{"timesheet.offer_after_withdrawal", wkr, func() ([]domain.Event, error) { return sheet.Offer(wkr, terms, ts.AdjacentWeeks{}, now) }},
		step{"timesheet.reject", cli, func() ([]domain.Event, error) {
			return sheet.Reject(cli, terms, r.text("timesheet.reject_reason"), now)
		}},
		step{"timesheet.offer_again", wkr, func() ([]domain.Event, error) { return sheet.Offer(wkr, terms, ts.AdjacentWeeks{}, now) }},
		step{"timesheet.approve", cli, func() ([]domain.Event, error) {
			next, _ := sheet.NextStep()
			return sheet.Approve(cli, terms, next, sheet.OfferedHash(), now)
		}},
		step{"timesheet.mark_imported", pay, func() ([]domain.Event, error) {
			return sheet.MarkImported(pay, now, r.text("timesheet.import_batch"))
		}},
		step{"timesheet.reopen", staff, func() ([]domain.Event, error) {
			return sheet.Reopen(staff, r.text("timesheet.reopen_reason"), now)
		}},
	) {
		return
	}
	r.timeRegistration(terms, pl, now)
}

// timeRegistration books a second week with start and end times (the
// time entry events), on the same placement.
func (r *runner) timeRegistration(terms ts.Terms, pl *placement.Placement, now time.Time) {
	week := ts.ISOWeek{Year: Week.Year, Week: Week.Week - 1}
	terms.Week = week
	terms.TimeRegistration = true
	sheet := &ts.Timesheet{}
	stream := ts.StreamName(pl.ID(), week)
	wkr := domain.Actor{AccountID: "acc-" + pl.WorkerID(), Role: domain.RoleWorker, WorkerID: pl.WorkerID()}
	in := ts.EntryInput{Date: week.Day(0), Start: 8 * 60, End: 16 * 60, Break: 30}
	later := in
	later.End = 17 * 60
	// No apply: the aggregate records its own events.
	r.steps(stream, nil,
		step{"timesheet.add_entry", wkr, func() ([]domain.Event, error) { return sheet.AddEntry(wkr, terms, ts.AdjacentWeeks{}, in, now) }},
		step{"timesheet.change_entry", wkr, func() ([]domain.Event, error) {
			return sheet.ChangeEntry(wkr, terms, ts.AdjacentWeeks{}, 1, later, now)
		}},
		step{"timesheet.add_entry_2", wkr, func() ([]domain.Event, error) {
			in2 := in
			in2.Date = week.Day(1)
			return sheet.AddEntry(wkr, terms, ts.AdjacentWeeks{}, in2, now)
		}},
		step{"timesheet.remove_entry", wkr, func() ([]domain.Event, error) {
			return sheet.RemoveEntry(wkr, terms, ts.AdjacentWeeks{}, 2, now)
		}},
	)
}

// payroll runs the payroll aggregates (domain/payroll) on the story's
// client, worker and timesheet week.
func (r *runner) payroll(clientID, workerID, name, placementID string, now time.Time) {
	// No apply: the payroll aggregates record their own events.
	pc := &payroll.Client{}
	settings := payroll.Settings{Administration: r.text("payroll.administration"), DebtorNumber: r.text("payroll.debtor_number"),
		Relation: r.text("payroll.relation"), Period: payroll.PeriodWeek, Package: payroll.TargetLoket}
	hours := strings.ToUpper(strings.TrimSpace(r.text("client.hour_type.code")))
	mapping := []payroll.Mapping{
		{Kind: payroll.SourceHours, Code: hours, Loket: "1", Nmbrs: r.text("payroll.component"), Easyflex: "U100", AFAS: "U100"},
		{Kind: payroll.SourceExpense, Code: r.text("timesheet.expense.type"), Loket: "21", Nmbrs: "Onkosten", Easyflex: "ONK"},
		{Kind: payroll.SourceAllowance, Code: "per_day", Loket: "30", Nmbrs: "Dagvergoeding", Easyflex: "DAG"},
		{Kind: payroll.SourceAllowance, Code: "per_hour", Loket: "31", Nmbrs: "Uurvergoeding", Easyflex: "UUR"},
	}
	pw := &payroll.Worker{}
	if !r.steps(payroll.ClientStream(clientID), nil,
		step{"payroll.set_settings", staff, func() ([]domain.Event, error) { return pc.SetSettings(staff, clientID, settings) }},
		step{"payroll.set_mapping", staff, func() ([]domain.Event, error) {
			return pc.SetMapping(staff, clientID, "2026-01-05", mapping, []string{hours}) // the agreement's hour type
		}},
	) {
		return
	}
	if !r.steps(payroll.WorkerStream(workerID), nil, step{"payroll.set_personnel_number", staff, func() ([]domain.Event, error) {
		return pw.SetPersonnelNumber(staff, workerID, settings.Administration, r.text("payroll.personnel_number"))
	}}) {
		return
	}
	persnr, _ := pw.PersonnelNumber(strings.TrimSpace(settings.Administration))
	set, _ := pc.Settings()
	m := int(r.n.DayMinutes)
	item := payroll.Item{Placement: placementID, Week: Week, WorkerID: workerID, PersonnelNumber: persnr, Name: name,
		Hash: tokenHash("approved"), Round: 2,
		Lines:      []payroll.ItemLine{{HourType: hours, Minutes: [7]int{m, m, m, m, m}}},
		Expenses:   []payroll.ItemExpense{{Type: r.text("timesheet.expense.type"), Date: Week.Day(0), AmountCents: r.n.ExpenseCents}},
		Allowances: payroll.ItemAllowances{PerDayCents: 5 * r.n.AllowanceCents}}
	next := item
	next.Round, next.Hash = 3, tokenHash("corrected")
	next.Lines = []payroll.ItemLine{{HourType: hours, Minutes: [7]int{m, m - 60, m, m, m}}}
	period := payroll.Period{Kind: payroll.PeriodWeek, Year: Week.Year, Number: Week.Week}
	nb := payroll.NewBatch{ClientID: clientID, Period: period, Settings: set, Mapping: pc.Mappings()[0].Entries}
	pay := domain.Actor{AccountID: "token:pay", Role: domain.RolePayroll}
	x := payroll.NewExports()
	batch := func(i int) string { return x.Batches()[i].Created.BatchID }
	r.steps(payroll.ExportsStream(clientID), nil,
		step{"payroll.create_batch", pay, func() ([]domain.Event, error) { return x.CreateBatch(pay, nb, []payroll.Item{item}) }},
		step{"payroll.confirm_batch", pay, func() ([]domain.Event, error) { return x.Confirm(pay, batch(0)) }},
		step{"payroll.create_correction", pay, func() ([]domain.Event, error) {
			return x.CreateBatch(pay, nb, []payroll.Item{payroll.Delta(item, next, batch(0))})
		}},
		step{"payroll.cancel_batch", staff, func() ([]domain.Event, error) {
			return x.Cancel(staff, batch(1), r.text("payroll.cancel_reason"))
		}},
	)
}

// Registries are the event registries of every aggregate package, keyed by
// package name. The text invariant test checks that every package under
// domain/ with a registry is here.
var Registries = map[string]*domain.Registry{
	"account":      account.Events,
	"client":       client.Events,
	"document":     document.Events,
	"intermediary": intermediary.Events,
	"payroll":      payroll.Events,
	"placement":    placement.Events,
	"timesheet":    ts.Events,
	"worker":       worker.Events,
}
