package payrollapi_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/commands"
	"backoffice/commands/auth"
	tscmd "backoffice/commands/timesheet"
	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	"backoffice/http/api"
	"backoffice/http/api/identityapi"
	"backoffice/http/api/payrollapi"
	"backoffice/http/api/timesheetapi"
	"backoffice/internal/apitest"
	"backoffice/internal/pgtest"
	rm "backoffice/readmodel/payroll"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// now is Monday 2 February 2026, 09:00 in Amsterdam.
var now = time.Date(2026, 2, 2, 8, 0, 0, 0, time.UTC)

var day = apitest.Day

var migrate = apitest.Migrate

// Domain actors the commands run as when the test prepares timesheets.
var (
	worker1 = domain.Actor{AccountID: "acc-w1", Role: domain.RoleWorker, WorkerID: "w1"}
	client1 = domain.Actor{AccountID: "acc-c1", Role: domain.RoleClient, ClientID: "c1"}
	inter1  = domain.Actor{AccountID: "acc-i1", Role: domain.RoleIntermediary, IntermediaryID: "i1"}
	worker2 = domain.Actor{AccountID: "acc-w2", Role: domain.RoleWorker, WorkerID: "w2"}
	client2 = domain.Actor{AccountID: "acc-c2", Role: domain.RoleClient, ClientID: "c2"}
	inter2  = domain.Actor{AccountID: "acc-i2", Role: domain.RoleIntermediary, IntermediaryID: "i2"}
)

type env struct {
	t     testing.TB
	url   string
	store eventstore.Store
	pool  *pgxpool.Pool
	cmds  *tscmd.Handler
	auth  *auth.Service
	// tokens are bearer tokens by name: "payroll" and "auditor" are
	// integration tokens, the others sessions of real accounts.
	tokens map[string]string
	last   string // position of the last prepared event
}

