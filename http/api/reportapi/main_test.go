package reportapi_test

import (
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"backoffice/domain"
	"backoffice/domain/client"
	"backoffice/domain/placement"
	ts "backoffice/domain/timesheet"
	"backoffice/domain/worker"
	"backoffice/http/api"
	"backoffice/http/api/reportapi"
	"backoffice/internal/apitest"
	"backoffice/internal/pgtest"
	rmid "backoffice/readmodel/identity"
	rm "backoffice/readmodel/timesheets"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// actors are the test logins (apitest.Actors), plus a client login
// without its client.
var actors = func() map[string]domain.Actor {
	a := apitest.Actors()
	a["nobody"] = domain.Actor{AccountID: "acc-x", Role: domain.RoleClient}
	return a
}()

var now = time.Date(2026, 2, 2, 8, 0, 0, 0, time.UTC)

var day = apitest.Day

var migrate = apitest.Migrate

var (
	normal   = ts.HourType{Code: "100", Name: "Normale uren", Percentage: 100}
	overtime = ts.HourType{Code: "125", Name: "Overuren 125%", Percentage: 125}
)

type env struct {
	t   testing.TB
	url string
	// last is the position of the last seeded event.
	last string
}

// newEnv runs the event store, the timesheet and identity projectors and
// the API with the report feature on a fresh database. Two tenants:
// (i1, c1 Bakkerij Korenaar, w1 Jan de Boer, p1) and (i2, c2 Transport
// Smit, w2 Sanne Visser, p2). Timesheets:
//
//	p1 2026-W02 approved: 100 Mon 8:00 + Tue 0:30 (8,5 h), 125 Wed 0:20 (0,33 h), parking € 12,50
//	p1 2026-W03 offered:  not in the report
//	p2 2026-W02 imported: 100 Mon 8:00
func newEnv(t testing.TB) *env { t.Helper(); return newEnvMax(t, 0) }

// newEnvMax is newEnv with the report feature's MaxRows set (0: the default).
func newEnvMax(t testing.TB, maxRows int) *env {
	t.Helper()
	pool := pgtest.Pool(t, pgtest.NewDBFromTemplate(t, "reportapi", migrate))
	store := pgtest.EventStore(t, pool)
	e := &env{t: t}
	seed := func(stream string, events ...domain.Event) {
		t.Helper()
		e.last = apitest.Seed(t, store, now, stream, events...)
	}
	agreement := client.Agreement{
		HourTypes:      []client.HourType{{Code: "100", Name: "Normale uren", Percentage: 100}, {Code: "125", Name: "Overuren 125%", Percentage: 125}},
		NormalHourType: "100", EnteredBy: domain.RoleWorker, ApprovalChain: []domain.Role{domain.RoleClient},
	}
	for _, c := range []struct{ id, inter, name, worker, first, infix, last, placement string }{
		{"c1", "i1", "Bakkerij Korenaar", "w1", "Jan", "de", "Boer", "p1"},
		{"c2", "i2", "Transport Smit", "w2", "Sanne", "", "Visser", "p2"},
	} {
		seed(client.Stream(c.id), &client.Registered{ClientID: c.id, IntermediaryID: c.inter, Name: c.name, KvK: "12345678",
			AgreementFrom: day("2025-01-01"), Agreement: agreement})
		seed(worker.Stream(c.worker), &worker.Registered{WorkerID: c.worker, ClientID: c.id,
			Name: worker.Name{First: c.first, Infix: c.infix, Last: c.last}, Email: c.worker + "@example.nl", Function: "Bakker"})
		seed(placement.Stream(c.placement), &placement.Started{PlacementID: c.placement, WorkerID: c.worker, ClientID: c.id,
			IntermediaryID: c.inter, Function: "Bakker", Start: day("2026-01-05")})
	}
	sheet := func(p, w, c, i string, week int, events ...domain.Event) {
		wk := ts.ISOWeek{Year: 2026, Week: week}
		seed(ts.StreamName(p, wk), append([]domain.Event{&ts.Opened{PlacementID: p, Week: wk, WeekStart: wk.Start(), WeekEnd: wk.End(),
			EnteredBy: domain.RoleWorker, NormalHourType: normal, EntryDeadline: ts.EntryDeadline(wk), ApprovalDeadline: ts.ApprovalDeadline(wk),
			ClientID: c, IntermediaryID: i, WorkerID: w}}, events...)...)
	}
	offered := &ts.Offered{Round: 1, Hash: "h", Chain: []domain.Role{domain.RoleClient}, Next: domain.RoleClient}
	approved := []domain.Event{offered,
		&ts.StepApproved{Round: 1, Step: 0, Party: domain.RoleClient, By: domain.RoleClient, Hash: "h"},
		&ts.Approved{Round: 1, Hash: "h"}}
	w2 := ts.ISOWeek{Year: 2026, Week: 2}
	sheet("p1", "w1", "c1", "i1", 2, append([]domain.Event{
		&ts.LineSet{Line: ts.Line{HourType: normal, Minutes: [7]ts.Minutes{480, 30}}},
		&ts.LineSet{Line: ts.Line{HourType: overtime, Minutes: [7]ts.Minutes{0, 0, 20}}},
		&ts.ExpenseAdded{Expense: ts.Expense{ID: 1, Type: ts.ExpenseParking, Date: w2.Start(), AmountCents: 1250}},
	}, approved...)...)
	sheet("p1", "w1", "c1", "i1", 3, &ts.LineSet{Line: ts.Line{HourType: normal, Minutes: [7]ts.Minutes{480}}}, offered)
	sheet("p2", "w2", "c2", "i2", 2, append(append([]domain.Event{
		&ts.LineSet{Line: ts.Line{HourType: normal, Minutes: [7]ts.Minutes{480}}}}, approved...),
		&ts.Imported{Hash: "h", ImportBatch: "b1"})...)

	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	rt := apitest.RunProjections(t, store, pool, log, append(rm.Projectors(), rmid.Projectors()...)...)

	feature, err := reportapi.New(reportapi.Deps{Pool: pool, Clock: func() time.Time { return now }, MaxRows: maxRows})
	if err != nil {
		t.Fatal(err)
	}
	url := apitest.Serve(t, api.Deps{Log: log, Pool: pool, Auth: apitest.Auth(actors), Wait: rt,
		WaitTimeout: 30 * time.Second, Features: []api.Feature{feature}})
	e.url = url
	return e
}

// response is an HTTP answer.
type response = apitest.Response

// get reads path (under /api/v1) as actor ("" for nobody logged in).
func (e *env) get(path, actor string, header ...string) response {
	e.t.Helper()
	if actor != "" {
		header = append(header, apitest.ActorHeader, actor)
	}
	return apitest.Request(e.t, http.MethodGet, e.url+path, nil, header...)
}
