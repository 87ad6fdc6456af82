package projections_test

// The projector runtime over the EventStoreDB adapter, through the real v4
// client against the in-process fake server (internal/esdbfake): the
// essential runtime tests, then the failure hooks (dropped subscription,
// consumer too slow, a client that closed itself while the node was down)
// while a runtime is live with a projector that refuses gaps and duplicates.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/eventstore"
	"backoffice/eventstore/esdb"
	"backoffice/internal/esdbfake"
	"backoffice/projections"
)

// esdbCtx bounds a test's waits (a hang fails the test; nothing is timed).
// It bounds all of a test's waits together, and TestESDBFailureHooks' and
// TestESDBKilledMidBatch's took 8-17 s under -race on the loaded 2-core
// machine: two minutes, like the package's eventually, only catches hangs.
func esdbCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// newESDBEnv is every ESDB test's start: a bounded context, the adapter on
// a fake server of its own and a read-model database.
func newESDBEnv(t *testing.T) (context.Context, *esdb.Store, *esdbfake.Server, *pgxpool.Pool) {
	t.Helper()
	ctx := esdbCtx(t)
	store, srv := newESDBStore(t)
	return ctx, store, srv, newPool(t)
}

// newESDBStore starts a fake EventStoreDB and opens the adapter on it. The
// client gives up discovery quickly (so it closes itself while the node is
// down) and the adapter resubscribes quickly.
func newESDBStore(t *testing.T) (*esdb.Store, *esdbfake.Server) {
	t.Helper()
	srv := esdbfake.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := esdb.Open(ctx, esdb.Config{
		URL:                   srv.URL() + "&maxDiscoverAttempts=3&discoveryInterval=10",
		Logger:                quietLogger(),
		ResubscribeMinBackoff: time.Millisecond,
		ResubscribeMaxBackoff: 20 * time.Millisecond,
		MaxSearchWindow:       4, // checkpoints while the filter skips system events
	})
	if err != nil {
		t.Fatalf("esdb.Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, srv
}

// appendChunks appends n events like appendEvents (same data, every 5th of
// an ignored type) but chunk consecutive events to one stream per call:
// each EventStoreDB append reads the stream first, so one event per call
// would make the tests slow. It returns the position of the last.
func appendChunks(t *testing.T, store eventstore.Store, n, streams, offset int) eventstore.Position {
	t.Helper()
	const chunk = 8
	ctx := context.Background()
	var last eventstore.Position
	for i := 0; i < n; i += chunk {
		var evs []eventstore.EventData
		for k := offset + i; k < offset+min(i+chunk, n); k++ {
			evs = append(evs, esdbTestEvent(k))
		}
		res, err := store.Append(ctx, fmt.Sprintf("s-%d", ((offset+i)/chunk)%streams), eventstore.Any(), evs...)
		if err != nil {
			t.Fatal(err)
		}
		last = res.Position
	}
	return last
}

func esdbTestEvent(k int) eventstore.EventData {
	typ := "test.added"
	if k%5 == 4 {
		typ = "test.ignored"
	}
	data, _ := json.Marshal(added{N: int64(k)})
	return eventstore.EventData{ID: uuid.New(), Type: typ, Data: data, Metadata: eventstore.Metadata{OccurredAt: time.Now()}}
}

func waitForPos(t *testing.T, ctx context.Context, rt *projections.Runtime, pos eventstore.Position, names ...string) {
	t.Helper()
	if err := rt.WaitFor(ctx, pos, names...); err != nil {
		t.Fatalf("WaitFor(%s): %v", pos, err)
	}
}

func TestESDBCatchUpThenLive(t *testing.T) {
	for _, routerCatchUp := range []bool{false, true} {
		t.Run(fmt.Sprintf("RouterCatchUp=%v", routerCatchUp), func(t *testing.T) {
			ctx, store, srv, pool := newESDBEnv(t)
			appendChunks(t, store, 300, 7, 0)
			srv.AppendSystemEvent("$stats-127.0.0.1:2113", "$statsCollected")
			appendChunks(t, store, 100, 7, 300)
			rt := newRuntime(t, store, pool, projections.Config{BatchSize: 64, RouterCatchUp: routerCatchUp}, &sums{})
			start(t, rt)
			head, err := store.HeadPosition(ctx)
			if err != nil {
				t.Fatal(err)
			}
			waitForPos(t, ctx, rt, head)
			assertSums(t, pool, store)

			srv.AppendSystemEvent("$stats-127.0.0.1:2113", "$statsCollected")
			pos := appendChunks(t, store, 30, 7, 400)
			waitForPos(t, ctx, rt, pos, "test_sums")
			assertSums(t, pool, store)
			st := runningStatus(t, rt, "test_sums")
			if !st.Local || st.Checkpoint != pos || st.Head != pos || st.Behind || st.Lag != 0 || st.State != projections.StateRunning {
				t.Fatalf("status %+v, want running at %s", st, pos)
			}
			if err := rt.Ready(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestESDBResumesFromCheckpoint(t *testing.T) {
	ctx, store, _, pool := newESDBEnv(t)
	pos := appendChunks(t, store, 200, 5, 0)
	rt := newRuntime(t, store, pool, projections.Config{}, &sums{})
	stop := start(t, rt)
	waitForPos(t, ctx, rt, pos)
	stop()

	last := appendChunks(t, store, 50, 5, 200)
	next, err := store.ReadAll(ctx, pos, 1)
	if err != nil || len(next) != 1 {
		t.Fatalf("ReadAll after %s: %v, %v", pos, next, err)
	}
	p := newResumeProbe()
	rt2 := newRuntime(t, store, pool, projections.Config{}, p)
	start(t, rt2)
	waitForPos(t, ctx, rt2, last)
	assertSums(t, pool, store)
	p.assertResumedAt(t, 50, next[0].Position)
}

func TestESDBRebuild(t *testing.T) {
	ctx, store, srv, pool := newESDBEnv(t)
	appendChunks(t, store, 200, 4, 0)
	srv.AppendSystemEvent("$stats-127.0.0.1:2113", "$statsCollected")
	pos := appendChunks(t, store, 200, 4, 200)
	rt := newRuntime(t, store, pool, projections.Config{BatchSize: 100}, &sums{})

	// Without Run: takes the lock itself.
	var last [2]int
	if err := rt.Rebuild(ctx, "test_sums", func(done, total int) { last = [2]int{done, total} }); err != nil {
		t.Fatal(err)
	}
	if last != [2]int{400, 400} {
		t.Fatalf("progress ended at %v, want [400 400] (system events are not counted)", last)
	}
	assertSums(t, pool, store)

	// While running: damage the read model, rebuild, it is whole again and
	// the projector goes on live.
	start(t, rt)
	waitForPos(t, ctx, rt, pos)
	if _, err := pool.Exec(ctx, `UPDATE sums SET total = -1`); err != nil {
		t.Fatal(err)
	}
	if err := rt.Rebuild(ctx, "test_sums", nil); err != nil {
		t.Fatal(err)
	}
	assertSums(t, pool, store)
	pos = appendChunks(t, store, 10, 4, 400)
	waitForPos(t, ctx, rt, pos)
	assertSums(t, pool, store)
}

func TestESDBLockTakeover(t *testing.T) {
	ctx, store, _, pool := newESDBEnv(t)
	pos := appendChunks(t, store, 200, 4, 0)
	a := newRuntime(t, store, pool, projections.Config{BatchSize: 64}, &sums{})
	b := newRuntime(t, store, pool, projections.Config{BatchSize: 64}, &sums{})
	stopA := start(t, a)
	waitForPos(t, ctx, a, pos)
	start(t, b)
	eventually(t, "b in standby", func() bool { return status(t, b, "test_sums").State == projections.StateStandby })
	pos = appendChunks(t, store, 50, 4, 200)
	waitForPos(t, ctx, b, pos) // through the checkpoint table
	stopA()
	eventually(t, "b takes over", func() bool { return status(t, b, "test_sums").Local })
	pos = appendChunks(t, store, 50, 4, 250)
	waitForPos(t, ctx, b, pos)
	assertSums(t, pool, store)
}

// TestESDBKilledMidBatch cancels the runtime at random events (inside an
// open batch transaction) or, when that event never comes, once it caught
// up; events keep arriving. The read model must equal a clean rebuild and
// the fold of the log.
func TestESDBKilledMidBatch(t *testing.T) {
	ctx, store, srv, pool := newESDBEnv(t)
	appendChunks(t, store, 600, 13, 0)
	next := 600
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(2, seed))
	for i := 0; i < 10; i++ {
		run := startKillable(t, store, pool, rng.Int64N(300)+1,
			projections.Config{BatchSize: 1 + rng.IntN(200), RouterCatchUp: i%2 == 1})
		if i%3 == 0 {
			srv.AppendSystemEvent("$stats-127.0.0.1:2113", "$statsCollected")
			appendChunks(t, store, 40, 13, next)
			next += 40
		}
		head, err := store.HeadPosition(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// Either the hook kills the run first (WaitFor then ends with
		// the cancelled context) or the run catches up and is killed here.
		waitCtx, waitCancel := context.WithTimeout(run.ctx, time.Minute)
		err = run.rt.WaitFor(waitCtx, head)
		waitCancel()
		if err != nil && run.ctx.Err() == nil {
			sts, serr := run.rt.Status(context.Background())
			t.Fatalf("iteration %d: WaitFor(%s): %v; status %+v %v", i, head, err, sts, serr)
		}
		run.cancel()
		if err := <-run.done; err != nil {
			t.Fatalf("iteration %d: Run: %v", i, err)
		}
	}
	assertKillsLeftNoTrace(t, ctx, store, pool)
}

// esdbSeeAll is the order-checking sums projector that is offered every event
// type, so any system event that got through would reach it: it counts
// those (and leaves them out of the read model).
type esdbSeeAll struct {
	sums
	system atomic.Int64
}

func (p *esdbSeeAll) Handles(string) bool { return true }

func (p *esdbSeeAll) Handle(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent) error {
	if strings.HasPrefix(e.Type, "$") || strings.HasPrefix(e.Stream, "$") {
		p.system.Add(1)
		return nil
	}
	return p.sums.Handle(ctx, tx, e)
}

// esdbGate pauses the projector inside Handle (a batch transaction open, the
// feed reading ahead) at the n-th event handled from now on.
type esdbGate struct {
	handled atomic.Int64
	at      atomic.Int64 // 0: do not stop
	paused  chan struct{}
	resume  chan struct{}
}

func newESDBGate() *esdbGate {
	return &esdbGate{paused: make(chan struct{}, 1), resume: make(chan struct{})}
}

func (g *esdbGate) hook(ctx context.Context, _ eventstore.RecordedEvent) error {
	n := g.handled.Add(1)
	if at := g.at.Load(); at != 0 && n == at {
		g.at.Store(0)
		g.paused <- struct{}{}
		select {
		case <-g.resume:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// pauseAfter arms the gate for the n-th event handled from now on.
func (g *esdbGate) pauseAfter(n int64) { g.at.Store(g.handled.Load() + n) }

func (g *esdbGate) waitPaused(t *testing.T, ctx context.Context) {
	t.Helper()
	select {
	case <-g.paused:
	case <-ctx.Done():
		t.Fatal("the projector never reached the gate")
	}
}

func (g *esdbGate) release() { g.resume <- struct{}{} }

// esdbLedger appends like appendEvents and folds what it appended, so the read
// model is compared with what was written, not with what the store reads
// back.
type esdbLedger struct {
	store eventstore.Store
	want  map[string]sumRow
	next  int
}

func (l *esdbLedger) append(t *testing.T, ctx context.Context, n, streams int) eventstore.Position {
	t.Helper()
	const chunk = 4
	var last eventstore.Position
	for n > 0 {
		c := min(chunk, n)
		stream := fmt.Sprintf("s-%d", (l.next/chunk)%streams)
		var evs []eventstore.EventData
		for k := l.next; k < l.next+c; k++ {
			evs = append(evs, esdbTestEvent(k))
		}
		res, err := l.store.Append(ctx, stream, eventstore.Any(), evs...)
		if err != nil {
			t.Fatalf("append %d..%d: %v", l.next, l.next+c-1, err)
		}
		r, ok := l.want[stream]
		for i, e := range evs {
			if ok || i > 0 {
				r.LastRev++
			}
			r.N++
			if e.Type == "test.added" {
				r.Total += int64(l.next + i)
			}
		}
		if res.NextExpectedRevision != uint64(r.LastRev) {
			t.Fatalf("append to %s ended at revision %d, want %d", stream, res.NextExpectedRevision, r.LastRev)
		}
		l.want[stream] = r
		l.next += c
		n -= c
		last = res.Position
	}
	return last
}

func (l *esdbLedger) check(t *testing.T, pool *pgxpool.Pool, p *esdbSeeAll, round string) {
	t.Helper()
	if got := readSums(t, pool); !maps.Equal(got, l.want) {
		t.Fatalf("%s: read model differs from what was appended:\n got %v\nwant %v", round, got, l.want)
	}
	if got := expectedSums(t, l.store); !maps.Equal(got, l.want) {
		t.Fatalf("%s: ReadAll folds to %v, appended %v", round, got, l.want)
	}
	if n := p.system.Load(); n != 0 {
		t.Fatalf("%s: %d system events reached the projector", round, n)
	}
}

// TestESDBFailureHooks runs a live runtime over the adapter while the
// server drops its subscription, says the consumer is too slow, and goes
// away long enough for the client to close itself; after each round the
// read model equals the fold of everything appended: nothing lost, nothing
// applied twice (the projector refuses gaps and repeats per stream).
func TestESDBFailureHooks(t *testing.T) {
	for _, routerCatchUp := range []bool{false, true} {
		t.Run(fmt.Sprintf("RouterCatchUp=%v", routerCatchUp), func(t *testing.T) {
			testESDBFailureHooks(t, routerCatchUp)
		})
	}
}

func testESDBFailureHooks(t *testing.T, routerCatchUp bool) {
	ctx, store, srv, pool := newESDBEnv(t)
	l := &esdbLedger{store: store, want: map[string]sumRow{}}
	sys := func(n int) {
		for range n {
			srv.AppendSystemEvent("$stats-127.0.0.1:2113", "$statsCollected")
		}
	}

	// A backlog with system events in it.
	l.append(t, ctx, 100, 7)
	sys(9)
	l.append(t, ctx, 50, 7)
	g := newESDBGate()
	p := &esdbSeeAll{sums: sums{name: "esdb_sums", hook: g.hook}}
	rt := newRuntime(t, store, pool, projections.Config{BatchSize: 16, RouterCatchUp: routerCatchUp}, p)
	start(t, rt)
	pos := l.append(t, ctx, 10, 7)
	waitForPos(t, ctx, rt, pos)
	l.check(t, pool, p, "catch-up")

	live := func() {
		t.Helper()
		eventually(t, "a live subscription", func() bool { return srv.Subscriptions() == 1 })
	}

	// Each round stops the projector inside a batch, breaks the feed while
	// it holds events read ahead, appends more, and lets it go on.
	rounds := []struct {
		name  string
		fault func(t *testing.T)
	}{
		{"DropSubscriptions", func(t *testing.T) {
			if n := srv.DropSubscriptions(); n != 1 {
				t.Fatalf("dropped %d subscriptions, want 1", n)
			}
		}},
		{"ConsumerTooSlow", func(t *testing.T) {
			if n := srv.ConsumerTooSlow(); n != 1 {
				t.Fatalf("dropped %d subscriptions, want 1", n)
			}
		}},
		{"ResubscribeRefused", func(t *testing.T) {
			for range 3 {
				srv.InjectFault(esdbfake.MethodSubscribe, esdbfake.Unavailable())
			}
			subs := srv.Calls(esdbfake.MethodSubscribe)
			srv.DropSubscriptions()
			eventually(t, "the refused resubscriptions", func() bool { return srv.Calls(esdbfake.MethodSubscribe) >= subs+4 })
		}},
		{"ClientClosedItself", func(t *testing.T) {
			// The node goes down: the subscription drops, resubscribing
			// fails, and an append fails discovery, which closes the v4
			// client for good; the adapter must build a new one.
			srv.SetUnavailable(true)
			features := srv.Calls(esdbfake.MethodFeatures)
			srv.DropSubscriptions()
			_, err := store.Append(ctx, "s-0", eventstore.Any(), eventstore.EventData{
				ID: uuid.New(), Type: "test.added", Data: json.RawMessage(`{"n":1000000}`),
			})
			if !errors.Is(err, eventstore.ErrUnavailable) {
				t.Fatalf("append while the node is down = %v, want ErrUnavailable", err)
			}
			// The feed keeps trying to resubscribe: every attempt
			// rediscovers the node (its client closed itself after the
			// failed discovery) and fails before subscribing.
			eventually(t, "repeated failed discovery", func() bool {
				return srv.Calls(esdbfake.MethodFeatures) >= features+6
			})
			srv.SetUnavailable(false)
		}},
	}
	for i, r := range rounds {
		live()
		sys(3)
		g.pauseAfter(5)
		l.append(t, ctx, 20, 7)
		g.waitPaused(t, ctx)
		r.fault(t)
		sys(2)
		g.release()
		l.append(t, ctx, 20, 7)
		sys(1)
		pos = l.append(t, ctx, 5, 7)
		waitForPos(t, ctx, rt, pos)
		l.check(t, pool, p, fmt.Sprintf("round %d (%s, paused)", i, r.name))

		// The same fault while idle and live.
		live()
		r.fault(t)
		pos = l.append(t, ctx, 15, 7)
		waitForPos(t, ctx, rt, pos)
		l.check(t, pool, p, fmt.Sprintf("round %d (%s, idle)", i, r.name))
	}

	st := runningStatus(t, rt, "esdb_sums")
	if !st.Local || st.Checkpoint != pos || st.State != projections.StateRunning || st.Lag != 0 {
		t.Fatalf("status %+v, want running at %s", st, pos)
	}
	// A clean rebuild agrees.
	if err := rt.Rebuild(ctx, "esdb_sums", nil); err != nil {
		t.Fatal(err)
	}
	l.check(t, pool, p, "rebuilt")
}
