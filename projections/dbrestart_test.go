package projections_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/eventstore/memory"
	"backoffice/internal/pgtest"
	"backoffice/projections"
)

// TestRunningAgainAfterTheDatabaseReturns: when the database goes away and
// comes back with no event behind it, the projector that took its lock
// again says running (and /readyz is ready) at once, not standby or failed
// until the next event arrives.
func TestRunningAgainAfterTheDatabaseReturns(t *testing.T) {
	dsn := pgtest.NewDBFromTemplate(t, "projections", setupDB)
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	var down atomic.Bool
	var refused atomic.Int64 // sessions refused while down
	cfg.BeforeConnect = func(context.Context, *pgx.ConnConfig) error {
		if down.Load() {
			refused.Add(1)
			return errors.New("test: the database is down")
		}
		return nil
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = "restart-test"
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	admin := pgtest.Pool(t, dsn)

	store := memory.New()
	pos := appendEvents(t, store, 50, 3, 0)
	rt := newRuntime(t, store, pool, projections.Config{LockCheck: 10 * time.Millisecond}, &sums{})
	start(t, rt)
	if err := rt.WaitFor(context.Background(), pos); err != nil {
		t.Fatal(err)
	}
	runningStatus(t, rt, "test_sums")

	// The database goes away: no new session, every session of the
	// runtime's pool (its lock session included) ended.
	down.Store(true)
	endSessions := func() {
		if _, err := admin.Exec(context.Background(), `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid()
			AND (application_name = 'restart-test' OR application_name LIKE 'backoffice pid=%')`); err != nil {
			t.Fatal(err)
		}
	}
	endSessions()
	// The runtime noticed: it keeps trying to take its lock again (each
	// try needs a session), which is when the old code said standby.
	eventually(t, "lock retries while the database is down", func() bool {
		endSessions()
		return refused.Load() >= 5
	})
	down.Store(false)

	st := runningStatus(t, rt, "test_sums")
	if !st.Local || st.Failures != 0 {
		t.Fatalf("after the database came back: %+v", st)
	}
	if err := rt.Ready(); err != nil {
		t.Fatalf("ready: %v", err)
	}
	// And it still projects.
	pos = appendEvents(t, store, 10, 3, 50)
	if err := rt.WaitFor(context.Background(), pos); err != nil {
		t.Fatal(err)
	}
	assertSums(t, pool, store)
}
