// Package notifytest holds the realistic data set the tests of notify/ and
// its API share: two intermediaries, two clients with different ways of
// working, workers, logins, placements (active, ended, not yet started) and
// the timesheets of the weeks around 2026-W10.
//
// The data set is made the way production makes it: the aggregates decide
// the people's events, the timesheet commands the timesheets', all appended
// to the event store; then the read-model projectors run to the head, so
// every row is what the real projectors write. No mail reactor runs, so the
// seed queues no mail. What is no event (a user's notification settings,
// the missing-hours window) goes through its owner's Go function. The seed
// runs once per test binary, into a template database; each test gets a
// copy (NewDB).
//
// Packages using it need  func TestMain(m *testing.M) { pgtest.Main(m) }.
package notifytest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/commands"
	tscmd "backoffice/commands/timesheet"
	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/client"
	"backoffice/domain/intermediary"
	"backoffice/domain/placement"
	"backoffice/domain/timesheet"
	"backoffice/domain/worker"
	"backoffice/eventstore"
	"backoffice/eventstore/postgres"
	"backoffice/internal/pgtest"
	"backoffice/internal/schema"
	"backoffice/notify/prefs"
	"backoffice/notify/reactors"
	"backoffice/projections"
	rmidentity "backoffice/readmodel/identity"
	"backoffice/readmodel/missingweeks"
	rmtimesheets "backoffice/readmodel/timesheets"
)

// MondayW10 is Monday 2 March 2026 00:00 in Amsterdam: the start of the
// week whose reminders concern 2026-W09. It is the clock of every decision
// of the data set: deadlines and late flags follow from it.
var MondayW10 = time.Date(2026, 3, 2, 0, 0, 0, 0, timesheet.Location())

// Accounts of the data set, by ID: e-mail, role, tenant, language.
//
//   - c1 (intermediary i1): workers enter; chain [client, intermediary].
//   - c2 (intermediary i2): the client enters; chain [intermediary].
//   - acc-i2 (ian@i2.example) is not i2's registered contact: no name is
//     known to greet him by.
//   - acc-c2b has switched reminders and approval mails off.
//   - acc-w3x is disabled; w4 has no login.
var accounts = []account.Create{
	{AccountID: "acc-i1", Email: "ingrid@i1.example", Role: domain.RoleIntermediary, IntermediaryID: "i1", Language: "nl"},
	{AccountID: "acc-i2", Email: "ian@i2.example", Role: domain.RoleIntermediary, IntermediaryID: "i2", Language: "en"},
	{AccountID: "acc-c1", Email: "carla@c1.example", Role: domain.RoleClient, ClientID: "c1", Language: "nl"},
	{AccountID: "acc-c2", Email: "chris@c2.example", Role: domain.RoleClient, ClientID: "c2", Language: "en"},
	{AccountID: "acc-c2b", Email: "boss@c2.example", Role: domain.RoleClient, ClientID: "c2", Language: "nl"},
	{AccountID: "acc-w1", Email: "piet@w.example", Role: domain.RoleWorker, WorkerID: "w1", Language: "nl"},
	{AccountID: "acc-w2", Email: "emma@w.example", Role: domain.RoleWorker, WorkerID: "w2", Language: "en"},
	{AccountID: "acc-w3x", Email: "kees@w.example", Role: domain.RoleWorker, WorkerID: "w3", Language: "nl"},
	{AccountID: "acc-bo", Email: "bo@bureau.example", Role: domain.RoleBackoffice, Language: "nl"},
}

// disabledAccount is blocked after its activation.
const disabledAccount = "acc-w3x"

// optedOut switched reminders and the approval mail off (notify/prefs).
const optedOut = "acc-c2b"

var intermediaries = []intermediary.Register{
	{IntermediaryID: "i1", Name: "Uitzend BV", KvK: "11223344", Contact: intermediary.Contact{Name: "Ingrid", Email: "ingrid@i1.example"}},
	{IntermediaryID: "i2", Name: "Flex Partners", KvK: "44332211", Contact: intermediary.Contact{Name: "Planning", Email: "planning@i2.example"}},
}

var hourTypes = []client.HourType{{Code: "100", Name: "Normale uren", Percentage: 100}}

