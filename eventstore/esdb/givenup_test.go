package esdb_test

import (
	"context"
	"errors"
	"net"
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

func (cl *closes) list() []*clientesdb.Client {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	return append([]*clientesdb.Client(nil), cl.clients...)
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
// client is not closed while the read is inside it. (That read never
// leaves: when its stream finally fails, the library hands the error to
// the client's dead connection loop and blocks for good; the client stays
// open, as closing it would make that send panic.)
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
	s.HookGivenUpClosedForTest(closed.hook)
	appendN(t, ctx, s, "timesheet-1", 1)

	reads := srv.Calls(esdbfake.MethodRead)
	srv.InjectFault(esdbfake.MethodRead, esdbfake.Fault{Hang: true})
	errs := make(chan error, 1)
	go func() {
		_, err := s.ReadStream(ctx, "timesheet-1", eventstore.ReadStreamOptions{})
		errs <- err
	}()
	waitFor(t, ctx, "the read to hang in the server", func() bool { return srv.Calls(esdbfake.MethodRead) > reads })

	// The node goes down: the next call on the shared client is refused,
	// rediscovery fails and the client closes itself.
	srv.SetUnavailable(true)
	gen := s.ClientGeneration()
	if err := s.Ping(ctx); !errors.Is(err, eventstore.ErrUnavailable) {
		t.Fatalf("Ping while down = %v, want ErrUnavailable", err)
	}
	if err := answered(t, ctx, "the hanging read", errs); !errors.Is(err, eventstore.ErrUnavailable) {
		t.Fatalf("read waiting in the client that closed itself = %v, want ErrUnavailable", err)
	}
	if n := len(closed.list()); n != 0 {
		t.Fatalf("%d clients closed while the read was still inside its client", n)
	}

	srv.SetUnavailable(false)
	got, err := s.ReadStream(ctx, "timesheet-1", eventstore.ReadStreamOptions{})
	if err != nil || len(got) != 1 {
		t.Fatalf("read after recovery = %d events, %v", len(got), err)
	}
	if s.ClientGeneration() <= gen {
		t.Fatalf("client generation %d, want a new client after %d", s.ClientGeneration(), gen)
	}
	if n := len(closed.list()); n != 0 {
		t.Fatalf("%d clients closed while the read was still inside its client", n)
	}
}

// TestConnectGivenUpAnswersItsCaller: a connect to a node that accepts
// connections but never answers takes the client's discovery about 50 s
// here; after CallTimeout the client is given up and the caller, whose
// context is still live, is answered ErrUnavailable at once instead of
// waiting for the discovery or its context.
func TestConnectGivenUpAnswersItsCaller(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer lis.Close()
	go func() {
		for {
			c, err := lis.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, never answered
		}
	}()
	url := "esdb://" + lis.Addr().String() + "?tls=false&maxDiscoverAttempts=10&gossipTimeout=5&discoveryInterval=100"
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
	s.HookGivenUpClosedForTest(closed.hook)
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
	wantStream(t, ctx, s, "timesheet-1", []eventstore.EventData{first})
	wantStream(t, ctx, s, "timesheet-2", []eventstore.EventData{second})
	if srv.EventCount() != 2 {
		t.Fatalf("server holds %d events, want 2", srv.EventCount())
	}
}
