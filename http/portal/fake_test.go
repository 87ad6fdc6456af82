package portal

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/domain/timesheet"
	"backoffice/eventstore"
)

// fakeBackend implements the portal's ports in memory. Timesheets are the
// real domain aggregate, so the editor meets the real rules; only storage
// and read models are faked. The lead's adapters replace it with the
// command and query packages.
type fakeBackend struct {
	mu         sync.Mutex
	now        time.Time
	pos        uint64
	users      map[string]fakeUser // by e-mail
	sessions   map[string]User     // by token
	placements []fakePlacement
	sheets     map[Ref]*timesheet.Timesheet
	events     map[Ref][]domain.Event
	history    map[Ref][]HistoryItem
	outbox     []OutboxMessage
	languages  []string // SetLanguage calls
	waits      []eventstore.Position
	waitErr    error
}

type fakeUser struct {
	password string
	user     User
}

type fakePlacement struct {
	Placement
	clientID string
	chain    []domain.Role
	types    []timesheet.HourType
}

var hourTypes = []timesheet.HourType{
	{Code: "100", Name: "Normale uren", Percentage: 100},
	{Code: "125", Name: "Overuren", Percentage: 125},
	{Code: "150", Name: "Weekenduren", Percentage: 150},
	{Code: "ZK", Name: "Ziekte", Percentage: 100, Absence: true},
}

// fakeNow is Wednesday 11 February 2026 12:00 in Amsterdam (week 7).
var fakeNow = time.Date(2026, 2, 11, 12, 0, 0, 0, timesheet.Location())

var (
	clientActor       = domain.Actor{AccountID: "acc-client", Role: domain.RoleClient, ClientID: "bol", Language: "nl"}
	workerActor       = domain.Actor{AccountID: "acc-worker", Role: domain.RoleWorker, WorkerID: "w1", Language: "nl"}
	intermediaryActor = domain.Actor{AccountID: "acc-inter", Role: domain.RoleIntermediary, IntermediaryID: "flex", Language: "nl"}
	backofficeActor   = domain.Actor{AccountID: "acc-bo", Role: domain.RoleBackoffice, Language: "nl"}
)

func newFakeBackend() *fakeBackend {
	f := &fakeBackend{
		now: fakeNow, users: map[string]fakeUser{}, sessions: map[string]User{},
		sheets: map[Ref]*timesheet.Timesheet{}, events: map[Ref][]domain.Event{}, history: map[Ref][]HistoryItem{},
	}
	f.users["klant@bakkerijbol.nl"] = fakeUser{"geheim wachtwoord 1", User{Actor: clientActor, Email: "klant@bakkerijbol.nl", Name: "Els Bol"}}
	f.users["jan@example.nl"] = fakeUser{"geheim wachtwoord 2", User{Actor: workerActor, Email: "jan@example.nl", Name: "Jan de Vries"}}
	f.users["flex@intermediair.nl"] = fakeUser{"geheim wachtwoord 3", User{Actor: intermediaryActor, Email: "flex@intermediair.nl", Name: "Flex Uitzend"}}
	f.users["beheer@bureau.nl"] = fakeUser{"geheim wachtwoord 4", User{Actor: backofficeActor, Email: "beheer@bureau.nl", Name: "Beheer"}}
	start := timesheet.NewDate(2025, 11, 3)
	f.placements = []fakePlacement{
		{Placement: Placement{ID: "p1", WorkerID: "w1", WorkerName: "Jan de Vries", ClientName: "Bakkerij Bol", Function: "Bakker",
			Period: timesheet.Period{Start: start}, EnteredBy: domain.RoleClient},
			clientID: "bol", chain: []domain.Role{domain.RoleIntermediary}, types: hourTypes},
		{Placement: Placement{ID: "p2", WorkerID: "w2", WorkerName: "Piet Jansen", ClientName: "Bakkerij Bol", Function: "Chauffeur",
			Period: timesheet.Period{Start: start}, EnteredBy: domain.RoleWorker},
			clientID: "bol", chain: []domain.Role{domain.RoleClient, domain.RoleIntermediary}, types: hourTypes[:3]},
		{Placement: Placement{ID: "p3", WorkerID: "w3", WorkerName: "Fatima el Amrani", ClientName: "Bakkerij Bol", Function: "Inpakker",
			Period: timesheet.Period{Start: start}, EnteredBy: domain.RoleClient, TimeRegistration: true},
			clientID: "bol", chain: []domain.Role{domain.RoleIntermediary}, types: hourTypes},
	}
	f.seed()
	return f
}

func wk(n int) timesheet.ISOWeek { return timesheet.ISOWeek{Year: 2026, Week: n} }

