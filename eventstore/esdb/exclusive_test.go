package esdb_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	clientesdb "github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"backoffice/eventstore"
	"backoffice/eventstore/esdb"
	"backoffice/internal/esdbfake"
)

// The tests below hold the adapter to the two rules that keep the v4
// client's header/trailer race out (see exclusive.go): a call that sends
// on a stream has its client to itself, and its stream does not end with
// the caller's context.

// inside counts the exclusive calls inside each client; it reports a client
// used by two of them at once, or more calls inside than clients.
type inside struct {
	t      *testing.T
	limit  int
	mu     sync.Mutex
	count  map[*clientesdb.Client]int
	total  int
	seen   map[*clientesdb.Client]bool
	hold   chan struct{} // calls wait here until it is closed
	enters chan *clientesdb.Client
	ctxs   chan context.Context
}

func newInside(t *testing.T, limit int) *inside {
	return &inside{t: t, limit: limit, count: map[*clientesdb.Client]int{}, seen: map[*clientesdb.Client]bool{},
		hold: make(chan struct{}), enters: make(chan *clientesdb.Client, 64), ctxs: make(chan context.Context, 64)}
}

func (in *inside) hook(c *clientesdb.Client, ctx context.Context) {
	in.mu.Lock()
	in.count[c]++
	in.total++
	in.seen[c] = true
	if in.count[c] > 1 {
		in.t.Errorf("two exclusive calls inside client %p at once", c)
	}
	if in.total > in.limit {
		in.t.Errorf("%d exclusive calls inside the clients at once, AppendClients is %d", in.total, in.limit)
	}
	in.mu.Unlock()
	in.enters <- c
	in.ctxs <- ctx
	<-in.hold
	in.mu.Lock()
	in.count[c]--
	in.total--
	in.mu.Unlock()
}

// next waits for the next call to enter and returns its client and context.
func (in *inside) next(ctx context.Context) (*clientesdb.Client, context.Context) {
	in.t.Helper()
	select {
	case c := <-in.enters:
		return c, <-in.ctxs
	case <-ctx.Done():
		in.t.Fatal("gave up waiting for an exclusive call to enter its client")
		return nil, nil
	}
}

// TestAppendsNeverShareAClient: concurrent appends run on different
// clients, at most AppendClients at once; one more waits for a client.
func TestAppendsNeverShareAClient(t *testing.T) {
	ctx := testCtx(t)
	const clients = 3
	s, srv := newFakeStore(t, esdb.Config{AppendClients: clients})
	in := newInside(t, clients)
	s.HookExclusiveCallsForTest(in.hook)

	const appends = 3 * clients
	errs := make(chan error, appends)
	for i := range appends {
		go func() {
			_, err := s.Append(ctx, fmt.Sprintf("timesheet-%d", i), eventstore.NoStream(), ev(i))
			errs <- err
		}()
	}
	held := map[*clientesdb.Client]bool{}
	for range clients {
		c, _ := in.next(ctx)
		held[c] = true
	}
	if len(held) != clients {
		t.Fatalf("%d appends inside the client at once used %d clients, want one each", clients, len(held))
	}
	close(in.hold)
	for range appends {
		if err := <-errs; err != nil {
			t.Fatalf("Append: %v", err)
		}
	}
	if srv.EventCount() != appends {
		t.Fatalf("server holds %d events, want %d", srv.EventCount(), appends)
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if len(in.seen) > clients {
		t.Fatalf("appends used %d clients, want at most %d", len(in.seen), clients)
	}
}

// TestAppendOutlivesItsCaller: the caller's cancel answers it at once but
// does not reach the append inside the client, which goes on and lands;
// its client is not used by another append before it has ended.
func TestAppendOutlivesItsCaller(t *testing.T) {
	ctx := testCtx(t)
	s, srv := newFakeStore(t, esdb.Config{AppendClients: 1})
	in := newInside(t, 1)
	s.HookExclusiveCallsForTest(in.hook)

	callerCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	first, second := ev(0), ev(1)
	errs := make(chan error, 2)
	go func() {
		_, err := s.Append(callerCtx, "timesheet-1", eventstore.NoStream(), first)
		errs <- err
	}()
	_, clientCtx := in.next(ctx)
	cancel()
	if err := <-errs; !errors.Is(err, context.Canceled) {
		t.Fatalf("Append whose caller cancelled = %v, want context.Canceled", err)
	}
	if err := clientCtx.Err(); err != nil {
		t.Fatalf("the client's context ended with the caller's: %v", err)
	}
	go func() {
		_, err := s.Append(ctx, "timesheet-2", eventstore.NoStream(), second)
		errs <- err
	}()
	close(in.hold)
	if err := <-errs; err != nil {
		t.Fatalf("second Append: %v", err)
	}
	// The first append went on after its caller left.
	wantTwoAppendsLanded(t, ctx, s, srv, first, second)
}

// TestSubscriptionStartOutlivesItsCaller: a subscription start whose
// caller gives up goes on inside its client and closes the subscription as
// soon as it exists, so none is left open on the server.
func TestSubscriptionStartOutlivesItsCaller(t *testing.T) {
	ctx := testCtx(t)
	s, srv := newFakeStore(t, esdb.Config{AppendClients: 1})
	appendN(t, ctx, s, "timesheet-1", 2)
	in := newInside(t, 1)
	s.HookExclusiveCallsForTest(in.hook)

	callerCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, 2)
	go func() {
		sub, err := s.SubscribeAll(callerCtx, eventstore.Start)
		if err == nil {
			sub.Close()
		}
		errs <- err
	}()
	_, clientCtx := in.next(ctx)
	cancel()
	if err := <-errs; !errors.Is(err, context.Canceled) {
		t.Fatalf("SubscribeAll whose caller cancelled = %v, want context.Canceled", err)
	}
	if err := clientCtx.Err(); err != nil {
		t.Fatalf("the client's context ended with the caller's: %v", err)
	}
	close(in.hold)
	// With one exclusive client, this append runs after the abandoned start
	// has ended, and so after it closed the subscription it started.
	appendN(t, ctx, s, "timesheet-1", 1)
	if srv.Calls(esdbfake.MethodSubscribe) != 1 {
		t.Fatalf("server saw %d subscribe calls, want the abandoned one", srv.Calls(esdbfake.MethodSubscribe))
	}
	waitFor(t, ctx, "the abandoned subscription to close", func() bool { return srv.Subscriptions() == 0 })

	// A subscription that starts normally works and ends with its context.
	subCtx, stop := context.WithCancel(ctx)
	sub, err := s.SubscribeAll(subCtx, eventstore.Start)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	recvEvents(t, ctx, sub, 3)
	waitFor(t, ctx, "a live subscription", func() bool { return srv.Subscriptions() == 1 })
	stop()
	waitFor(t, ctx, "the subscription to end with its context", func() bool { return srv.Subscriptions() == 0 })
}

