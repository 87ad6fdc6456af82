// Package esdb is the event store port implemented on EventStoreDB through
// the official v4 gRPC client (github.com/EventStore/EventStore-Client-Go/v4).
//
// Positions are EventStoreDB's (commit, prepare) pair. Every append goes out
// with an explicit expected revision (Any and StreamExists are resolved to the
// stream's current revision first) because EventStoreDB keeps idempotency for
// "any" only in a memory cache; repeats of the same event IDs are recognised by
// reading the stream. Subscriptions to $all use the server-side filter that
// excludes system events, pass its checkpoints on, and resubscribe with
// back-off from the last delivered position when they drop.
//
// The v4 client closes itself for good when it fails to discover a node; the
// Store notices (ErrorCodeConnectionClosed, a failed connect, or a discovery
// failed inside a call), builds a new client for the next call and answers
// every call still waiting in the dead one at once. The first call on a
// (re)connecting client is made alone, so no caller queues on a client that
// is about to die. After Unavailable the client is replaced too: the v4
// client would rediscover and leave its old connection open. A client the
// Store stops using is closed once no call is inside it.
//
// Appends and subscription starts run on clients of their own, one call at
// a time, with a context their caller cannot end: the v4 client races with
// gRPC when a stream it is sending on is aborted (see exclusive.go).
package esdb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"google.golang.org/grpc/metadata"

	"backoffice/eventstore"
)

// Config configures a Store. Only URL is required.
type Config struct {
	// URL is an EventStoreDB connection string, e.g.
	// "esdb://admin:changeit@node1:2113,node2:2113,node3:2113?tlsCAFile=ca.crt"
	// or "esdb://127.0.0.1:2113?tls=false" for a single insecure node.
	URL string
	// Logger receives the client's log lines (which otherwise go to stdout)
	// and the adapter's own. Default slog.Default().
	Logger *slog.Logger
	// ResubscribeMinBackoff and ResubscribeMaxBackoff bound the wait between
	// attempts to resubscribe a dropped subscription (doubling). Defaults
	// 100ms and 5s.
	ResubscribeMinBackoff time.Duration
	ResubscribeMaxBackoff time.Duration
	// ResubscribeAttempts caps consecutive failed resubscriptions before
	// Recv returns the error; 0 retries until the context ends.
	ResubscribeAttempts int
	// MaxSearchWindow and CheckpointInterval tune the filtered subscription:
	// the server sends a checkpoint every MaxSearchWindow*CheckpointInterval
	// scanned events. Defaults 32 and 1 (the client's).
	MaxSearchWindow    int
	CheckpointInterval int
	// NotLeaderRetries is how often a call is repeated after a not-leader
	// answer or a connection the client closed to move to the leader, with
	// a short back-off (10 ms doubling, at most 500 ms). Default 8.
	NotLeaderRetries int
	// AppendRetries bounds the read-and-retry loop of appends with Any or
	// StreamExists under contention. Default 32.
	AppendRetries int
	// AmbiguousRetries bounds how often an append whose outcome is unknown
	// (timed out, connection lost after sending) is resolved by reading the
	// stream and, when its events are not there, sent again. Default 5.
	AmbiguousRetries int
	// CallTimeout bounds one call inside the client (and a connect): the
	// v4 client can block for good on its internal channel after a failed
	// discovery. A call past it answers eventstore.ErrUnavailable and the
	// client is replaced. Default 15s; it must exceed the longest read.
	CallTimeout time.Duration
	// MaxAppendSize is the server's MaxAppendSize in bytes (EventStoreDB
	// default 1 MiB), counted as the server does: data + metadata + two
	// bytes per character of the type, summed over the append. A larger
	// append is refused with eventstore.ErrAppendTooLarge before it is sent.
	MaxAppendSize int
	// AppendClients is the number of clients kept for appends and
	// subscription starts, each used by one such call at a time (see
	// exclusive.go); more concurrent appends wait for an idle one. Each
	// holds a connection of its own. Default 8.
	AppendClients int
}