func (f *fakeBackend) seed() {
	ctx := context.Background()
	bo := commands.Meta{Actor: domain.Actor{Role: domain.RoleBackoffice, AccountID: "bo"}}
	cl := commands.Meta{Actor: clientActor}
	wo := commands.Meta{Actor: domain.Actor{AccountID: "acc-w2", Role: domain.RoleWorker, WorkerID: "w2"}}
	in := commands.Meta{Actor: intermediaryActor}
	full := [7]timesheet.Minutes{480, 480, 450, 480, 240, 0, 0}
	must := func(_ commands.Result, err error) {
		if err != nil {
			panic(err)
		}
	}
	approve := func(m commands.Meta, ref Ref) {
		f.mu.Lock()
		t := f.sheets[ref]
		step, _ := t.NextStep()
		hash := t.OfferedHash()
		f.mu.Unlock()
		must(f.Approve(ctx, m, ref, step, hash))
	}
	for w := 1; w <= 5; w++ {
		ref := Ref{"p1", wk(w)}
		must(f.SetLine(ctx, cl, ref, "100", full))
		if w == 5 {
			must(f.SetLine(ctx, cl, ref, "125", [7]timesheet.Minutes{0, 60, 0, 90, 0, 0, 0}))
			continue
		}
		must(f.Offer(ctx, cl, ref))
		switch w {
		case 1, 2:
			approve(in, ref)
		case 4:
			must(f.Reject(ctx, in, ref, "Op vrijdag klopt het aantal uren niet."))
		}
	}
	f.mu.Lock()
	t := f.sheets[Ref{"p1", wk(1)}]
	evs, err := t.MarkImported(domain.Actor{Role: domain.RolePayroll}, f.now, "batch-1")
	if err != nil {
		panic(err)
	}
	f.recordLocked(Ref{"p1", wk(1)}, domain.Actor{Role: domain.RolePayroll}, t, evs)
	f.mu.Unlock()

	ref := Ref{"p2", wk(5)}
	must(f.SetLine(ctx, wo, ref, "100", full))
	must(f.AddRemark(ctx, wo, ref, "Vrijdagmiddag naar de tandarts."))
	must(f.Offer(ctx, wo, ref))
	ref6 := Ref{"p2", wk(6)}
	must(f.SetLine(ctx, wo, ref6, "100", full))
	must(f.Offer(ctx, wo, ref6))

	tr := Ref{"p3", wk(6)}
	must(f.AddEntry(ctx, cl, tr, timesheet.EntryInput{Date: wk(6).Day(0), Start: 7 * 60, End: 15*60 + 30, Break: 30}))
	must(f.AddEntry(ctx, cl, tr, timesheet.EntryInput{Date: wk(6).Day(1), Start: 22 * 60, End: 6 * 60, Break: 30, Continuous: true}))
	must(f.AddExpense(ctx, cl, tr, timesheet.ExpenseInput{Type: timesheet.ExpenseParking, Date: wk(6).Day(0), AmountCents: 1250}))
	_ = bo

	f.outbox = append(f.outbox, OutboxMessage{At: fakeNow.Add(-time.Hour), Channel: "mail", To: "jan@example.nl",
		Subject: "Activeer uw account", Body: "Beste Jan,\n\nKies een wachtwoord via de link in deze e-mail."})
}

// --- Identity ---

func (f *fakeBackend) Login(_ context.Context, email, password string, _ Client) (Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.users[email]
	if !ok || u.password != password {
		return Session{}, &domain.Error{Kind: domain.KindUnauthorized, Code: "invalid_credentials",
			Message: "Unknown e-mail address or wrong password.", MessageNL: "Onbekend e-mailadres of onjuist wachtwoord."}
	}
	tok := fmt.Sprintf("token-%s-%d", u.user.Actor.AccountID, len(f.sessions))
	f.sessions[tok] = u.user
	return Session{Token: tok, User: u.user, ExpiresAt: f.now.Add(12 * time.Hour)}, nil
}

// session starts a session without the login form (tests).
func (f *fakeBackend) session(a domain.Actor) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range f.users {
		if u.user.Actor.AccountID == a.AccountID {
			tok := fmt.Sprintf("token-%s-%d", a.AccountID, len(f.sessions))
			u.user.Actor.Language = a.Language
			f.sessions[tok] = u.user
			return tok
		}
	}
	panic("no such user")
}

func (f *fakeBackend) Authenticate(_ context.Context, token string) (User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.sessions[token]
	if !ok {
		return User{}, &domain.Error{Kind: domain.KindUnauthorized, Code: "session_invalid", Message: "expired", MessageNL: "verlopen"}
	}
	return u, nil
}

func (f *fakeBackend) Logout(_ context.Context, token string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.sessions, token)
	return nil
}

var errToken = domain.Invalid("token_invalid", "token", "This link has expired.", "Deze link is verlopen of al gebruikt. Vraag een nieuwe aan.")

func (f *fakeBackend) Activate(_ context.Context, token, password string) (commands.Result, error) {
	if token != "goede-token" {
		return commands.Result{}, errToken
	}
	if len(password) < 12 {
		return commands.Result{}, domain.Invalid("password_too_short", "password", "too short", "Het wachtwoord is te kort (minimaal 12 tekens).")
	}
	return f.next(), nil
}

func (f *fakeBackend) RequestPasswordReset(context.Context, string) error { return nil }

func (f *fakeBackend) ResetPassword(ctx context.Context, token, password string) (commands.Result, error) {
	return f.Activate(ctx, token, password)
}

func (f *fakeBackend) SetLanguage(_ context.Context, m commands.Meta, lang string) (commands.Result, error) {
	f.mu.Lock()
	f.languages = append(f.languages, lang)
	for tok, u := range f.sessions {
		if u.Actor.AccountID == m.Actor.AccountID {
			u.Actor.Language = lang
			f.sessions[tok] = u
		}
	}
	f.mu.Unlock()
	return f.next(), nil
}

func (f *fakeBackend) next() commands.Result {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pos++
	return commands.Result{Position: eventstore.Position{Commit: f.pos, Prepare: f.pos}}
}

// --- Waiter and Outbox ---

func (f *fakeBackend) WaitFor(_ context.Context, pos eventstore.Position, _ ...string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.waits = append(f.waits, pos)
	return f.waitErr
}