// TestAbandonedStuckAppendFreesItsClient: an append its caller left that
// then never ends inside the client (the client can block for good) holds
// its exclusive client only until CallTimeout; then the client is given up
// and the next append runs on a new one.
func TestAbandonedStuckAppendFreesItsClient(t *testing.T) {
	ctx := testCtx(t)
	s, srv := newFakeStore(t, esdb.Config{AppendClients: 1, CallTimeout: 300 * time.Millisecond})
	stuck, entered := make(chan struct{}), make(chan struct{})
	defer close(stuck)
	var calls atomic.Int32
	s.HookExclusiveCallsForTest(func(*clientesdb.Client, context.Context) {
		if calls.Add(1) == 1 {
			close(entered)
			<-stuck
		}
	})
	callerCtx, cancel := context.WithCancel(ctx)
	errs := make(chan error, 1)
	go func() {
		_, err := s.Append(callerCtx, "timesheet-1", eventstore.NoStream(), ev(0))
		errs <- err
	}()
	select {
	case <-entered:
	case <-ctx.Done():
		t.Fatal("the first append never entered its client")
	}
	gen := s.ClientGeneration()
	cancel()
	if err := <-errs; !errors.Is(err, context.Canceled) {
		t.Fatalf("Append whose caller cancelled = %v, want context.Canceled", err)
	}
	e := ev(1)
	if _, err := s.Append(ctx, "timesheet-2", eventstore.NoStream(), e); err != nil {
		t.Fatalf("Append after the stuck one: %v", err)
	}
	if s.ClientGeneration() <= gen {
		t.Fatalf("client generation %d, want a new client after %d", s.ClientGeneration(), gen)
	}
	if srv.EventCount() != 1 {
		t.Fatalf("server holds %d events, want only the second append's", srv.EventCount())
	}
}

// wantTwoAppendsLanded: the append to timesheet-1 (first) and the one to
// timesheet-2 (second) each landed once, and the server holds nothing else.
func wantTwoAppendsLanded(t *testing.T, ctx context.Context, s eventstore.Store, srv *esdbfake.Server, first, second eventstore.EventData) {
	t.Helper()
	wantStream(t, ctx, s, "timesheet-1", []eventstore.EventData{first})
	wantStream(t, ctx, s, "timesheet-2", []eventstore.EventData{second})
	if srv.EventCount() != 2 {
		t.Fatalf("server holds %d events, want 2", srv.EventCount())
	}
}
