package payroll_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/commands"
	paycmd "backoffice/commands/payroll"
	tscmd "backoffice/commands/timesheet"
	"backoffice/domain"
	"backoffice/domain/client"
	pay "backoffice/domain/payroll"
	"backoffice/domain/payroll/payrollfile"
	"backoffice/domain/placement"
	ts "backoffice/domain/timesheet"
	"backoffice/domain/worker"
	"backoffice/eventstore"
	"backoffice/internal/apitest"
	"backoffice/internal/pgtest"
	"backoffice/projections"
	rm "backoffice/readmodel/payroll"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// now is Monday 2 February 2026, 09:00 in Amsterdam.
var now = time.Date(2026, 2, 2, 8, 0, 0, 0, time.UTC)

var (
	backoffice = commands.Meta{Actor: domain.Actor{AccountID: "acc-bo", Role: domain.RoleBackoffice}}
	payrollBot = commands.Meta{Actor: domain.Actor{AccountID: "acc-pay", Role: domain.RolePayroll}}
)

// env is the payroll commands on a fresh database with the PostgreSQL
// event store and the payroll feed projector running.
type env struct {
	t     testing.TB
	store eventstore.Store
	pool  *pgxpool.Pool
	ts    *tscmd.Handler
	pay   *paycmd.Handler
	rt    *projections.Runtime
	last  eventstore.Position
	now   atomic.Pointer[time.Time] // the commands' clock (now unless a test moves it)
}

func newEnv(t testing.TB) *env {
	t.Helper()
	pool := pgtestPool(t)
	store := pgtest.EventStore(t, pool)
	e := newEnvOn(t, store, pool)
	e.seedClient()
	return e
}

// pgtestPool is a fresh migrated database.
func pgtestPool(t testing.TB) *pgxpool.Pool {
	return pgtest.Pool(t, pgtest.NewDBFromTemplate(t, "paycmd", apitest.Migrate))
}

// newEnvOn runs the handlers and the feed on store without seeding.
func newEnvOn(t testing.TB, store eventstore.Store, pool *pgxpool.Pool) *env {
	t.Helper()
	e := &env{t: t, store: store, pool: pool}
	e.now.Store(&now)
	clock := func() time.Time { return *e.now.Load() }
	tsh, err := tscmd.New(store, clock)
	if err != nil {
		t.Fatal(err)
	}
	q, err := rm.NewQueries(pool)
	if err != nil {
		t.Fatal(err)
	}
	ph, err := paycmd.New(store, q, tsh, clock)
	if err != nil {
		t.Fatal(err)
	}
	e.rt = apitest.RunProjections(t, store, pool, slog.New(slog.NewTextHandler(io.Discard, nil)), rm.Projectors()...)
	e.ts, e.pay = tsh, ph
	return e
}

// seedClient registers client c1 (worker enters, client approves) with
// weekly Loket payroll settings and a mapping of hour type 100.
func (e *env) seedClient() { e.seedClientAs("c1", pay.PeriodWeek) }

// seedClientAs registers a client like c1 with payroll period kind.
func (e *env) seedClientAs(id string, kind pay.PeriodKind) {
	e.seedPayClient(id, "Bakkerij Korenaar", "12345678", pay.Settings{Administration: "1001", Period: kind, Package: pay.TargetLoket},
		pay.Mapping{Kind: pay.SourceHours, Code: "100", Loket: "1", Nmbrs: "U100", Easyflex: "U100"})
}

// seedPayClient registers client id (hour type 100 only; the worker
// enters, the client approves) with its payroll settings and a mapping
// valid from 5 January 2026.
func (e *env) seedPayClient(id, name, kvk string, settings pay.Settings, mapping ...pay.Mapping) {
	e.seed(client.Stream(id), &client.Registered{ClientID: id, IntermediaryID: "i1", Name: name, KvK: kvk,
		AgreementFrom: apitest.Day("2025-01-01"), Agreement: client.Agreement{
			HourTypes:      []client.HourType{{Code: "100", Name: "Normale uren", Percentage: 100}},
			NormalHourType: "100", EnteredBy: domain.RoleWorker,
			ApprovalChain: []domain.Role{domain.RoleClient}}})
	e.must(e.pay.SetSettings(context.Background(), backoffice, paycmd.SetSettings{ClientID: id, Settings: settings}))
	e.must(e.pay.SetMapping(context.Background(), backoffice, paycmd.SetMapping{ClientID: id, ValidFrom: "2026-01-05", Entries: mapping}))
}