func (f *fakeBackend) Messages(context.Context, int) ([]OutboxMessage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.outbox), nil
}

// --- Workers ---

func (f *fakeBackend) visible(a domain.Actor, p fakePlacement) bool {
	switch a.Role {
	case domain.RoleClient:
		return a.ClientID == p.clientID
	case domain.RoleWorker:
		return a.WorkerID == p.WorkerID
	case domain.RoleIntermediary, domain.RoleBackoffice:
		return true
	}
	return false
}

func (f *fakeBackend) placement(a domain.Actor, id string) (fakePlacement, error) {
	for _, p := range f.placements {
		if p.ID == id && f.visible(a, p) {
			return p, nil
		}
	}
	return fakePlacement{}, domain.ErrNotFound
}

func (f *fakeBackend) Placements(_ context.Context, a domain.Actor) ([]Placement, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Placement
	for _, p := range f.placements {
		if f.visible(a, p) {
			out = append(out, p.Placement)
		}
	}
	return out, nil
}

func (f *fakeBackend) Register(_ context.Context, m commands.Meta, in Registration) (commands.Result, error) {
	if in.Name.First == "" {
		return commands.Result{}, domain.Invalid("required", "name.first", "Enter the first name.", "Vul de voornaam in.")
	}
	if _, err := in.Personal.Normalize(f.now); err != nil {
		return commands.Result{}, err
	}
	f.mu.Lock()
	id := fmt.Sprintf("p%d", len(f.placements)+1)
	f.placements = append(f.placements, fakePlacement{
		Placement: Placement{ID: id, WorkerID: "w-" + id, WorkerName: in.Name.First + " " + in.Name.Last, ClientName: "Bakkerij Bol",
			Function: in.Function, Period: timesheet.Period{Start: timesheet.DateOf(in.Start)}, EnteredBy: domain.RoleClient},
		clientID: m.Actor.ClientID, chain: []domain.Role{domain.RoleIntermediary}, types: hourTypes,
	})
	f.mu.Unlock()
	return f.next(), nil
}

// --- Timesheets: queries ---

func (f *fakeBackend) terms(p fakePlacement, w timesheet.ISOWeek) timesheet.Terms {
	return timesheet.Terms{
		PlacementID: p.ID, Week: w, HourTypes: p.types, NormalHourType: "100", TimeRegistration: p.TimeRegistration,
		EnteredBy: p.EnteredBy, Chain: p.chain, Period: p.Period, ClientID: p.clientID, IntermediaryID: "flex", WorkerID: p.WorkerID,
	}
}

func (f *fakeBackend) Overview(ctx context.Context, a domain.Actor) (Overview, error) {
	rows, _ := f.List(ctx, a, ListFilter{})
	var o Overview
	for _, r := range rows {
		switch r.Status {
		case timesheet.StatusOpen:
			o.Open++
		case timesheet.StatusOffered:
			o.Offered++
		case timesheet.StatusRejected:
			o.Rejected++
		case timesheet.StatusApproved:
			o.Approved++
		case timesheet.StatusImported:
			o.Imported++
		}
		if r.WaitingForMe {
			o.WaitingForMe++
		}
	}
	return o, nil
}

func (f *fakeBackend) List(_ context.Context, a domain.Actor, fl ListFilter) ([]Row, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Row
	for ref, t := range f.sheets {
		p, err := f.placement(a, ref.PlacementID)
		if err != nil {
			continue
		}
		st := t.Status()
		switch {
		case fl.Status == StatusNotApproved && !st.NotApproved(),
			fl.Status != "" && fl.Status != StatusNotApproved && string(st) != fl.Status:
			continue
		}
		row := Row{Ref: ref, WorkerName: p.WorkerName, ClientName: p.ClientName, Status: st, Total: t.TotalMinutes(),
			ApprovalDeadline: t.ApprovalDeadline()}
		if party, ok := t.NextParty(); ok {
			row.NextParty = party
			row.CanApprove = party == a.Role
			row.Step, _ = t.NextStep()
			row.Hash = t.OfferedHash()
		}
		row.WaitingForMe = row.CanApprove || st.Editable() && a.Role == p.EnteredBy
		out = append(out, row)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Ref.Week != out[j].Ref.Week {
			return out[i].Ref.Week.Week > out[j].Ref.Week.Week
		}
		return out[i].Ref.PlacementID < out[j].Ref.PlacementID
	})
	return out, nil
}

func (f *fakeBackend) Weeks(_ context.Context, a domain.Actor, id string, year int) (WeekOverview, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, err := f.placement(a, id)
	if err != nil {
		return WeekOverview{}, err
	}
	st := map[timesheet.ISOWeek]timesheet.Status{}
	for ref, t := range f.sheets {
		if ref.PlacementID == id {
			st[ref.Week] = t.Status()
		}
	}
	return WeekOverview{Placement: p.Placement, Year: year, Weeks: BuildWeeks(p.Period, year, f.now, st)}, nil
}

