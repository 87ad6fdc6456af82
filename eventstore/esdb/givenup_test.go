package esdb_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	clientesdb "github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"backoffice/eventstore"
	"backoffice/eventstore/esdb"
	"backoffice/internal/esdbfake"
)

// The tests below hold the adapter to what it does with a client it gives
// up (it closed itself, or a call got stuck in it): every call waiting in it
// is answered at once, and the client is closed once no call is inside it.
// CallTimeout is ten minutes where only the give-up may answer, and the
// test's context (30 s) catches a wait for it: nothing is timed.

// closes records the clients the store closed after giving them up.
type closes struct {
	mu      sync.Mutex
	clients []*clientesdb.Client
}

func (cl *closes) hook(c *clientesdb.Client) {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	cl.clients = append(cl.clients, c)
}

func (cl *closes) has(c *clientesdb.Client) bool {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	return slices.Contains(cl.clients, c)
}

func (cl *closes) list() []*clientesdb.Client {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	return append([]*clientesdb.Client(nil), cl.clients...)
}

// clientCode is the v4 client's code of err.
func clientCode(err error) clientesdb.ErrorCode {
	var e *clientesdb.Error
	if errors.As(err, &e) {
		return e.Code()
	}
	return clientesdb.ErrorCodeUnknown
}

// answered waits for a call's error; a call still waiting when the test's
// context ends fails the test.
func answered(t *testing.T, ctx context.Context, what string, errs <-chan error) error {
	t.Helper()
	select {
	case err := <-errs:
		return err
	case <-ctx.Done():
		t.Fatalf("%s still waits in a client the store gave up", what)
		return nil
	}
}