func (c *Config) withDefaults() Config {
	out := *c
	if out.Logger == nil {
		out.Logger = slog.Default()
	}
	if out.ResubscribeMinBackoff <= 0 {
		out.ResubscribeMinBackoff = 100 * time.Millisecond
	}
	if out.ResubscribeMaxBackoff < out.ResubscribeMinBackoff {
		out.ResubscribeMaxBackoff = max(5*time.Second, out.ResubscribeMinBackoff)
	}
	if out.MaxSearchWindow <= 0 {
		out.MaxSearchWindow = 32
	}
	if out.CheckpointInterval <= 0 {
		out.CheckpointInterval = 1
	}
	if out.NotLeaderRetries <= 0 {
		out.NotLeaderRetries = 8
	}
	if out.AppendRetries <= 0 {
		out.AppendRetries = 32
	}
	if out.AmbiguousRetries <= 0 {
		out.AmbiguousRetries = 5
	}
	if out.CallTimeout <= 0 {
		out.CallTimeout = 15 * time.Second
	}
	if out.MaxAppendSize <= 0 {
		out.MaxAppendSize = 1 << 20
	}
	if out.AppendClients <= 0 {
		out.AppendClients = 8
	}
	return out
}

// Store is the EventStoreDB adapter. It is safe for concurrent use.
type Store struct {
	cfg  Config
	conf esdb.Configuration // template; every client gets a copy
	log  *slog.Logger

	mu        sync.Mutex    // guards every slot's fields, built and closed
	shared    *slot         // reads, pings and the reads inside an append
	exclusive []*slot       // clients for one call at a time (see exclusive.go)
	idle      []*slot       // the exclusive clients not in use, last used on top
	idleSlots chan struct{} // one token per client in idle
	built     uint64        // clients built so far (a slot's gen is its client's number)
	closed    bool

	foreignSkipped atomic.Uint64 // events of other applications skipped in $all

	inflightMu sync.Mutex
	inflight   int           // calls running inside a client (see call)
	drained    chan struct{} // closed when inflight drops to 0, if awaited

	// beforeExclusive, when set (tests only), runs inside an exclusive
	// call with its client and the context the client gets.
	beforeExclusive func(*esdb.Client, context.Context)
	// afterRetiredClosed, when set (tests only), runs after a client that
	// was retired has been closed.
	afterRetiredClosed func(*esdb.Client)

	ctx    context.Context // ends on Close; parents every subscription
	cancel context.CancelFunc
}

// slot is one client of the Store and its connection state. Its fields are
// guarded by Store.mu.
type slot struct {
	cur   *clientRef // nil until the next call builds one
	ready bool       // cur has a working connection

	connect chan struct{} // one-slot semaphore: one caller (re)connects at a time
}

// clientRef is one client the Store built. Once retired (see retire) no
// slot hands it out again and it is closed as soon as no call or connect is
// inside it (users): closing it under a call that is sending is what the
// client races on (see exclusive.go). Once given up as broken (see giveUp)
// every call still waiting in it is answered at once (dead). c and dead
// never change; the rest is guarded by Store.mu.
type clientRef struct {
	c       *esdb.Client
	dead    chan struct{} // closed when c is given up
	users   int           // calls and connects running inside c
	retired bool          // no slot's any more: closed when users drops to 0
	given   bool          // dead is closed
	closed  bool
}

func newSlot() *slot { return &slot{connect: make(chan struct{}, 1)} }

var _ eventstore.Store = (*Store)(nil)