func (f *fakeBackend) Sheet(_ context.Context, a domain.Actor, ref Ref) (Sheet, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, err := f.placement(a, ref.PlacementID)
	if err != nil {
		return Sheet{}, err
	}
	t := f.sheets[ref]
	if t == nil {
		t = &timesheet.Timesheet{}
	}
	sh := Sheet{
		Ref: ref, Placement: p.Placement, Status: t.Status(), Lines: t.Lines(), HourTypes: p.types,
		TimeRegistration: p.TimeRegistration, NormalHourType: "100", Entries: t.Entries(), Expenses: t.Expenses(),
		Remarks: t.Remarks(), Steps: t.Steps(), EntryDeadline: timesheet.EntryDeadline(ref.Week),
		ApprovalDeadline: timesheet.ApprovalDeadline(ref.Week), OfferedLate: t.OfferedLate(), ApprovedLate: t.ApprovedLate(),
	}
	sh.CanEdit = sh.Status.Editable() && a.Is(p.EnteredBy, domain.RoleBackoffice) && timesheet.Fillable(p.Period, ref.Week, f.now)
	if party, ok := t.NextParty(); ok {
		sh.NextParty = party
		sh.CanApprove = a.Is(party)
		sh.Step, _ = t.NextStep()
		sh.Hash = t.OfferedHash()
	}
	if rej, ok := t.Rejection(); ok {
		sh.Rejection = &rej
	}
	return sh, nil
}

func (f *fakeBackend) History(_ context.Context, a domain.Actor, ref Ref) ([]HistoryItem, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, err := f.placement(a, ref.PlacementID); err != nil {
		return nil, err
	}
	return slices.Clone(f.history[ref]), nil
}

// --- Timesheets: commands ---

// do runs one domain command on a timesheet and "appends" its events.
func (f *fakeBackend) do(m commands.Meta, ref Ref, fn func(t *timesheet.Timesheet, terms timesheet.Terms) ([]domain.Event, error)) (commands.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, err := f.placement(m.Actor, ref.PlacementID)
	if err != nil {
		return commands.Result{}, err
	}
	// Replay the stream into a fresh aggregate, like the command layer: a
	// failed command leaves the stored state alone.
	work := timesheet.Load(f.events[ref])
	evs, err := fn(work, f.terms(p, ref.Week))
	if err != nil {
		return commands.Result{}, err
	}
	if len(evs) == 0 {
		return commands.Result{}, nil
	}
	f.recordLocked(ref, m.Actor, work, evs)
	return commands.Result{Position: eventstore.Position{Commit: f.pos, Prepare: f.pos}}, nil
}

// recordLocked stores t (which has applied evs) and the events.
func (f *fakeBackend) recordLocked(ref Ref, a domain.Actor, t *timesheet.Timesheet, evs []domain.Event) {
	f.sheets[ref] = t
	f.events[ref] = append(f.events[ref], evs...)
	for _, e := range evs {
		f.pos++
		item := HistoryItem{At: f.now, ByRole: a.Role, Type: e.EventType()}
		switch e := e.(type) {
		case *timesheet.LineSet:
			item.Detail = e.Line.HourType.Name
		case *timesheet.LineWiped:
			item.Detail = e.HourType
		case *timesheet.Rejected:
			item.Detail = e.Reason
		case *timesheet.RemarkAdded:
			item.Detail = e.Remark.Text
		}
		f.history[ref] = append(f.history[ref], item)
	}
}

func (f *fakeBackend) SetLine(_ context.Context, m commands.Meta, ref Ref, code string, mins [7]timesheet.Minutes) (commands.Result, error) {
	return f.do(m, ref, func(t *timesheet.Timesheet, terms timesheet.Terms) ([]domain.Event, error) {
		return t.SetLine(m.Actor, terms, code, mins, f.now)
	})
}

func (f *fakeBackend) AddLine(_ context.Context, m commands.Meta, ref Ref, code string) (commands.Result, error) {
	return f.do(m, ref, func(t *timesheet.Timesheet, terms timesheet.Terms) ([]domain.Event, error) {
		return t.AddLine(m.Actor, terms, code, f.now)
	})
}

func (f *fakeBackend) WipeLine(_ context.Context, m commands.Meta, ref Ref, code string) (commands.Result, error) {
	return f.do(m, ref, func(t *timesheet.Timesheet, terms timesheet.Terms) ([]domain.Event, error) {
		return t.WipeLine(m.Actor, terms, code, f.now)
	})
}

func (f *fakeBackend) AddEntry(_ context.Context, m commands.Meta, ref Ref, in timesheet.EntryInput) (commands.Result, error) {
	return f.do(m, ref, func(t *timesheet.Timesheet, terms timesheet.Terms) ([]domain.Event, error) {
		return t.AddEntry(m.Actor, terms, timesheet.AdjacentWeeks{}, in, f.now)
	})
}

func (f *fakeBackend) ChangeEntry(_ context.Context, m commands.Meta, ref Ref, id int, in timesheet.EntryInput) (commands.Result, error) {
	return f.do(m, ref, func(t *timesheet.Timesheet, terms timesheet.Terms) ([]domain.Event, error) {
		return t.ChangeEntry(m.Actor, terms, timesheet.AdjacentWeeks{}, id, in, f.now)
	})
}

func (f *fakeBackend) RemoveEntry(_ context.Context, m commands.Meta, ref Ref, id int) (commands.Result, error) {
	return f.do(m, ref, func(t *timesheet.Timesheet, terms timesheet.Terms) ([]domain.Event, error) {
		return t.RemoveEntry(m.Actor, terms, timesheet.AdjacentWeeks{}, id, f.now)
	})
}

func (f *fakeBackend) AddExpense(_ context.Context, m commands.Meta, ref Ref, in timesheet.ExpenseInput) (commands.Result, error) {
	return f.do(m, ref, func(t *timesheet.Timesheet, terms timesheet.Terms) ([]domain.Event, error) {
		return t.AddExpense(m.Actor, terms, in, f.now)
	})
}

