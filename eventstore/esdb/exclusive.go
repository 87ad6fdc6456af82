package esdb

import (
	"context"
	"errors"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"backoffice/eventstore"
)

// Exclusive clients: why appends and subscription starts get a client of
// their own.
//
// The v4 client (4.2.0, and KurrentDB-Client-Go 1.4.2 with the same code)
// passes grpc.Header(&headers) and grpc.Trailer(&trailers) to
// AppendToStream and SubscribeToAll and reads both variables in handleError
// as soon as a Send fails (client.go:71-84 for the append's messages, :404
// for the subscription's request). gRPC writes them in clientStream.finish,
// and a Send fails with io.EOF precisely because the stream was aborted; when
// the abort comes from gRPC's own goroutine (the ClientConn was closed, or
// the stream's context ended) that goroutine writes the variables while
// handleError reads them: a data race (found by -race in
// TestClusterLeaderChangeUnderLoad). Receive errors are safe: RecvMsg
// finishes the stream itself, under the stream's lock. The client offers no
// hook for an interceptor, so the adapter avoids both causes for the calls
// that send on a stream:
//
//  1. The ClientConn. The client closes its connection when any call on it
//     is answered not-leader (it dials the leader and drops the old one),
//     and Close closes it. An Append (its reads and its write) and a
//     subscription start therefore run on a client that no other call uses
//     meanwhile: one of Config.AppendClients exclusive clients, taken when
//     idle and given back only when the last call made on it has really
//     ended (not when run answered the caller early), or when that call was
//     given up as stuck together with its client (nobody gets that client
//     again). A not-leader answer then closes only the connection of the
//     call that got it, after handleError has read the trailers; the
//     client's next call waits in the client's channel for the new
//     connection; and Close closes the clients only after the calls inside
//     them ended (see Close), as the Store closes a client it replaced
//     (after Unavailable, or given up as dead or stuck) only when the last
//     call or connect inside it has returned (see Store.retire and
//     Store.unuse). Subscriptions started on an exclusive client
//     stay on its connection afterwards; they only receive (safe, and never
//     make the client reconnect), and a closed connection ends them like
//     any drop, after which they are started again.
//  2. The stream's context. A call that sends gets context.WithoutCancel
//     of its caller's (which keeps the outgoing requires-leader header): the
//     caller's cancel or deadline cannot end the stream mid-Send. run still
//     answers the caller at once, and the call goes on to its own end. An
//     append then ends at the latest by the client's own per-call deadline
//     (Configuration.DefaultDeadline: 10 s unless the URL sets
//     defaultDeadline). What remains is that deadline passing while the
//     request itself is still being sent: a server or network that stopped
//     taking the append's bytes (at most MaxAppendSize) for the whole
//     deadline, or a connection that became ready only just before it. Only
//     then can the race still happen (and -race report it); its effect is
//     nil: a stream ended by the client's deadline has no trailers from the
//     server, so handleError classifies the error the same whichever value
//     it reads, and the adapter resolves it as ambiguous by reading the
//     stream. A subscription start has no client deadline (a streaming
//     call); its stream is ended by closing the subscription
//     (sub.dropInner, also when sub.ctx ends), which only exists after the
//     start returned. A start its caller gave up on closes what it started.
//
// Other reads stay on the shared client: a read sends its one request
// inside the generated Read, whose error the client returns without reading
// the headers, and everything after is receiving. Running an append's reads
// on its exclusive client keeps the time between the read and the write it
// decides short while appends wait for a client.

// doFunc runs fn with a connected client: Store.do (the shared client) or
// exclusive.do.
type doFunc func(ctx context.Context, fn func(*esdb.Client) error) error

// exclusive is an exclusive client taken for a sequence of calls (see
// above). Calls that send must not pass their caller's ctx to the client;
// they use context.WithoutCancel(ctx).
type exclusive struct {
	s     *Store
	sl    *slot
	ended <-chan struct{} // closed when the last call has returned
	last  *clientRef      // the client of the last call
	stuck bool            // the last call was given up (and its client)
}

// takeExclusive waits for an idle exclusive client (or ctx, or Close).
// release gives it back.
func (s *Store) takeExclusive(ctx context.Context) (*exclusive, error) {
	sl, err := s.take(ctx)
	if err != nil {
		return nil, err
	}
	return &exclusive{s: s, sl: sl}, nil
}

// do runs fn on the exclusive client (see Store.run).
func (x *exclusive) do(ctx context.Context, fn func(*esdb.Client) error) error {
	ended, last, err := x.s.run(ctx, x.sl, fn)
	if ended != nil {
		x.ended, x.last = ended, last
	}
	x.stuck = errors.Is(err, errStuck) || errors.Is(err, errGivenUp)
	return err
}

// release gives the client back when the last call has ended: a call the
// caller's context gave up goes on inside the client, which stays taken
// until it ends, or until CallTimeout later: then the call is taken for
// stuck (the client can block for good on its internal channel) and given
// up with its client, as run does. A call given up as stuck, or whose
// client was given up as dead, gave up its client already (and a client
// given up while the call goes on frees the slot as well): the slot builds
// a new client and is idle again at once, the call ends alone in the old
// one, which is closed after it (see Store.unuse).
func (x *exclusive) release() {
	if x.ended == nil || x.stuck {
		x.s.giveBack(x.sl)
		return
	}
	select {
	case <-x.ended:
		x.s.giveBack(x.sl)
	case <-x.last.dead:
		x.s.giveBack(x.sl)
	default:
		go func() {
			t := time.NewTimer(x.s.cfg.CallTimeout)
			defer t.Stop()
			select {
			case <-x.ended:
			case <-x.last.dead:
			case <-t.C:
				x.s.log.Warn("EventStoreDB call its caller left is stuck in the client; giving the client up", "after", x.s.cfg.CallTimeout)
				x.s.giveUp(x.sl, x.last)
			}
			x.s.giveBack(x.sl)
		}()
	}
}

// take waits for an idle exclusive client and takes the one used last, so
// that a Store appending from one goroutine builds and keeps one client.
func (s *Store) take(ctx context.Context) (*slot, error) {
	select {
	case <-s.idleSlots:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-s.ctx.Done():
		return nil, eventstore.ErrClosed
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sl := s.idle[len(s.idle)-1]
	s.idle = s.idle[:len(s.idle)-1]
	return sl, nil
}

// giveBack makes sl idle again.
func (s *Store) giveBack(sl *slot) {
	s.mu.Lock()
	s.idle = append(s.idle, sl)
	s.mu.Unlock()
	s.idleSlots <- struct{}{}
}

// exclusiveHook runs the test hook (see Store.beforeExclusive), if any.
func (s *Store) exclusiveHook(c *esdb.Client, ctx context.Context) {
	if s.beforeExclusive != nil {
		s.beforeExclusive(c, ctx)
	}
}
