// Package apitest holds what the tests of the JSON API features share: a
// fixed set of logins named by a request header, the whole schema of a test
// database, and date literals.
package apitest

import (
	"context"
	"log/slog"
	"maps"
	"net/http"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	tscmd "backoffice/commands/timesheet"
	"backoffice/domain"
	"backoffice/eventstore"
	"backoffice/http/api/timesheetapi"
	"backoffice/internal/schema"
	"backoffice/internal/testrun"
	"backoffice/projections"
	rmtimesheets "backoffice/readmodel/timesheets"
)

// ActorHeader names the login of a test request.
const ActorHeader = "X-Test-Actor"

var actors = map[string]domain.Actor{
	"worker1":    {AccountID: "acc-w1", Role: domain.RoleWorker, WorkerID: "w1"},
	"client1":    {AccountID: "acc-c1", Role: domain.RoleClient, ClientID: "c1"},
	"inter1":     {AccountID: "acc-i1", Role: domain.RoleIntermediary, IntermediaryID: "i1"},
	"worker2":    {AccountID: "acc-w2", Role: domain.RoleWorker, WorkerID: "w2"},
	"client2":    {AccountID: "acc-c2", Role: domain.RoleClient, ClientID: "c2"},
	"inter2":     {AccountID: "acc-i2", Role: domain.RoleIntermediary, IntermediaryID: "i2"},
	"backoffice": {AccountID: "acc-bo", Role: domain.RoleBackoffice},
	"payroll":    {AccountID: "acc-pay", Role: domain.RolePayroll},
	"auditor":    {AccountID: "acc-aud", Role: domain.RoleAuditor},
}

// Actors returns a fresh copy of the test logins: workers, clients and
// intermediaries of two tenants (1 and 2), the back office, and the payroll
// and auditor integrations. A test may add its own.
func Actors() map[string]domain.Actor { return maps.Clone(actors) }

// Auth authenticates a request as the login its ActorHeader names; any
// other request is unauthenticated.
type Auth map[string]domain.Actor

// Authenticate implements api.Authenticator.
func (a Auth) Authenticate(r *http.Request) (domain.Actor, error) {
	actor, ok := a[r.Header.Get(ActorHeader)]
	if !ok {
		return domain.Actor{}, &domain.Error{Kind: domain.KindUnauthorized, Code: "unauthenticated", Message: "log in first"}
	}
	return actor, nil
}

// Migrate creates the event store, read model and projections schema in the
// database at cs; it is the template function of pgtest.NewDBFromTemplate.
func Migrate(ctx context.Context, cs string) error { return schema.Migrate(ctx, cs) }

// Day parses a date literal (2006-01-02) of a test; a bad one panics.
func Day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// RunProjections runs projectors over store in the background until the
// test ends (a failure of the runtime fails the test).
func RunProjections(t testing.TB, store eventstore.Store, pool *pgxpool.Pool, log *slog.Logger, projectors ...projections.Projector) *projections.Runtime {
	t.Helper()
	rt, err := projections.New(projections.Config{Store: store, Pool: pool, Projectors: projectors, Logger: log,
		WaitTimeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	testrun.Background(t, context.Background(), rt.Run)
	return rt
}

// TimesheetDeps builds the timesheet API's collaborators on store and pool
// the way internal/app does (one command handler, the queries and the
// history, on one clock).
func TimesheetDeps(t testing.TB, store eventstore.Store, pool *pgxpool.Pool, clock func() time.Time) timesheetapi.Deps {
	t.Helper()
	c, err := tscmd.New(store, clock)
	if err != nil {
		t.Fatal(err)
	}
	q, err := rmtimesheets.NewQueries(pool, clock)
	if err != nil {
		t.Fatal(err)
	}
	h, err := rmtimesheets.NewHistory(store)
	if err != nil {
		t.Fatal(err)
	}
	return timesheetapi.Deps{Commands: c, Queries: q, History: h, Clock: clock}
}