func (f *fakeBackend) RemoveExpense(_ context.Context, m commands.Meta, ref Ref, id int) (commands.Result, error) {
	return f.do(m, ref, func(t *timesheet.Timesheet, terms timesheet.Terms) ([]domain.Event, error) {
		return t.RemoveExpense(m.Actor, terms, id, f.now)
	})
}

func (f *fakeBackend) AddRemark(_ context.Context, m commands.Meta, ref Ref, text string) (commands.Result, error) {
	return f.do(m, ref, func(t *timesheet.Timesheet, terms timesheet.Terms) ([]domain.Event, error) {
		return t.AddRemark(m.Actor, terms, text, f.now)
	})
}

func (f *fakeBackend) Offer(_ context.Context, m commands.Meta, ref Ref) (commands.Result, error) {
	return f.do(m, ref, func(t *timesheet.Timesheet, terms timesheet.Terms) ([]domain.Event, error) {
		return t.Offer(m.Actor, terms, timesheet.AdjacentWeeks{}, f.now)
	})
}

func (f *fakeBackend) Approve(_ context.Context, m commands.Meta, ref Ref, step int, hash string) (commands.Result, error) {
	return f.do(m, ref, func(t *timesheet.Timesheet, terms timesheet.Terms) ([]domain.Event, error) {
		return t.Approve(m.Actor, terms, step, hash, f.now)
	})
}

func (f *fakeBackend) Reject(_ context.Context, m commands.Meta, ref Ref, reason string) (commands.Result, error) {
	return f.do(m, ref, func(t *timesheet.Timesheet, terms timesheet.Terms) ([]domain.Event, error) {
		return t.Reject(m.Actor, terms, reason, f.now)
	})
}

func minutes(m int) timesheet.Minutes { return timesheet.Minutes(m) }

// --- Documents (tab Overige) ---

// fakeDoc is a stored document with what only the service knows: whose it
// is, its content, the signer and the TAN.
type fakeDoc struct {
	Document
	clientID, workerID string
	content            []byte
	signer, tan        string // account asked to sign, and the TAN sent
	wrongTANs          int
	expired            bool // the open request is past its expiry
}

// maxWrongTANs blocks a signature request, like the real service.
const maxWrongTANs = 3

// fakeDocuments implements Documents in memory with the same scope rule as
// the read models: a client its company's, a worker their own, the
// intermediary "flex" its client "bol", the back office all.
type fakeDocuments struct {
	f        *fakeBackend
	mu       sync.Mutex
	docs     []*fakeDoc
	lists    []string // kinds asked for
	uploads  []DocumentUpload
	signs    []Signature
	declines []Signature
	requests []string // signer account IDs asked for
}

// fakeClients are the clients the back office chooses from; fakeSigners
// their enabled users (Acme has none).
var (
	fakeClients = []ClientOption{{ID: "acme", Name: "Acme"}, {ID: "bol", Name: "Bakkerij Bol"}}
	fakeSigners = map[string][]SignerOption{
		"bol": {{AccountID: clientActor.AccountID, Name: "Els Bol", Email: "klant@bakkerijbol.nl"},
			{AccountID: "acc-client-2", Name: "kees@bakkerijbol.nl", Email: "kees@bakkerijbol.nl"}},
	}
)

func newFakeDocuments(f *fakeBackend) *fakeDocuments {
	d := &fakeDocuments{f: f}
	day := func(n int) time.Time { return fakeNow.Add(-time.Duration(n) * 24 * time.Hour) }
	d.docs = []*fakeDoc{
		{Document: Document{DocumentRow: DocumentRow{ID: "d-contract", Kind: DocumentKindDocument, Title: "Arbeidsovereenkomst Jan de Vries",
			FileName: "arbeidsovereenkomst.pdf", ContentType: "application/pdf", Size: 14, ClientName: "Bakkerij Bol", WorkerName: "Jan de Vries",
			Category: DocumentCategoryGeneral, UploadedAt: day(2), UploadedBy: domain.RoleBackoffice, Signature: SignatureRequested},
			SHA256:  "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
			Request: &SignatureRequest{RequestedAt: day(1), SignerName: "Els Bol", Status: SignatureRequested}},
			clientID: "bol", workerID: "w1", content: []byte("%PDF-1.4 fake\n"), signer: clientActor.AccountID, tan: "KLMN"},
		{Document: Document{DocumentRow: DocumentRow{ID: "d-id", Kind: DocumentKindDocument, Title: "Kopie ID-bewijs Piet Jansen",
			FileName: "id piet.jpg", ContentType: "image/jpeg", Size: 250_000, ClientName: "Bakkerij Bol", WorkerName: "Piet Jansen",
			Category: DocumentCategoryIDCopy, UploadedAt: day(3), UploadedBy: domain.RoleClient}},
			clientID: "bol", workerID: "w2", content: []byte("\xff\xd8\xff fake jpeg")},
		{Document: Document{DocumentRow: DocumentRow{ID: "d-instructies", Kind: DocumentKindDocument, Title: "Werkinstructies",
			FileName: "werkinstructies.docx", ContentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
			Size: 1_572_864, ClientName: "Bakkerij Bol", Category: DocumentCategoryGeneral, UploadedAt: day(4), UploadedBy: domain.RoleBackoffice,
			Signature: SignatureSigned},
			Request: &SignatureRequest{RequestedAt: day(6), SignerName: "Els Bol", Status: SignatureSigned, DecidedAt: day(5)}},
			clientID: "bol", content: []byte("PK fake docx"), signer: clientActor.AccountID, tan: "ABCD"},
		{Document: Document{DocumentRow: DocumentRow{ID: "d-acme", Kind: DocumentKindDocument, Title: "Contract Acme",
			FileName: "acme.pdf", ContentType: "application/pdf", Size: 10, ClientName: "Acme", Category: DocumentCategoryGeneral,
			UploadedAt: day(1), UploadedBy: domain.RoleBackoffice}},
			clientID: "acme", content: []byte("%PDF acme")},
		{Document: Document{DocumentRow: DocumentRow{ID: "i-0012", Kind: DocumentKindInvoice, Title: "Factuur 2026-0012",
			FileName: "factuur-2026-0012.pdf", ContentType: "application/pdf", Size: 40_000, ClientName: "Bakkerij Bol",
			Category: DocumentCategoryGeneral, UploadedAt: day(9), UploadedBy: domain.RoleBackoffice,
			Invoice: &Invoice{Number: "2026-0012", Date: time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC), AmountCents: 123456}}},
			clientID: "bol", content: []byte("%PDF invoice 12")},
		{Document: Document{DocumentRow: DocumentRow{ID: "i-0013", Kind: DocumentKindInvoice, Title: "Factuur 2026-0013",
			FileName: "factuur-2026-0013.pdf", ContentType: "application/pdf", Size: 40_000, ClientName: "Acme",
			Category: DocumentCategoryGeneral, UploadedAt: day(8), UploadedBy: domain.RoleBackoffice,
			Invoice: &Invoice{Number: "2026-0013", Date: time.Date(2026, 2, 3, 0, 0, 0, 0, time.UTC), AmountCents: 99}}},
			clientID: "acme", content: []byte("%PDF invoice 13")},
	}
	return d
}