var clients = []struct {
	intermediary string
	client.Register
}{
	{"i1", client.Register{ClientID: "c1", Name: "Bakkerij De Korenbloem", KvK: "12345678",
		Address: client.Address{Street: "Molenstraat", HouseNumber: "1", PostalCode: "3512 AB", City: "Utrecht"},
		Contact: client.Contact{Name: "Carla", Email: "carla@c1.example"}, ContactPersonal: client.ContactPersonalData{Mobile: "0612345671"},
		AgreementFrom: day(2025, 1, 1), Agreement: client.Agreement{HourTypes: hourTypes, NormalHourType: "100",
			EnteredBy: domain.RoleWorker, ApprovalChain: []domain.Role{domain.RoleClient, domain.RoleIntermediary}}}},
	{"i2", client.Register{ClientID: "c2", Name: "Metaalwerk Oost", KvK: "87654321",
		Address: client.Address{Street: "Industrieweg", HouseNumber: "7", PostalCode: "7511 AA", City: "Enschede"},
		Contact: client.Contact{Name: "Chris", Email: "chris@c2.example"}, ContactPersonal: client.ContactPersonalData{Mobile: "0612345672"},
		AgreementFrom: day(2025, 1, 1), Agreement: client.Agreement{HourTypes: hourTypes, NormalHourType: "100",
			EnteredBy: domain.RoleClient, ApprovalChain: []domain.Role{domain.RoleIntermediary}}}},
}

var workers = []struct {
	client string
	worker.Register
}{
	{"c1", worker.Register{WorkerID: "w1", Name: worker.Name{First: "Piet", Last: "Jansen"}, Email: "piet@w.example", Function: "bakker"}},
	{"c1", worker.Register{WorkerID: "w2", Name: worker.Name{First: "Emma", Last: "Smith"}, Email: "emma@w.example", Function: "bakker"}},
	{"c2", worker.Register{WorkerID: "w3", Name: worker.Name{First: "Kees", Last: "Bos"}, Email: "kees@w.example", Function: "lasser"}},
	{"c2", worker.Register{WorkerID: "w4", Name: worker.Name{First: "Ayse", Last: "Yilmaz"}, Email: "ayse@w.example", Function: "lasser"}},
}

// Placements of the data set: p1–p4 active (p4 until the end of 2026), p5
// ended before W08, p6 (w2 at the other client) starting in W11.
var placements = []struct {
	worker, client string
	placement.Start
}{
	{"w1", "c1", placement.Start{PlacementID: "p1", Start: day(2025, 6, 1)}},
	{"w2", "c1", placement.Start{PlacementID: "p2", Start: day(2025, 6, 1)}},
	{"w3", "c2", placement.Start{PlacementID: "p3", Start: day(2025, 6, 1)}},
	{"w4", "c2", placement.Start{PlacementID: "p4", Start: day(2025, 6, 1), End: ptr(day(2026, 12, 31))}},
	{"w1", "c1", placement.Start{PlacementID: "p5", Start: day(2025, 1, 1), End: ptr(day(2026, 2, 15))}},
	{"w2", "c2", placement.Start{PlacementID: "p6", Start: day(2026, 3, 9)}},
}

// Timesheets of the data set: (placement, week, status, next party). Each
// holds 40 hours, Monday to Friday, entered and decided at MondayW10 (so
// the week-8 ones were offered after their entry deadline).
//
//	p1 2026-W08 offered, approved by the client, waiting for the intermediary
//	p1 2026-W09 open (not offered)
//	p2 2026-W09 offered, waiting for the client
//	p3 2026-W09 none at all
//	p4 2026-W09 offered, waiting for the intermediary
//	p2, p3, p4 2026-W08 approved
var Timesheets = []struct {
	Placement, Worker, Client, Intermediary, Week, Status, Next, EnteredBy string
}{
	{"p1", "w1", "c1", "i1", "2026-W08", "offered", "intermediary", "worker"},
	{"p1", "w1", "c1", "i1", "2026-W09", "open", "", "worker"},
	{"p2", "w2", "c1", "i1", "2026-W09", "offered", "client", "worker"},
	{"p4", "w4", "c2", "i2", "2026-W09", "offered", "intermediary", "client"},
	{"p2", "w2", "c1", "i1", "2026-W08", "approved", "", "worker"},
	{"p3", "w3", "c2", "i2", "2026-W08", "approved", "", "client"},
	{"p4", "w4", "c2", "i2", "2026-W08", "approved", "", "client"},
}

// NewDB returns the connection string of a fresh database (pgtest) that
// holds the whole data set: the people and the timesheets, their read
// models, acc-c2b's settings and the missing-hours window rolled forward to
// MondayW10. It is a copy of a template seeded once per test binary, so a
// test pays for a copy, not for the seed.
func NewDB(t testing.TB) string {
	t.Helper()
	return pgtest.NewDBFromTemplate(t, "notifytest", template(true))
}