// New checks the configuration and returns a Store without contacting the
// server; the first call connects. Use Open to fail at start-up instead.
func New(cfg Config) (*Store, error) {
	cfg = cfg.withDefaults()
	if strings.TrimSpace(cfg.URL) == "" {
		return nil, errors.New("eventstore/esdb: no connection string (esdb://host:2113)")
	}
	conf, err := esdb.ParseConnectionString(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("eventstore/esdb: invalid connection string: %w", err)
	}
	if err := conf.Validate(); err != nil {
		return nil, fmt.Errorf("eventstore/esdb: invalid connection string: %w", err)
	}
	s := &Store{cfg: cfg, log: cfg.Logger.With("component", "eventstore/esdb"), shared: newSlot(),
		idleSlots: make(chan struct{}, cfg.AppendClients)}
	for range cfg.AppendClients {
		sl := newSlot()
		s.exclusive = append(s.exclusive, sl)
		s.idle = append(s.idle, sl)
		s.idleSlots <- struct{}{}
	}
	conf.Logger = s.clientLogger
	s.conf = *conf
	s.ctx, s.cancel = context.WithCancel(context.Background())
	return s, nil
}

// Open is New followed by Ping: it fails with a clear error when the cluster
// cannot be reached.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	s, err := New(cfg)
	if err != nil {
		return nil, err
	}
	if err := s.Ping(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

// Ping reads the head of $all: it succeeds only when a node answers. Wire it
// into the readiness probe.
func (s *Store) Ping(ctx context.Context) error {
	ctx = requireLeader(ctx)
	err := s.do(ctx, func(c *esdb.Client) error {
		rs, err := c.ReadAll(ctx, esdb.ReadAllOptions{Direction: esdb.Backwards, From: esdb.End{}}, 1)
		if err != nil {
			return err
		}
		defer rs.Close()
		if _, err := rs.Recv(); err != nil && !isEOF(err) {
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("eventstore/esdb: EventStoreDB at %s is not reachable: %w", s.where(), s.mapErr(ctx, err))
	}
	return nil
}

// where names the configured nodes for error messages (never credentials).
func (s *Store) where() string {
	if len(s.conf.GossipSeeds) > 0 {
		var seeds []string
		for _, e := range s.conf.GossipSeeds {
			seeds = append(seeds, e.String())
		}
		return strings.Join(seeds, ",")
	}
	return s.conf.Address
}

// Close closes the clients and ends every subscription.
//
// The v4 client closes its internal channel on Close while a call still
// inside it may be sending on it (a data race that can panic with "send on
// closed channel"); calls abandoned by their context can still be in there.
// Close therefore waits (at most 5 s) for them, and leaves the clients to
// the garbage collector when they do not end.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.cancel()
	var clients []*esdb.Client
	for _, sl := range append([]*slot{s.shared}, s.exclusive...) {
		if sl.cur != nil {
			clients = append(clients, sl.cur.c)
			sl.cur, sl.ready = nil, false
		}
	}
	s.mu.Unlock()
	if len(clients) == 0 {
		return nil
	}
	if !s.awaitCalls(5 * time.Second) {
		s.log.Warn("EventStoreDB clients left open: calls are still inside them after 5 s")
		return nil
	}
	for _, c := range clients {
		_ = c.Close()
	}
	return nil
}

func (s *Store) clientLogger(level esdb.LogLevel, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	switch level {
	case esdb.LogError:
		s.log.Error(msg, "source", "esdb-client")
	case esdb.LogWarn:
		s.log.Warn(msg, "source", "esdb-client")
	case esdb.LogInfo:
		s.log.Info(msg, "source", "esdb-client")
	default:
		s.log.Debug(msg, "source", "esdb-client")
	}
}

// acquire returns slot sl's client with a working connection. A new client
// (or one that lost its connection) is connected by one caller at a time:
// the v4 client answers concurrent callers through an unbuffered channel that
// nobody reads once a failed discovery has closed it, so queueing there would
// hang.
func (s *Store) acquire(ctx context.Context, sl *slot) (*clientRef, error) {
	for {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return nil, eventstore.ErrClosed
		}
		if sl.cur == nil {
			conf := s.conf
			c, err := esdb.NewClient(&conf)
			if err != nil {
				s.mu.Unlock()
				return nil, fmt.Errorf("eventstore/esdb: create client: %w", err)
			}
			s.built++
			sl.cur, sl.ready = &clientRef{c: c, dead: make(chan struct{})}, false
		}
		ref, ready := sl.cur, sl.ready
		s.mu.Unlock()
		if ready {
			return ref, nil
		}

		select {
		case sl.connect <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		s.mu.Lock()
		stale := sl.cur != ref || sl.ready
		if !stale {
			ref.users++ // the connect below runs inside the client
		}
		s.mu.Unlock()
		if stale {
			<-sl.connect
			continue // someone else connected or replaced the client meanwhile
		}
		// GetServerVersion only asks the client for its connection handle,
		// which runs node discovery when there is none. Discovery ignores
		// contexts (a black-holed node costs maxDiscoverAttempts × the
		// gossip timeout), so it runs on its own and the caller's context
		// wins; the connect semaphore is released when discovery ends.
		done := make(chan error, 1)
		finished := make(chan struct{})
		release := sync.OnceFunc(func() { <-sl.connect })
		s.enterCall() // Close must not close the client under a discovery
		go func() {
			defer s.leaveCall()
			defer s.unuse(ref)
			defer close(finished)
			_, err := ref.c.GetServerVersion()
			// done first: a caller woken by the give-up below finds the
			// real error there.
			done <- err
			if err != nil {
				// A failed discovery closes the client for good. Forget it
				// before releasing the connect semaphore, so the next caller
				// builds a new one instead of trying the dead client.
				s.giveUp(sl, ref)
			} else {
				s.mu.Lock()
				if sl.cur == ref {
					sl.ready = true
				}
				s.mu.Unlock()
			}
			release()
		}()
		// A discovery that never ends (the v4 client can block for good on
		// its internal channel) must not hold the connect semaphore for
		// good: after CallTimeout the client is given up and it is freed.
		go func() {
			t := time.NewTimer(s.cfg.CallTimeout)
			defer t.Stop()
			select {
			case <-finished:
			case <-t.C:
				s.log.Warn("EventStoreDB client stuck while connecting; giving it up", "after", s.cfg.CallTimeout)
				s.giveUp(sl, ref)
				release()
			}
		}()
		select {
		case err := <-done:
			if err != nil {
				return nil, err
			}
			return ref, nil
		case <-ref.dead:
			select {
			case err := <-done:
				if err != nil {
					return nil, err
				}
			default:
			}
			return nil, errGivenUp
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// requireLeader asks the server to serve the call on the leader. The v4
// client (4.2.0) puts this header on the incoming context, where gRPC never
// sends it, so a follower would serve stale reads and forward writes without
// ever answering not-leader; the adapter sends it on the outgoing context
// for every call: the port promises that a read sees an append once Append
// has returned.
func requireLeader(ctx context.Context) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "requires-leader", "true")
}

// call runs fn inside client ref and returns its error, or the context's
// error as soon as ctx ends, or errGivenUp as soon as ref is given up: a
// client call can block on the client's internal channel while a discovery
// runs (or for good after a failed one), and neither the caller's context
// nor a client known to be dead may wait for it. fn keeps running on its
// own and its results are dropped; the client is closed only after it
// returned (see unuse), and Close waits for such calls before it closes the
// clients (see Close). ended is closed when fn has returned, which is later
// than call when call answered ctx's error, errGivenUp or errStuck.
func (s *Store) call(ctx context.Context, ref *clientRef, fn func() error) (ended <-chan struct{}, err error) {
	s.enterCall()
	s.mu.Lock()
	ref.users++
	s.mu.Unlock()
	done := make(chan error, 1)
	finished := make(chan struct{})
	go func() {
		defer s.leaveCall()
		defer s.unuse(ref)
		defer close(finished)
		done <- fn()
	}()
	t := time.NewTimer(s.cfg.CallTimeout)
	defer t.Stop()
	select {
	case err := <-done:
		return finished, err
	case <-ctx.Done():
		return finished, ctx.Err()
	case <-ref.dead:
		select {
		case err := <-done: // it ended as its client was given up
			return finished, err
		default:
		}
		return finished, errGivenUp
	case <-t.C:
		return finished, errStuck
	}
}

// errStuck is a call that the client did not finish within CallTimeout;
// its client is given up (see run).
var errStuck = fmt.Errorf("%w: the EventStoreDB client did not answer in time", eventstore.ErrUnavailable)

// errGivenUp is a call waiting in a client that was given up meanwhile (it
// closed itself, or another call got stuck in it): the call is answered at
// once as if it had got stuck, instead of after CallTimeout.
var errGivenUp = fmt.Errorf("%w: the EventStoreDB client was given up", eventstore.ErrUnavailable)

func (s *Store) enterCall() {
	s.inflightMu.Lock()
	defer s.inflightMu.Unlock()
	s.inflight++
}

func (s *Store) leaveCall() {
	s.inflightMu.Lock()
	defer s.inflightMu.Unlock()
	if s.inflight--; s.inflight == 0 && s.drained != nil {
		close(s.drained)
		s.drained = nil
	}
}

// awaitCalls waits up to d for the calls still inside the client to end;
// it reports whether they did.
func (s *Store) awaitCalls(d time.Duration) bool {
	s.inflightMu.Lock()
	if s.inflight == 0 {
		s.inflightMu.Unlock()
		return true
	}
	if s.drained == nil {
		s.drained = make(chan struct{})
	}
	drained := s.drained
	s.inflightMu.Unlock()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-drained:
		return true
	case <-t.C:
		return false
	}
}

// giveUp retires slot sl's client ref as broken (it closed itself, or a
// call or connect got stuck in it) and answers every call waiting in it
// (ref.dead). A client that closed itself is never closed under a call:
// closing its channel would make a goroutine still sending on it panic
// instead of waiting.
func (s *Store) giveUp(sl *slot, ref *clientRef) {
	s.mu.Lock()
	if !ref.given {
		ref.given = true
		close(ref.dead)
	}
	s.mu.Unlock()
	s.retire(sl, ref)
}

// retire makes slot sl build a new client for its next call instead of
// ref, and closes ref once no call or connect is inside it; the calls in
// it go on. After an Unavailable answer the v4 client drops its connection
// handle and discovers anew on its next call, but leaves the old gRPC
// connection open for good; closing the client closes that connection.
func (s *Store) retire(sl *slot, ref *clientRef) {
	s.mu.Lock()
	if sl.cur == ref {
		sl.cur, sl.ready = nil, false
		if ref.given {
			s.log.Warn("EventStoreDB client discarded; the next call builds a new one")
		} else {
			s.log.Info("EventStoreDB client replaced after Unavailable; the next call builds a new one")
		}
	}
	ref.retired = true
	closeNow := s.closeDueLocked(ref)
	s.mu.Unlock()
	if closeNow {
		s.closeRetired(ref)
	}
}

// unuse ends a call or connect inside ref; the last one out of a client
// that was given up closes it.
func (s *Store) unuse(ref *clientRef) {
	s.mu.Lock()
	ref.users--
	closeNow := s.closeDueLocked(ref)
	s.mu.Unlock()
	if closeNow {
		s.closeRetired(ref)
	}
}

// closeDueLocked reports (once) that ref must be closed now: retired and
// no call inside. Close closes the clients the slots still hold.
func (s *Store) closeDueLocked(ref *clientRef) bool {
	if !ref.retired || ref.users > 0 || ref.closed {
		return false
	}
	ref.closed = true
	return true
}

// closeRetired closes a retired client: its goroutine and connection end
// (a subscription still receiving on that connection drops and is started
// again elsewhere, as after any drop).
func (s *Store) closeRetired(ref *clientRef) {
	_ = ref.c.Close()
	if s.afterRetiredClosed != nil {
		s.afterRetiredClosed(ref.c)
	}
}

// unready marks slot sl's client ref as reconnecting: after not-leader the
// client dials the leader (closing its old connection itself).
func (s *Store) unready(sl *slot, ref *clientRef) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sl.cur == ref {
		sl.ready = false
	}
}

// do runs fn on the shared client (see run). Calls that send on a client
// stream themselves run on an exclusive client instead (see exclusive.go).
func (s *Store) do(ctx context.Context, fn func(*esdb.Client) error) error {
	_, _, err := s.run(ctx, s.shared, fn)
	return err
}

// run runs fn with slot sl's connected client, handling the client's
// connection errors: a closed client is replaced and fn retried once
// (nothing was sent); not-leader is retried after the client's reconnect to
// the leader. ended is closed when the last fn has returned (nil when none
// ran) and last is the client it ran in; it can still be running when run
// answers ctx's error, errStuck or errGivenUp, and in the latter two cases
// that client has been given up.
func (s *Store) run(ctx context.Context, sl *slot, fn func(*esdb.Client) error) (ended <-chan struct{}, last *clientRef, err error) {
	closedRetries, leaderRetries := 0, 0
	for {
		ref, err := s.acquire(ctx, sl)
		if err != nil {
			return ended, last, err
		}
		last = ref
		ended, err = s.call(ctx, ref, func() error { return fn(ref.c) })
		if err == nil {
			return ended, last, nil
		}
		if ctx.Err() != nil {
			return ended, last, err
		}
		if errors.Is(err, errStuck) {
			s.log.Warn("EventStoreDB call stuck in the client; giving the client up", "after", s.cfg.CallTimeout)
			s.giveUp(sl, ref)
			return ended, last, err
		}
		if errors.Is(err, errGivenUp) {
			return ended, last, err
		}
		switch code(err) {
		case esdb.ErrorCodeConnectionClosed:
			s.giveUp(sl, ref)
			if s.isClosed() {
				return ended, last, eventstore.ErrClosed
			}
			if closedRetries < 1 && ctx.Err() == nil {
				closedRetries++
				continue
			}
		case esdb.ErrorCodeNotLeader:
			s.unready(sl, ref)
			if leaderRetries < s.cfg.NotLeaderRetries && ctx.Err() == nil {
				leaderRetries++
				s.log.Info("EventStoreDB node is not the leader; retrying on the leader")
				if sleep(ctx, leaderBackoff(leaderRetries)) == nil {
					continue
				}
			}
		default:
			// A not-leader answer to another call makes the client close
			// its connection and dial the leader; calls in flight on the
			// old connection end as Canceled though their context lives.
			// They are repeated on the new connection (an append with
			// the same IDs and condition is recognised as a repeat).
			if connectionClosing(err) && leaderRetries < s.cfg.NotLeaderRetries {
				leaderRetries++
				if sleep(ctx, leaderBackoff(leaderRetries)) == nil {
					continue
				}
			}
		case esdb.ErrorUnavailable:
			// The client would discover again on its next call ("transport
			// is closing" while it moves to another node, or the node went
			// away) and leak its old connection: a new client does the
			// discovery instead (see retire). A discovery that failed inside
			// the call closed the client: calls queued behind it wait for
			// good, so it is given up. A few short waits ride out a move, a
			// real outage still answers within about a second.
			if discoveryFailed(err) {
				s.giveUp(sl, ref)
			} else {
				s.retire(sl, ref)
			}
			if leaderRetries < s.cfg.NotLeaderRetries {
				leaderRetries++
				if sleep(ctx, leaderBackoff(leaderRetries)) == nil {
					continue
				}
			}
		}
		return ended, last, err
	}
}

// leaderBackoff is the wait before the n-th repeat of a call after a leader
// change: the client needs a moment to dial the new leader, and an election
// may move the leadership more than once.
func leaderBackoff(n int) time.Duration {
	return min(time.Duration(1<<min(n, 8))*5*time.Millisecond, 500*time.Millisecond)
}

func (s *Store) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}