func (d *fakeDocuments) visible(a domain.Actor, doc *fakeDoc) bool {
	switch a.Role {
	case domain.RoleClient:
		return a.ClientID != "" && a.ClientID == doc.clientID
	case domain.RoleWorker:
		return a.WorkerID != "" && a.WorkerID == doc.workerID
	case domain.RoleIntermediary:
		return a.IntermediaryID == "flex" && doc.clientID == "bol"
	case domain.RoleBackoffice:
		return true
	}
	return false
}

// view is the document as actor a may see it.
func (d *fakeDocuments) view(a domain.Actor, doc *fakeDoc) Document {
	out := doc.Document
	out.Restricted = doc.Category == DocumentCategoryIDCopy && !a.Is(domain.RoleBackoffice, domain.RoleWorker)
	if doc.Request != nil {
		req := *doc.Request
		req.Blocked = doc.wrongTANs >= maxWrongTANs
		req.Expired = doc.expired && req.Status == SignatureRequested
		out.Request = &req
		out.CanSign = req.Status == SignatureRequested && !req.Blocked && !req.Expired && doc.signer == a.AccountID
	}
	out.CanRequestSignature = a.Is(domain.RoleBackoffice) && out.Kind == DocumentKindDocument &&
		out.Category != DocumentCategoryIDCopy && (out.Request == nil || out.Request.Status == SignatureDeclined ||
		out.Request.Status == SignatureRequested && (out.Request.Blocked || out.Request.Expired))
	return out
}

func (d *fakeDocuments) find(a domain.Actor, id string) (*fakeDoc, error) {
	for _, doc := range d.docs {
		if doc.ID == id && d.visible(a, doc) {
			return doc, nil
		}
	}
	return nil, domain.ErrNotFound
}

func (d *fakeDocuments) List(_ context.Context, a domain.Actor, kind string) ([]DocumentRow, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.lists = append(d.lists, kind)
	if !a.Is(domain.RoleClient, domain.RoleWorker, domain.RoleIntermediary, domain.RoleBackoffice) {
		return nil, domain.ErrNotFound
	}
	var out []DocumentRow
	for _, doc := range d.docs {
		if d.visible(a, doc) && (kind == "" || doc.Kind == kind) {
			out = append(out, d.view(a, doc).DocumentRow)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].UploadedAt.After(out[j].UploadedAt) })
	return out, nil
}

func (d *fakeDocuments) Document(_ context.Context, a domain.Actor, id string) (Document, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	doc, err := d.find(a, id)
	if err != nil {
		return Document{}, err
	}
	return d.view(a, doc), nil
}

func (d *fakeDocuments) File(_ context.Context, a domain.Actor, id string) (DocumentFile, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	doc, err := d.find(a, id)
	if err != nil {
		return DocumentFile{}, err
	}
	if d.view(a, doc).Restricted {
		return DocumentFile{}, domain.Forbidden("document_restricted", "restricted", "Alleen voor de backoffice en de werknemer.")
	}
	return DocumentFile{FileName: doc.FileName, ContentType: doc.ContentType, Content: slices.Clone(doc.content)}, nil
}

