package api_test

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"backoffice/http/api"
	"backoffice/internal/apitest"
	"backoffice/internal/liveness"
	"backoffice/internal/pgtest"
)

// TestServerNeedsALivenessOfTheClaimClass: a shared liveness that does not
// lock ClaimLockClass would make every claim of this process look dead
// to the others (a retry would run the command again while the first
// still runs): refused.
func TestServerNeedsALivenessOfTheClaimClass(t *testing.T) {
	pool := pgtest.Pool(t, pgtest.NewDBFromTemplate(t, "api", apitest.Migrate))
	deps := api.Deps{Log: slog.New(slog.DiscardHandler), Pool: pool, Auth: apitest.Auth(apitest.Actors()), Wait: neverCaughtUp{}}
	deps.Liveness = liveness.Start(pool, api.ClaimLockClass+1)
	t.Cleanup(deps.Liveness.Close)
	if _, err := api.New(deps); err == nil || !strings.Contains(err.Error(), "ClaimLockClass") {
		t.Errorf("a liveness of another class: %v; want it refused", err)
	}
	deps.Liveness = liveness.Start(pool, api.ClaimLockClass+1, api.ClaimLockClass)
	t.Cleanup(deps.Liveness.Close)
	if _, err := api.New(deps); err != nil {
		t.Errorf("a liveness that holds the class among others: %v", err)
	}
}

// TestNoClaimWithoutALivenessLock: a claim names the process's liveness
// ID so that a retry can tell at once whether its process died. While the
// process holds none (before its first lock, or while a broken lock
// session is being replaced) the claim was stored with claimed_by NULL,
// which only the 3-minute stale period frees. A claim now waits, at most
// Deps.LivenessWait, for the lock: 503 unavailable and nothing stored when
// none comes, the claim naming the lock once it is held.
func TestNoClaimWithoutALivenessLock(t *testing.T) {
	ctx := t.Context()
	db := pgtest.NewDBFromTemplate(t, "api", apitest.Migrate)
	pool := pgtest.Pool(t, db)
	// The liveness session comes from a pool of one connection, which the
	// test holds: the holder cannot lock until the test lets go.
	livePool := pgtest.PoolOfSize(t, db, 1)
	block := func() (release func()) {
		c, err := livePool.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var once sync.Once
		release = func() { once.Do(c.Release) }
		t.Cleanup(release) // before the holder's Close, which waits for its Acquire
		return release
	}
	release := block()
	h := liveness.Start(livePool, api.ClaimLockClass)
	t.Cleanup(h.Close)

	p := &probe{pool: pool}
	serve := func(wait time.Duration) func(key string) apitest.Response {
		url := apitest.Serve(t, api.Deps{Log: slog.New(slog.DiscardHandler), Pool: pool, Auth: apitest.Auth(apitest.Actors()),
			Wait: apitest.NoWait{}, Features: []api.Feature{p}, Liveness: h, LivenessWait: wait})
		return func(key string) apitest.Response {
			return apitest.Request(t, http.MethodPost, url+"/probe", `{}`, apitest.ActorHeader, "worker1", "Idempotency-Key", key)
		}
	}
	short, long := serve(100*time.Millisecond), serve(time.Minute)
	claimedBy := func(key string) (id *int32, stored bool) {
		err := pool.QueryRow(ctx, `SELECT claimed_by FROM idempotency_keys WHERE key = $1`, key).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, false
		}
		if err != nil {
			t.Fatal(err)
		}
		return id, true
	}
	refused := func(what, key string) {
		t.Helper()
		r := short(key)
		if r.Status != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" || !strings.Contains(string(r.Body), `"code":"unavailable"`) {
			t.Errorf("%s: %d %s, want 503 unavailable with Retry-After", what, r.Status, r.Body)
		}
		if id, stored := claimedBy(key); stored {
			t.Errorf("%s: a claim was stored (claimed_by %v)", what, id)
		}
	}

	refused("before the first lock", "before")
	// A claim that waits gets the lock once it is taken.
	answer := make(chan apitest.Response, 1)
	go func() { answer <- long("waits") }()
	release()
	if r := <-answer; r.Status != http.StatusCreated {
		t.Fatalf("a claim waiting for the first lock: %d %s, want 201", r.Status, r.Body)
	}
	id, _ := h.Current()
	if got, _ := claimedBy("waits"); got == nil || *got != id {
		t.Errorf("the claim names %v, want the lock's ID %d", got, id)
	}

	// The lock's session breaks and its replacement cannot connect yet.
	release = block()
	if _, err := pool.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'
		AND classid = $1::int::oid AND objid = $2::int::oid AND objsubid = 2`, api.ClaimLockClass, id); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if now, _ := h.Current(); now == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the holder still names its ID after its session was ended")
		}
	}
	refused("while the session is replaced", "replaced")
	release()
	next, _ := h.WaitCurrent(ctx)
	if r := short("after"); r.Status != http.StatusCreated {
		t.Fatalf("after the new lock: %d %s, want 201", r.Status, r.Body)
	}
	if got, _ := claimedBy("after"); got == nil || *got != next || next == id {
		t.Errorf("the claim names %v, want the new lock's ID %d (old %d)", got, next, id)
	}
}
