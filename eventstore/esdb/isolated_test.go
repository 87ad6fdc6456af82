package esdb_test

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/google/uuid"

	"backoffice/eventstore"
	"backoffice/eventstore/esdb"
)

// isolated gives each conformance subtest its own view of one shared real
// server, as the suite wants a fresh, empty store per subtest: stream names
// get a namespace prefix, and $all reads, the head and subscriptions only
// show this namespace's events written after the view was created.
type isolated struct {
	s     *esdb.Store
	ns    string
	start eventstore.Position

	hmu    sync.Mutex
	hashes map[eventstore.Hash]eventstore.Hash // stored hash -> the view's

	mu   sync.Mutex
	scan eventstore.Position // HeadPosition has looked at $all up to here
	head eventstore.Position
}

func newIsolated(ctx context.Context, s *esdb.Store) (*isolated, error) {
	start, err := s.HeadPosition(ctx)
	if err != nil {
		return nil, err
	}
	return &isolated{s: s, ns: "t" + strings.ReplaceAll(uuid.NewString(), "-", "")[:12] + "_", start: start, scan: start, head: eventstore.Start,
		hashes: map[eventstore.Hash]eventstore.Hash{}}, nil
}

func (v *isolated) mine(e *eventstore.RecordedEvent) bool {
	if !strings.HasPrefix(e.Stream, v.ns) {
		return false
	}
	if _, ok := v.viewHash(e.PrevHash); !ok {
		// Translate the stream's earlier events first (a read that starts
		// in the middle of a stream).
		if evs, err := v.s.ReadStream(context.Background(), e.Stream, eventstore.ReadStreamOptions{Max: int(e.Revision)}); err == nil {
			for _, p := range evs {
				v.translate(&p)
			}
		}
	}
	v.translate(e)
	return true
}

// translate moves e into the view: the stream loses its namespace, so the
// hash chain, which covers the stream name, is re-linked. The stored chain is
// checked first: an event whose stored hash does not match keeps a hash that
// cannot verify, so the suite still sees every broken link.
func (v *isolated) translate(e *eventstore.RecordedEvent) {
	valid := e.ComputeHash() == e.Hash
	stored := e.Hash
	e.Stream = strings.TrimPrefix(e.Stream, v.ns)
	prev, ok := v.viewHash(e.PrevHash)
	if !ok || !valid {
		return
	}
	e.PrevHash = prev
	e.Hash = e.ComputeHash()
	v.hmu.Lock()
	v.hashes[stored] = e.Hash
	v.hmu.Unlock()
}

func (v *isolated) viewHash(stored eventstore.Hash) (eventstore.Hash, bool) {
	if stored.IsZero() {
		return stored, true
	}
	v.hmu.Lock()
	defer v.hmu.Unlock()
	h, ok := v.hashes[stored]
	return h, ok
}

func (v *isolated) Append(ctx context.Context, stream string, exp eventstore.ExpectedRevision, evs ...eventstore.EventData) (eventstore.AppendResult, error) {
	if err := eventstore.Validate(stream, evs); err != nil {
		return eventstore.AppendResult{}, err
	}
	res, err := v.s.Append(ctx, v.ns+stream, exp, evs...)
	var w *eventstore.WrongExpectedRevisionError
	if errors.As(err, &w) {
		w.Stream = stream
	}
	return res, err
}

func (v *isolated) ReadStream(ctx context.Context, stream string, opts eventstore.ReadStreamOptions) ([]eventstore.RecordedEvent, error) {
	evs, err := v.s.ReadStream(ctx, v.ns+stream, opts)
	for i := range evs {
		v.mine(&evs[i])
	}
	return evs, err
}

func (v *isolated) AppendIf(ctx context.Context, stream string, exp eventstore.ExpectedRevision, conds []eventstore.Condition, evs ...eventstore.EventData) (eventstore.AppendResult, error) {
	return eventstore.AppendIfCheckedFirst(ctx, v, stream, exp, conds, evs...)
}

// ReadStreams reads through the namespace as the adapter does: one
// stream after the other.
func (v *isolated) ReadStreams(ctx context.Context, reads ...eventstore.StreamRead) ([]eventstore.StreamSlice, error) {
	return eventstore.ReadStreamsOneByOne(ctx, v, reads...)
}

func (v *isolated) ReadAll(ctx context.Context, from eventstore.Position, max int) ([]eventstore.RecordedEvent, error) {
	if max <= 0 {
		return v.s.ReadAll(ctx, from, max)
	}
	if from.Before(v.start) {
		from = v.start
	}
	var out []eventstore.RecordedEvent
	for len(out) < max {
		page, err := v.s.ReadAll(ctx, from, 512)
		if err != nil {
			return nil, err
		}
		if len(page) == 0 {
			break
		}
		for _, e := range page {
			from = e.Position
			if v.mine(&e) {
				out = append(out, e)
				if len(out) == max {
					break
				}
			}
		}
	}
	return out, nil
}

func (v *isolated) HeadPosition(ctx context.Context) (eventstore.Position, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for {
		page, err := v.s.ReadAll(ctx, v.scan, 512)
		if err != nil {
			return eventstore.Position{}, err
		}
		if len(page) == 0 {
			return v.head, nil
		}
		for _, e := range page {
			v.scan = e.Position
			if strings.HasPrefix(e.Stream, v.ns) {
				v.head = e.Position
			}
		}
	}
}

func (v *isolated) SubscribeAll(ctx context.Context, from eventstore.Position) (eventstore.Subscription, error) {
	if from.Before(v.start) {
		from = v.start
	}
	sub, err := v.s.SubscribeAll(ctx, from)
	if err != nil {
		return nil, err
	}
	return &isolatedSub{Subscription: sub, v: v}, nil
}

func (v *isolated) Close() error { return v.s.Close() }

type isolatedSub struct {
	eventstore.Subscription
	v *isolated
}

func (s *isolatedSub) Recv(ctx context.Context) (eventstore.SubscriptionMessage, error) {
	for {
		m, err := s.Subscription.Recv(ctx)
		if err != nil || m.Event == nil || s.v.mine(m.Event) {
			return m, err
		}
	}
}