// NewPeopleDB is NewDB without the timesheets: for a test whose own
// timesheet mailer reads the log from the start and must find no timesheet
// events but its own.
func NewPeopleDB(t testing.TB) string {
	t.Helper()
	return pgtest.NewDBFromTemplate(t, "notifytest-people", template(false))
}

// template migrates the template database and seeds it.
func template(timesheets bool) func(ctx context.Context, cs string) error {
	return schema.MigrateThen(func(ctx context.Context, pool *pgxpool.Pool) error { return seed(ctx, pool, timesheets) })
}

// seed writes the data set into pool's migrated database.
func seed(ctx context.Context, pool *pgxpool.Pool, timesheets bool) error {
	store, err := postgres.New(ctx, pool, postgres.Options{AllowUnsafeFsync: true})
	if err != nil {
		return fmt.Errorf("notifytest: event store: %w", err)
	}
	// Closed before the copies are made: its listening session holds a
	// shared advisory lock the tests that count advisory locks must not see.
	defer store.Close()
	s := &seeder{ctx: ctx, pool: pool, store: store, inters: map[string]*intermediary.Intermediary{},
		clients: map[string]*client.Client{}, workers: map[string]*worker.Worker{}}
	if err := s.people(); err != nil {
		return err
	}
	if timesheets {
		if err := s.timesheets(); err != nil {
			return err
		}
	}
	if err := s.project(); err != nil {
		return err
	}
	if timesheets {
		if _, err := missingweeks.Advance(ctx, pool, MondayW10); err != nil {
			return fmt.Errorf("notifytest: missing-hours window: %w", err)
		}
	}
	return nil
}

// staff is the bureau registering its relations (account.IsStaff).
var staff = domain.Actor{AccountID: "system", Role: domain.RoleSystem, Language: "nl"}

type seeder struct {
	ctx   context.Context
	pool  *pgxpool.Pool
	store eventstore.Store
	last  eventstore.Position // of the last append

	inters  map[string]*intermediary.Intermediary
	clients map[string]*client.Client
	workers map[string]*worker.Worker
}

// decision is one decision method of an aggregate, run on its state so far.
type decision func() ([]domain.Event, error)

// save runs the decisions in order, folding each one's events into agg
// before the next, and appends them all to the new stream.
func (s *seeder) save(stream string, agg domain.Aggregate, decisions ...decision) error {
	var events []domain.Event
	for _, d := range decisions {
		evs, err := d()
		if err != nil {
			return fmt.Errorf("notifytest: %s: %w", stream, err)
		}
		for _, e := range evs {
			if err := agg.Apply(e); err != nil {
				return fmt.Errorf("notifytest: %s: %w", stream, err)
			}
		}
		events = append(events, evs...)
	}
	res, err := commands.Save(s.ctx, s.store, commands.Stream{Name: stream}, commands.Meta{Actor: staff, CorrelationID: "notifytest"}, MondayW10, events...)
	if err != nil {
		return fmt.Errorf("notifytest: append %s: %w", stream, err)
	}
	s.last = res.Position
	return nil
}

// people registers the intermediaries, clients, workers, placements and
// logins through their aggregates' decision methods, and stores the
// opted-out user's settings.
func (s *seeder) people() error {
	for _, r := range intermediaries {
		i := &intermediary.Intermediary{}
		if err := s.save(intermediary.Stream(r.IntermediaryID), i, func() ([]domain.Event, error) { return i.Register(staff, r, MondayW10) }); err != nil {
			return err
		}
		s.inters[r.IntermediaryID] = i
	}
	for _, r := range clients {
		c := &client.Client{}
		err := s.save(client.Stream(r.ClientID), c, func() ([]domain.Event, error) {
			evs, _, err := c.Register(staff, s.inters[r.intermediary], r.Register, MondayW10) // the contact's mobile goes nowhere
			return evs, err
		})
		if err != nil {
			return err
		}
		s.clients[r.ClientID] = c
	}
	for _, r := range workers {
		w := &worker.Worker{}
		r.PersonalData = worker.PersonalData{BSN: "111222333", IBAN: "NL91ABNA0417164300", DateOfBirth: day(1990, 5, 1),
			Address: worker.Address{Street: "Kerkstraat", HouseNumber: "2", PostalCode: "3511 AB", City: "Utrecht"}, Mobile: "0687654321"}
		r.Start = day(2025, 1, 1)
		err := s.save(worker.Stream(r.WorkerID), w, func() ([]domain.Event, error) {
			evs, _, err := w.Register(staff, s.clients[r.client], r.Register, MondayW10) // the personal data goes nowhere
			return evs, err
		})
		if err != nil {
			return err
		}
		s.workers[r.WorkerID] = w
	}
	for _, r := range placements {
		p := &placement.Placement{}
		err := s.save(placement.Stream(r.PlacementID), p, func() ([]domain.Event, error) {
			return p.Start(staff, s.clients[r.client], s.workers[r.worker], r.Start, MondayW10)
		})
		if err != nil {
			return err
		}
	}
	for _, r := range accounts {
		a := &account.Account{}
		ds := []decision{
			func() ([]domain.Event, error) { return a.Create(staff, r, MondayW10) },
			func() ([]domain.Event, error) { return a.RecordPasswordSet(false, MondayW10) }, // activated
		}
		if r.AccountID == disabledAccount {
			ds = append(ds, func() ([]domain.Event, error) { return a.Disable(staff, "", MondayW10) })
		}
		if err := s.save(account.Stream(r.AccountID), a, ds...); err != nil {
			return err
		}
	}
	if err := prefs.New(s.pool, func() time.Time { return MondayW10 }).Set(s.ctx, optedOut, prefs.Settings{}); err != nil {
		return fmt.Errorf("notifytest: settings of %s: %w", optedOut, err)
	}
	return nil
}