func (d *fakeDocuments) Upload(_ context.Context, m commands.Meta, in DocumentUpload) (commands.Result, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.uploads = append(d.uploads, in)
	clientID := m.Actor.ClientID
	if m.Actor.Is(domain.RoleBackoffice) {
		clientID = in.ClientID
	}
	names := map[string]string{"bol": "Bakkerij Bol", "acme": "Acme"}
	switch {
	case !m.Actor.Is(domain.RoleClient, domain.RoleBackoffice):
		return commands.Result{}, domain.Forbidden("upload_not_allowed", "only clients", "Alleen de opdrachtgever kan documenten aanbieden.")
	case m.Actor.Is(domain.RoleClient) && (in.Kind == DocumentKindInvoice || in.ClientID != "" && in.ClientID != clientID):
		return commands.Result{}, domain.Forbidden("upload_not_allowed", "no invoices", "Alleen de backoffice voegt facturen toe.")
	case names[clientID] == "":
		return commands.Result{}, domain.Rule("client_unknown", "client_id", "There is no client with this ID.", "Er is geen opdrachtgever met deze identificatie.")
	case strings.TrimSpace(in.Title) == "":
		return commands.Result{}, domain.Invalid("title_required", "title", "Enter a title.", "Vul een titel in.")
	case len(in.Content) == 0:
		return commands.Result{}, domain.Invalid("file_empty", "file", "The file is empty.", "Het bestand is leeg.")
	case len(in.Content) > MaxDocumentSize:
		return commands.Result{}, domain.Invalid("file_too_large", "file", "The file is larger than 2 MB.", "Het bestand is groter dan 2Mb.")
	case strings.HasSuffix(strings.ToLower(in.FileName), ".exe"):
		return commands.Result{}, domain.Invalid("file_type", "file", "This kind of file is not accepted.", "Dit soort bestand wordt niet geaccepteerd.")
	case in.Kind == DocumentKindInvoice && in.Invoice == nil:
		return commands.Result{}, domain.Invalid("required", "invoice_number", "An invoice needs a number.", "Een factuur heeft een nummer nodig.")
	case in.Kind == DocumentKindInvoice && in.Invoice.Number == "DUBBEL":
		return commands.Result{}, domain.Invalid("invoice_number_used", "invoice_number", "This invoice number is in use.", "Dit factuurnummer bestaat al.")
	}
	kind := in.Kind
	if kind == "" {
		kind = DocumentKindDocument
	}
	d.docs = append(d.docs, &fakeDoc{Document: Document{DocumentRow: DocumentRow{
		ID: fmt.Sprintf("d-up%d", len(d.uploads)), Kind: kind, Title: in.Title, FileName: in.FileName,
		ContentType: in.ContentType, Size: int64(len(in.Content)), ClientName: names[clientID], Category: in.Category,
		UploadedAt: d.f.now, UploadedBy: m.Actor.Role, Invoice: in.Invoice}}, clientID: clientID, content: slices.Clone(in.Content)})
	return d.f.next(), nil
}

func (d *fakeDocuments) Clients(_ context.Context, a domain.Actor) ([]ClientOption, error) {
	if !a.Is(domain.RoleBackoffice) {
		return []ClientOption{}, nil
	}
	return slices.Clone(fakeClients), nil
}

func (d *fakeDocuments) Signers(_ context.Context, a domain.Actor, id string) ([]SignerOption, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	doc, err := d.find(a, id)
	if err != nil || !a.Is(domain.RoleBackoffice) {
		return nil, domain.ErrNotFound
	}
	return slices.Clone(fakeSigners[doc.clientID]), nil
}

// RequestSignature follows the service's order: the document in scope,
// the role, the document's state, then the signer.
func (d *fakeDocuments) RequestSignature(_ context.Context, m commands.Meta, id, signer string) (commands.Result, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.requests = append(d.requests, signer)
	doc, err := d.find(m.Actor, id)
	if err != nil {
		return commands.Result{}, err
	}
	if !m.Actor.Is(domain.RoleBackoffice) {
		return commands.Result{}, domain.Forbidden("forbidden", "Only the back office asks for signatures.", "Alleen de backoffice vraagt om een handtekening.")
	}
	if !d.view(m.Actor, doc).CanRequestSignature {
		return commands.Result{}, domain.Conflict("signature_request_open", "A signature request is still open.",
			"Er staat al een verzoek tot ondertekening open voor dit document.")
	}
	var name string
	for _, s := range fakeSigners[doc.clientID] {
		if s.AccountID == signer {
			name = s.Name
		}
	}
	if name == "" {
		return commands.Result{}, domain.Rule("signer_not_client_user", "signer_account_id", "The signer must be an active user of the client.",
			"De ondertekenaar moet een actieve gebruiker van de opdrachtgever van het document zijn.")
	}
	doc.Request = &SignatureRequest{RequestedAt: d.f.now, SignerName: name, Status: SignatureRequested}
	doc.Signature, doc.signer, doc.tan, doc.wrongTANs, doc.expired = SignatureRequested, signer, "WXYZ", 0, false
	return d.f.next(), nil
}

// decide checks a signing form the way the service does: the signer of an
// open request only (others get not-found), the TAN, then blocking.
func (d *fakeDocuments) decide(m commands.Meta, id string, in Signature, status string) (commands.Result, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	doc, err := d.find(m.Actor, id)
	if err != nil || doc.Request == nil || doc.signer != m.Actor.AccountID {
		return commands.Result{}, domain.ErrNotFound
	}
	if doc.Request.Status != SignatureRequested {
		return commands.Result{}, domain.Conflict("signature_decided", "already decided", "Over dit document is al beslist.")
	}
	if doc.expired {
		return commands.Result{}, domain.Rule("signature_request_expired", "", "The signature request has expired.",
			"Het verzoek tot ondertekening is verlopen.")
	}
	blocked := &domain.Error{Kind: domain.KindTooMany, Code: "signature_blocked", Field: "tan",
		Message: "Too many wrong codes; signing is blocked.", MessageNL: "Te vaak een onjuiste verificatiecode: het ondertekenen is geblokkeerd."}
	if doc.wrongTANs >= maxWrongTANs {
		return commands.Result{}, blocked
	}
	if !strings.EqualFold(in.TAN, doc.tan) {
		doc.wrongTANs++
		if doc.wrongTANs >= maxWrongTANs {
			return commands.Result{}, blocked
		}
		return commands.Result{}, domain.Invalid("tan_wrong", "tan", "The verification code is wrong.", "De verificatiecode is onjuist.")
	}
	if status == SignatureSigned && !in.ReadConfirmed {
		return commands.Result{}, domain.Invalid("read_required", "read", "Confirm that you read the document.", "Bevestig dat u het document heeft gelezen.")
	}
	doc.Request.Status, doc.Request.DecidedAt, doc.Request.Remark = status, d.f.now, in.Remark
	doc.Signature = status
	d.f.mu.Lock()
	d.f.pos++
	pos := d.f.pos
	d.f.mu.Unlock()
	return commands.Result{Position: eventstore.Position{Commit: pos, Prepare: pos}}, nil
}

