package timesheetapi_test

import (
	"io"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/domain"
	"backoffice/eventstore"
	"backoffice/http/api"
	"backoffice/http/api/timesheetapi"
	"backoffice/internal/apitest"
	"backoffice/internal/pgtest"
	"backoffice/projections"
	rm "backoffice/readmodel/timesheets"
)

func TestMain(m *testing.M) {
	pgtest.DurableForBenchmarks() // benchmark figures with fsync on
	// BENCH_SHARED_BUFFERS (e.g. 1GB, as on a production server) sets the
	// test cluster's shared_buffers; unset, the default of pgtest stays.
	if v := os.Getenv("BENCH_SHARED_BUFFERS"); v != "" {
		pgtest.Settings["shared_buffers"] = v
	}
	pgtest.Main(m)
}

// actors are the test logins (apitest.Actors); the benchmarks add theirs.
var actors = apitest.Actors()

// now is Monday 2 February 2026, 09:00 in Amsterdam: week 2026-W05 has
// just ended (entry deadline Tuesday 00:00), W06 has started, W07 has not.
var now = time.Date(2026, 2, 2, 8, 0, 0, 0, time.UTC)

var day = apitest.Day

type env struct {
	t     testing.TB
	url   string
	store eventstore.Store
	pool  *pgxpool.Pool
	rt    *projections.Runtime
	// seeded is the position of the last seeded event.
	seeded string
}

var migrate = apitest.Migrate

var agreement = apitest.Agreement

// newEnv starts the whole stack on a fresh database: the PostgreSQL event
// store, the projections runtime in the background, and the API with the
// timesheet feature behind an httptest server. Two tenants: (i1, c1, w1,
// placement p1) and (i2, c2, w2, placement p2).
func newEnv(t testing.TB) *env {
	t.Helper()
	cs := pgtest.NewDBFromTemplate(t, "timesheetapi", migrate)
	pool := pgtest.Pool(t, cs)
	store := pgtest.EventStore(t, pool)
	e := &env{t: t, store: store, pool: pool}

	e.seeded = apitest.SeedTwoTenants(t, store, now, agreement(domain.RoleClient, domain.RoleIntermediary))

	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	rt := apitest.RunProjections(t, store, pool, log, rm.Projectors()...)
	e.rt = rt

	clock := func() time.Time { return now }
	feature, err := timesheetapi.New(apitest.TimesheetDeps(t, store, pool, clock))
	if err != nil {
		t.Fatal(err)
	}
	url := apitest.Serve(t, api.Deps{Log: log, Pool: pool, Auth: apitest.Auth(actors), Wait: rt, Clock: clock,
		WaitTimeout: 30 * time.Second, Features: []api.Feature{feature},
		LazyClaims: true}) // the events are in pool's database, as with serve
	e.url = url
	return e
}

// atOnce calls do(0) … do(n-1) in n goroutines released together, and
// waits for all of them.
func atOnce(n int, do func(i int)) {
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			do(i)
		})
	}
	close(start)
	wg.Wait()
}

func (e *env) seed(stream string, events ...domain.Event) {
	e.t.Helper()
	e.seeded = apitest.Seed(e.t, e.store, now, stream, events...) // a new stream
}

// response is an HTTP answer.
type response = apitest.Response

func (e *env) do(method, path, actor string, body any, header ...string) response {
	e.t.Helper()
	if actor != "" {
		header = append(header, apitest.ActorHeader, actor)
	}
	return apitest.Request(e.t, method, e.url+path, body, header...)
}

// must runs a request and fails the test unless it answers want.
func (e *env) must(want int, method, path, actor string, body any, header ...string) response {
	e.t.Helper()
	r := e.do(method, path, actor, body, header...)
	if r.Status != want {
		e.t.Fatalf("%s %s as %s: status %d, want %d: %s", method, path, actor, r.Status, want, r.Body)
	}
	return r
}

// overview reads the status overview after pos.
func (e *env) overview(actor, pos string) rm.Overview {
	e.t.Helper()
	var o rm.Overview
	e.must(200, "GET", "/overview?min_position="+pos, actor, nil).Decode(e.t, &o)
	return o
}

// weekStatus is the colour of a week of placement p in 2026 after pos.
func (e *env) week(actor, p string, week int, pos string) rm.WeekColour {
	e.t.Helper()
	var c rm.Calendar
	e.must(200, "GET", "/placements/"+p+"/weeks?year=2026&min_position="+pos, actor, nil).Decode(e.t, &c)
	if len(c.Weeks) != 53 { // 2026 has 53 ISO weeks
		e.t.Fatalf("2026 has %d weeks, want 53", len(c.Weeks))
	}
	return c.Weeks[week-1]
}

func (e *env) detail(actor, path, pos string) rm.Detail {
	e.t.Helper()
	var d rm.Detail
	e.must(200, "GET", path+"?min_position="+pos, actor, nil).Decode(e.t, &d)
	return d
}