// timesheets enters, offers and approves the data set's timesheets through
// the timesheet commands, as their enterers and approvers.
func (s *seeder) timesheets() error {
	h, err := tscmd.New(s.store, func() time.Time { return MondayW10 })
	if err != nil {
		return err
	}
	for _, ts := range Timesheets {
		w, err := timesheet.ParseISOWeek(ts.Week)
		if err != nil {
			return err
		}
		agreement, _ := s.clients[ts.Client].AgreementOn(w.Start().At(0, 0, time.UTC))
		as := map[domain.Role]domain.Actor{
			domain.RoleWorker:       {AccountID: "acc-" + ts.Worker, Role: domain.RoleWorker, WorkerID: ts.Worker},
			domain.RoleClient:       {AccountID: "acc-" + ts.Client, Role: domain.RoleClient, ClientID: ts.Client},
			domain.RoleIntermediary: {AccountID: "acc-" + ts.Intermediary, Role: domain.RoleIntermediary, IntermediaryID: ts.Intermediary},
		}
		meta := func(r domain.Role) commands.Meta { return commands.Meta{Actor: as[r], CorrelationID: "notifytest"} }
		target := tscmd.Target{PlacementID: ts.Placement, Week: w}
		enterer := domain.Role(ts.EnteredBy)
		steps := []func() (commands.Result, error){func() (commands.Result, error) {
			return h.SetLines(s.ctx, meta(enterer), tscmd.SetLines{Target: target, Lines: []timesheet.LineInput{
				{HourType: "100", Minutes: [7]timesheet.Minutes{480, 480, 480, 480, 480}}}})
		}}
		if ts.Status != "open" {
			steps = append(steps, func() (commands.Result, error) { return h.Offer(s.ctx, meta(enterer), tscmd.Offer{Target: target}) })
			// Approved up to the next party (all the way when none).
			for _, party := range agreement.ApprovalChain {
				if string(party) == ts.Next {
					break
				}
				steps = append(steps, func() (commands.Result, error) {
					return h.Approve(s.ctx, meta(party), tscmd.Approve{Target: target})
				})
			}
		}
		for _, step := range steps {
			res, err := step()
			if err != nil {
				return fmt.Errorf("notifytest: timesheet %s %s: %w", ts.Placement, ts.Week, err)
			}
			s.last = res.Position
		}
	}
	return nil
}

// project runs the read-model projectors (and no mail reactor) until they
// have passed the last event appended.
func (s *seeder) project() error {
	var ps []projections.Projector
	ps = append(ps, rmidentity.Projectors()...)
	ps = append(ps, rmtimesheets.Projectors()...)
	ps = append(ps, missingweeks.Projectors()...)
	ps = append(ps, reactors.RecipientNames{})
	rt, err := projections.New(projections.Config{Store: s.store, Pool: s.pool, Projectors: ps,
		Logger: slog.New(slog.DiscardHandler), WaitTimeout: time.Minute})
	if err != nil {
		return err
	}
	ctx, stop := context.WithCancel(s.ctx)
	done := make(chan error, 1)
	go func() { done <- rt.Run(ctx) }()
	waitErr := rt.WaitFor(ctx, s.last)
	stop()
	if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("notifytest: projections: %w", err)
	}
	if waitErr != nil {
		return fmt.Errorf("notifytest: projections: %w", waitErr)
	}
	return nil
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func ptr[T any](v T) *T { return &v }