func (d *fakeDocuments) Sign(_ context.Context, m commands.Meta, id string, in Signature) (commands.Result, error) {
	d.mu.Lock()
	d.signs = append(d.signs, in)
	d.mu.Unlock()
	return d.decide(m, id, in, SignatureSigned)
}

func (d *fakeDocuments) Decline(_ context.Context, m commands.Meta, id string, in Signature) (commands.Result, error) {
	d.mu.Lock()
	d.declines = append(d.declines, in)
	d.mu.Unlock()
	return d.decide(m, id, in, SignatureDeclined)
}

// --- HoursReports ---

// fakeReports builds the hours report from the fake's approved and
// imported timesheets, in the placement scope of the timesheets.
type fakeReports struct {
	f     *fakeBackend
	mu    sync.Mutex
	calls [][2]timesheet.ISOWeek
}

func (rp *fakeReports) HoursReport(_ context.Context, a domain.Actor, from, to timesheet.ISOWeek) (HoursReport, error) {
	rp.mu.Lock()
	rp.calls = append(rp.calls, [2]timesheet.ISOWeek{from, to})
	rp.mu.Unlock()
	if to.Start().Before(from.Start()) || from.Start().AddDays(53*7).Before(to.Start()) {
		return HoursReport{}, domain.Invalid("range_invalid", "to", "At most 53 weeks.", "Kies hoogstens 53 weken.")
	}
	f := rp.f
	f.mu.Lock()
	defer f.mu.Unlock()
	rep := HoursReport{From: from, To: to, Totals: map[string]timesheet.Minutes{}}
	used := map[string]bool{}
	for ref, t := range f.sheets {
		st := t.Status()
		if st != timesheet.StatusApproved && st != timesheet.StatusImported ||
			ref.Week.Start().Before(from.Start()) || to.Start().Before(ref.Week.Start()) {
			continue
		}
		p, err := f.placement(a, ref.PlacementID)
		if err != nil {
			continue
		}
		row := HoursReportRow{Ref: ref, WorkerName: p.WorkerName, ClientName: p.ClientName, Status: st, Minutes: map[string]timesheet.Minutes{}}
		for _, l := range t.Lines() {
			row.Minutes[l.HourType.Code] += l.Total()
			row.Total += l.Total()
			rep.Totals[l.HourType.Code] += l.Total()
			used[l.HourType.Code] = true
		}
		for _, e := range t.Expenses() {
			row.ExpensesCents += e.AmountCents
		}
		rep.Total += row.Total
		rep.Rows = append(rep.Rows, row)
	}
	for _, h := range hourTypes {
		if used[h.Code] {
			rep.HourTypes = append(rep.HourTypes, h)
		}
	}
	sort.Slice(rep.Rows, func(i, j int) bool {
		if rep.Rows[i].WorkerName != rep.Rows[j].WorkerName {
			return rep.Rows[i].WorkerName < rep.Rows[j].WorkerName
		}
		return rep.Rows[i].Ref.Week.Start().Before(rep.Rows[j].Ref.Week.Start())
	})
	return rep, nil
}

// --- the harness of the tests still on the fake (tab Overige, browser) ---

type harness struct {
	t    *testing.T
	srv  *httptest.Server
	fake *fakeBackend
	docs *fakeDocuments
	reps *fakeReports
	c    *http.Client
}

func newHarness(t *testing.T) *harness { return newHarnessWith(t, nil) }

// newHarnessWith lets a test change the dependencies before New.
func newHarnessWith(t *testing.T, change func(*Deps)) *harness {
	t.Helper()
	fake := newFakeBackend()
	docs, reps := newFakeDocuments(fake), &fakeReports{f: fake}
	d := Deps{
		Identity: fake, Timesheets: fake, Workers: fake, Waiter: fake, Outbox: fake, Demo: true,
		Documents: docs, Reports: reps,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Clock: func() time.Time { return fake.now },
	}
	if change != nil {
		change(&d)
	}
	h, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &harness{t: t, srv: srv, fake: fake, docs: docs, reps: reps, c: c}
}

// loginAs puts a session cookie for a into the client's jar.
func (h *harness) loginAs(a domain.Actor, lang string) {
	a.Language = lang
	tok := h.fake.session(a)
	u, _ := url.Parse(h.srv.URL)
	h.c.Jar.SetCookies(u, []*http.Cookie{{Name: "session", Value: tok, Path: "/"}})
}

func (h *harness) get(path string) (*http.Response, string) {
	h.t.Helper()
	res, err := h.c.Get(h.srv.URL + path)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func (h *harness) post(path string, form url.Values) (*http.Response, string) {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := h.c.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
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
