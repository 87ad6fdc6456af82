package esdb

import (
	"context"
	"errors"

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
//     and Close closes it. A call that sends therefore runs on a client that
//     no other call uses meanwhile: one of Config.AppendClients exclusive
//     clients, taken from the idle ones and given back only when the call really
//     ended (not when run answered the caller early), or when the client
//     was given up as stuck (then nobody else ever gets that client). A
//     not-leader answer closes only the connection of the call that got it,
//     after handleError has read the trailers; the client's next call waits
//     in the client's channel for the new connection, and Close closes the
//     clients only after the calls inside them ended (see Close).
//     Subscriptions started on an exclusive client stay on its connection
//     afterwards; they only receive (safe), and a closed connection ends
//     them like any drop, after which they are started again.
//  2. The stream's context. Callers pass a context.WithoutCancel of theirs
//     (it keeps the outgoing requires-leader header): the caller's cancel or
//     deadline cannot end the stream mid-Send. run still answers the caller
//     at once, and the call goes on to its own end. An append then ends by
//     the client's per-call deadline (Configuration.DefaultDeadline, 10 s
//     unless the URL sets defaultDeadline): what remains is that deadline
//     passing while the request itself is still being sent, i.e. a server
//     or network that stopped taking the append's few kilobytes (at most
//     MaxAppendSize) for the whole deadline, or a connection that became
//     ready only just before it. Only then can the race still occur; the
//     client at worst misreads the error's trailers, which makes a
//     not-leader or stream-deleted answer look like the deadline, an
//     ambiguous failure the adapter resolves by reading the stream. A
//     subscription start has no client deadline (a streaming call); it is
//     ended by closing the subscription (sub.dropInner, on Close and when
//     sub.ctx ends), which can only happen after the start returned.
//
// Reads stay on the shared client: a read sends its one request inside the
// generated Read, whose error the client returns without reading the
// headers, and everything after is receiving.

// doExclusive runs fn on an exclusive client (see above): it waits for an
// idle one (or ctx, or Close), and gives it back when fn has ended. fn must
// not pass ctx to the client; it uses context.WithoutCancel(ctx).
func (s *Store) doExclusive(ctx context.Context, fn func(*esdb.Client) error) error {
	sl, err := s.take(ctx)
	if err != nil {
		return err
	}
	ended, err := s.run(ctx, sl, fn)
	if ended == nil || errors.Is(err, errStuck) {
		s.giveBack(sl) // nothing runs on it, or its client was given up
		return err
	}
	select {
	case <-ended:
		s.giveBack(sl)
	default:
		// The caller's context ended while fn is still inside the client:
		// the client stays taken until fn ends.
		go func() {
			<-ended
			s.giveBack(sl)
		}()
	}
	return err
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