// newEnv runs the whole stack on a fresh database: the PostgreSQL event
// store, the projections runtime with the payroll feed, the real
// authenticator (integration tokens and sessions) and the API with the
// payroll and timesheet features. Two tenants: (i1, c1, w1, p1) and
// (i2, c2, w2, p2), both approved by the client and then the intermediary.
func newEnv(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.Pool(t, pgtest.NewDBFromTemplate(t, "payrollapi", migrate))
	store := pgtest.EventStore(t, pool)
	clock := func() time.Time { return now }
	cmds, err := tscmd.New(store, clock)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, store: store, pool: pool, cmds: cmds, tokens: map[string]string{}}

	e.last = apitest.SeedTwoTenants(t, store, now, apitest.Agreement(domain.RoleClient, domain.RoleIntermediary))

	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	rt := apitest.RunProjections(t, store, pool, log, rm.Projectors()...)

	e.auth, err = auth.New(pool, auth.Config{Params: auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	for _, role := range []domain.Role{domain.RolePayroll, domain.RoleAuditor} {
		_, tok, err := e.auth.CreateToken(ctx, role, "test "+string(role))
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[string(role)] = tok
	}
	e.session("backoffice", domain.RoleBackoffice, "")
	e.session("client1", domain.RoleClient, "c1")
	e.session("worker1", domain.RoleWorker, "w1")
	e.session("inter1", domain.RoleIntermediary, "i1")

	authn, err := identityapi.NewAuthenticator(e.auth, clock)
	if err != nil {
		t.Fatal(err)
	}
	tsDeps := apitest.TimesheetDeps(t, store, pool, clock)
	queries, err := rm.NewQueries(pool)
	if err != nil {
		t.Fatal(err)
	}
	ledger, err := rm.NewLedger(store)
	if err != nil {
		t.Fatal(err)
	}
	payroll, err := payrollapi.New(payrollapi.Deps{Commands: tsDeps.Commands, Queries: queries, Ledger: ledger, Replay: store})
	if err != nil {
		t.Fatal(err)
	}
	timesheets, err := timesheetapi.New(tsDeps)
	if err != nil {
		t.Fatal(err)
	}
	url := apitest.Serve(t, api.Deps{Log: log, Pool: pool, Auth: authn, Wait: rt, Clock: clock,
		WaitTimeout: 30 * time.Second, Features: []api.Feature{payroll, timesheets}})
	e.url = url
	return e
}

func (e *env) seed(stream string, events ...domain.Event) {
	e.t.Helper()
	e.last = apitest.Seed(e.t, e.store, now, stream, events...)
}

// session creates an activated account and logs it in.
func (e *env) session(name string, role domain.Role, tenant string) {
	e.t.Helper()
	ctx := context.Background()
	id, email, password := "acc-"+name, name+"@example.nl", "correct horse battery staple"
	if err := auth.UpsertAccount(ctx, e.pool, auth.AccountRow{AccountID: id, Email: email, Role: role, TenantID: tenant}); err != nil {
		e.t.Fatal(err)
	}
	tok, _, err := e.auth.IssueToken(ctx, id, auth.PurposeActivation, now)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.auth.ConsumeToken(ctx, tok, auth.PurposeActivation, password, now); err != nil {
		e.t.Fatal(err)
	}
	session, _, err := e.auth.Login(ctx, email, password, "", now)
	if err != nil {
		e.t.Fatal(err)
	}
	e.tokens[name] = session
}

// sheet is a prepared timesheet.
type sheet struct {
	placement string
	week      ts.ISOWeek
}

func (s sheet) path() string { return "/timesheets/" + s.placement + "/" + s.week.String() }

// approve enters hours for the placement's week as its worker, offers it
// and lets the client and the intermediary approve: Geaccordeerd.
func (e *env) approve(placementID string, week int, minutes [7]ts.Minutes) sheet {
	e.t.Helper()
	ctx := context.Background()
	w, c, i := worker1, client1, inter1
	if placementID == "p2" {
		w, c, i = worker2, client2, inter2
	}
	target := tscmd.Target{PlacementID: placementID, Week: ts.ISOWeek{Year: 2026, Week: week}}
	must := func(res commands.Result, err error) {
		e.t.Helper()
		if err != nil {
			e.t.Fatalf("%s %d: %v", placementID, week, err)
		}
		e.last = res.Position.String()
	}
	must(e.cmds.SetLine(ctx, commands.Meta{Actor: w}, tscmd.SetLine{Target: target, HourType: "100", Minutes: minutes}))
	must(e.cmds.Offer(ctx, commands.Meta{Actor: w}, tscmd.Offer{Target: target}))
	must(e.cmds.Approve(ctx, commands.Meta{Actor: c}, tscmd.Approve{Target: target}))
	must(e.cmds.Approve(ctx, commands.Meta{Actor: i}, tscmd.Approve{Target: target}))
	return sheet{placement: placementID, week: target.Week}
}

// offer enters hours and offers them, without approval.
func (e *env) offer(placementID string, week int) {
	e.t.Helper()
	ctx := context.Background()
	target := tscmd.Target{PlacementID: placementID, Week: ts.ISOWeek{Year: 2026, Week: week}}
	// Monday only: later days of the current week are in the future.
	res, err := e.cmds.SetLine(ctx, commands.Meta{Actor: worker1}, tscmd.SetLine{Target: target, HourType: "100",
		Minutes: [7]ts.Minutes{480}})
	if err != nil {
		e.t.Fatal(err)
	}
	if res, err = e.cmds.Offer(ctx, commands.Meta{Actor: worker1}, tscmd.Offer{Target: target}); err != nil {
		e.t.Fatal(err)
	}
	e.last = res.Position.String()
}

type response = apitest.Response

// do sends a request as the named token holder ("" for none).
func (e *env) do(method, path, who string, body any) response {
	e.t.Helper()
	var header []string
	if who != "" {
		tok, ok := e.tokens[who]
		if !ok {
			e.t.Fatalf("no token %q", who)
		}
		header = append(header, "Authorization", "Bearer "+tok)
	}
	return apitest.Request(e.t, method, e.url+path, body, header...)
}

func (e *env) must(want int, method, path, who string, body any) response {
	e.t.Helper()
	r := e.do(method, path, who, body)
	if r.Status != want {
		e.t.Fatalf("%s %s as %s: status %d, want %d: %s", method, path, who, r.Status, want, r.Body)
	}
	return r
}

// feed reads one page of the feed as who, after the position pos (read
// your writes) with the extra query parameters q.
func (e *env) feed(who, pos, q string) rm.Page {
	e.t.Helper()
	var p rm.Page
	path := "/payroll/approved?min_position=" + pos
	if q != "" {
		path += "&" + q
	}
	e.must(200, "GET", path, who, nil).Decode(e.t, &p)
	return p
}

// importResponse mirrors the bulk import answer.
type importResponse struct {
	Position        string `json:"position"`
	Imported        int    `json:"imported"`
	AlreadyImported int    `json:"already_imported"`
	Failed          int    `json:"failed"`
	Results         []struct {
		Placement string `json:"placement"`
		Week      string `json:"week"`
		Status    int    `json:"status"`
		Outcome   string `json:"outcome"`
		Position  string `json:"position"`
		Error     *struct {
			Code  string `json:"code"`
			Field string `json:"field"`
		} `json:"error"`
	} `json:"results"`
}