// TestCallInAClientThatClosedItself: a read waiting inside the shared
// client (the server never answers it, and the client's own deadline is
// ten minutes) is answered ErrUnavailable as soon as another call's failed
// discovery makes that client close itself, not after CallTimeout. The
// client is not closed while the read is inside it.
//
// The discovery runs inside a call when the client dropped its connection
// handle after an Unavailable answer to a call made just before (the
// adapter replaces a client after Unavailable, so only a call that took it
// before that can meet it); the test makes that answer with a call of its
// own on the client.
func TestCallInAClientThatClosedItself(t *testing.T) {
	ctx := testCtx(t)
	srv := esdbfake.Start(t)
	s, err := esdb.Open(ctx, esdb.Config{
		URL:         srv.URL() + "&maxDiscoverAttempts=3&discoveryInterval=10&defaultDeadline=600000",
		Logger:      quiet,
		CallTimeout: 10 * time.Minute,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	var closed closes
	s.HookRetiredClosedForTest(closed.hook)
	appendN(t, ctx, s, "timesheet-1", 1)

	reads := srv.Calls(esdbfake.MethodRead)
	srv.InjectFault(esdbfake.MethodRead, esdbfake.Fault{Hang: true})
	errs := make(chan error, 1)
	go func() {
		_, err := s.ReadStream(ctx, "timesheet-1", eventstore.ReadStreamOptions{})
		errs <- err
	}()
	waitFor(t, ctx, "the read to hang in the server", func() bool { return srv.Calls(esdbfake.MethodRead) > reads })

	// A call answered Unavailable: the client drops its connection handle.
	shared := s.SharedClientForTest()
	srv.InjectFault(esdbfake.MethodRead, esdbfake.Unavailable())
	rs, err := shared.ReadStream(ctx, "timesheet-1", clientesdb.ReadStreamOptions{}, 1)
	if err == nil {
		_, err = rs.Recv() // the answer comes with the first message
		rs.Close()
	}
	if code := clientCode(err); code != clientesdb.ErrorUnavailable {
		t.Fatalf("the client's own read = %v (code %v), want Unavailable", err, code)
	}
	// The node goes down: the next call rediscovers inside the client,
	// fails, and the client closes itself.
	srv.SetUnavailable(true)
	gen := s.ClientGeneration()
	if err := s.Ping(ctx); !errors.Is(err, eventstore.ErrUnavailable) {
		t.Fatalf("Ping while down = %v, want ErrUnavailable", err)
	}
	if err := answered(t, ctx, "the hanging read", errs); !errors.Is(err, eventstore.ErrUnavailable) {
		t.Fatalf("read waiting in the client that closed itself = %v, want ErrUnavailable", err)
	}
	if closed.has(shared) {
		t.Fatal("the client was closed while the read was still inside it")
	}

	srv.SetUnavailable(false)
	got, err := s.ReadStream(ctx, "timesheet-1", eventstore.ReadStreamOptions{})
	if err != nil || len(got) != 1 {
		t.Fatalf("read after recovery = %d events, %v", len(got), err)
	}
	if s.ClientGeneration() <= gen {
		t.Fatalf("client generation %d, want a new client after %d", s.ClientGeneration(), gen)
	}
	if closed.has(shared) {
		t.Fatal("the client was closed while the read was still inside it")
	}
}

// TestConnectGivenUpAnswersItsCaller: a connect to a node that accepts
// connections but never answers takes the client's discovery about 50 s
// here; after CallTimeout the client is given up and the caller, whose
// context is still live, is answered ErrUnavailable at once instead of
// waiting for the discovery or its context.
func TestConnectGivenUpAnswersItsCaller(t *testing.T) {
	url := silentNodeURL(t)
	s, err := esdb.New(esdb.Config{URL: url, Logger: quiet, CallTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	ctx := testCtx(t)
	errs := make(chan error, 1)
	go func() {
		_, err := s.ReadStream(ctx, "timesheet-1", eventstore.ReadStreamOptions{})
		errs <- err
	}()
	if err := answered(t, ctx, "the read whose connect was given up", errs); !errors.Is(err, eventstore.ErrUnavailable) {
		t.Fatalf("ReadStream = %v, want ErrUnavailable", err)
	}
}

// TestFreedStuckClientIsClosed: an append its caller left that is stuck in
// its exclusive client frees the client after CallTimeout (the next append
// runs on a new one); the old client is closed only when the stuck append
// has ended inside it, never under it.
func TestFreedStuckClientIsClosed(t *testing.T) {
	ctx := testCtx(t)
	s, srv := newFakeStore(t, esdb.Config{AppendClients: 1, CallTimeout: 300 * time.Millisecond})
	var closed closes
	s.HookRetiredClosedForTest(closed.hook)
	stuck := make(chan struct{})
	clients := make(chan *clientesdb.Client, 1)
	var calls atomic.Int32
	s.HookExclusiveCallsForTest(func(c *clientesdb.Client, _ context.Context) {
		if calls.Add(1) == 1 {
			clients <- c
			<-stuck
		}
	})
	callerCtx, cancel := context.WithCancel(ctx)
	errs := make(chan error, 1)
	first, second := ev(0), ev(1)
	go func() {
		_, err := s.Append(callerCtx, "timesheet-1", eventstore.NoStream(), first)
		errs <- err
	}()
	var old *clientesdb.Client
	select {
	case old = <-clients:
	case <-ctx.Done():
		t.Fatal("the first append never entered its client")
	}
	cancel()
	if err := <-errs; !errors.Is(err, context.Canceled) {
		t.Fatalf("Append whose caller cancelled = %v, want context.Canceled", err)
	}
	if _, err := s.Append(ctx, "timesheet-2", eventstore.NoStream(), second); err != nil {
		t.Fatalf("Append after the stuck one: %v", err)
	}
	if n := len(closed.list()); n != 0 {
		t.Fatalf("%d clients closed while the stuck append was still inside its client", n)
	}

	close(stuck) // the stuck append goes on in its old client and lands
	waitFor(t, ctx, "the freed client to be closed", func() bool { return len(closed.list()) == 1 })
	if got := closed.list()[0]; got != old {
		t.Fatalf("closed client %p, want the one the stuck append ran in (%p)", got, old)
	}
	wantTwoAppendsLanded(t, ctx, s, srv, first, second)
}

// TestUnavailableLeavesNoConnection: after an Unavailable answer the v4
// client (4.2.0) forgets its connection and discovers anew, leaving the old
// gRPC connection open for good. The adapter replaces such a client instead
// and closes it once no call is inside it, which closes that connection:
// repeated Unavailable answers leave no connections behind.
func TestUnavailableLeavesNoConnection(t *testing.T) {
	ctx := testCtx(t)
	s, srv := newFakeStore(t, esdb.Config{AppendClients: 1})
	appendN(t, ctx, s, "timesheet-1", 1)
	base := srv.OpenConnections()
	for range 3 {
		srv.InjectFault(esdbfake.MethodRead, esdbfake.Unavailable())
		if _, err := s.ReadStream(ctx, "timesheet-1", eventstore.ReadStreamOptions{}); err != nil {
			t.Fatalf("read after one Unavailable answer: %v", err)
		}
		srv.InjectFault(esdbfake.MethodRead, esdbfake.Unavailable()) // the append's read
		appendN(t, ctx, s, "timesheet-1", 1)
	}
	waitFor(t, ctx, "the replaced clients' connections to close", func() bool { return srv.OpenConnections() == base })
}