func (e *env) must(res commands.Result, err error) commands.Result {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
	if res.Position.After(e.last) {
		e.last = res.Position
	}
	return res
}

func (e *env) seed(stream string, events ...domain.Event) {
	e.t.Helper()
	e.must(commands.Save(context.Background(), e.store, commands.Stream{Name: stream}, backoffice, now, events...))
}

// worker registers worker n with placement p<n> at c1 from 5 January 2026
// and, when persnr is set, its personnel number.
func (e *env) worker(n int, persnr string) { e.workerAt(n, "c1", persnr) }

// workerAt is worker for another client.
func (e *env) workerAt(n int, clientID, persnr string) {
	e.t.Helper()
	w, p := fmt.Sprintf("w%d", n), fmt.Sprintf("p%d", n)
	e.seed(worker.Stream(w), &worker.Registered{WorkerID: w, ClientID: clientID, Name: worker.Name{First: "Werker", Last: fmt.Sprint(n)},
		Email: w + "@example.nl", Function: "Bakker"})
	e.seed(placement.Stream(p), &placement.Started{PlacementID: p, WorkerID: w, ClientID: clientID, IntermediaryID: "i1",
		Function: "Bakker", Start: apitest.Day("2026-01-05")})
	if persnr != "" {
		e.must(e.pay.SetPersonnelNumber(context.Background(), backoffice, paycmd.SetPersonnelNumber{
			WorkerID: w, Administration: "1001", PersonnelNumber: persnr}))
	}
}

// workedWeek5 registers worker n at c1 (worker) and has the client approve
// its minutes in week 5, the period week5 most tests export (approve).
func (e *env) workedWeek5(n int, persnr string, minutes [7]ts.Minutes) {
	e.t.Helper()
	e.worker(n, persnr)
	e.approve(n, 5, minutes)
}

// approve enters minutes for worker n's week and has the client approve.
func (e *env) approve(n, week int, minutes [7]ts.Minutes) { e.approveAt(n, week, "c1", minutes) }

// approveAt is approve for a worker of another client.
func (e *env) approveAt(n, week int, clientID string, minutes [7]ts.Minutes) {
	e.t.Helper()
	e.approveAt1(n, ts.ISOWeek{Year: 2026, Week: week}, clientID, minutes)
}

// approveAt1 is approveAt for a week of any year.
func (e *env) approveAt1(n int, isoWeek ts.ISOWeek, clientID string, minutes [7]ts.Minutes) {
	e.t.Helper()
	ctx := context.Background()
	w := domain.Actor{AccountID: "acc-w", Role: domain.RoleWorker, WorkerID: fmt.Sprintf("w%d", n)}
	c := domain.Actor{AccountID: "acc-" + clientID, Role: domain.RoleClient, ClientID: clientID}
	target := tscmd.Target{PlacementID: fmt.Sprintf("p%d", n), Week: isoWeek}
	e.must(e.ts.SetLine(ctx, commands.Meta{Actor: w}, tscmd.SetLine{Target: target, HourType: "100", Minutes: minutes}))
	e.must(e.ts.Offer(ctx, commands.Meta{Actor: w}, tscmd.Offer{Target: target}))
	e.must(e.ts.Approve(ctx, commands.Meta{Actor: c}, tscmd.Approve{Target: target}))
}

// caughtUp waits until the feed has every prepared event.
func (e *env) caughtUp() {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := e.rt.WaitFor(ctx, e.last, rm.FeedProjectors...); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) file(batch string, f payrollfile.Format) []byte {
	e.t.Helper()
	var buf bytes.Buffer
	if err := e.pay.WriteFile(context.Background(), payrollBot.Actor, batch, f, &buf, nil); err != nil {
		e.t.Fatalf("%s %s: %v", batch, f, err)
	}
	return buf.Bytes()
}

var week5 = func() pay.Period { p, _ := pay.ParsePeriod("2026-W05"); return p }()

func code(err error) string {
	if de, ok := err.(*domain.Error); ok {
		return de.Code
	}
	for u := err; u != nil; {
		if de, ok := u.(*domain.Error); ok {
			return de.Code
		}
		w, ok := u.(interface{ Unwrap() error })
		if !ok {
			break
		}
		u = w.Unwrap()
	}
	if err != nil {
		return err.Error()
	}
	return ""
}
