// Package memory is an in-process event store for unit tests. It follows the
// same rules as the durable adapters and passes the same conformance suite.
package memory

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/google/uuid"

	"backoffice/eventstore"
)

// Store keeps every event in memory. The zero value is not usable; call New.
type Store struct {
	mu      sync.Mutex
	all     []eventstore.RecordedEvent
	streams map[string][]int // stream -> indexes into all
	appends map[string][]appendRecord
	wake    chan struct{} // closed and replaced on every append
	closed  bool
	now     func() time.Time
}

type appendRecord struct {
	ids    []uuid.UUID
	result eventstore.AppendResult
}

// New returns an empty store.
func New() *Store {
	return &Store{
		streams: map[string][]int{},
		appends: map[string][]appendRecord{},
		wake:    make(chan struct{}),
		now:     time.Now,
	}
}

var _ eventstore.Store = (*Store)(nil)

// Append implements eventstore.Store.
func (s *Store) Append(ctx context.Context, stream string, expected eventstore.ExpectedRevision, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	return s.AppendIf(ctx, stream, expected, nil, events...)
}

// AppendIf implements eventstore.Store: conditions are checked under the
// same lock as the append.
func (s *Store) AppendIf(ctx context.Context, stream string, expected eventstore.ExpectedRevision, conditions []eventstore.Condition, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	if err := eventstore.Validate(stream, events); err != nil {
		return eventstore.AppendResult{}, err
	}
	if err := eventstore.ValidateConditions(stream, conditions); err != nil {
		return eventstore.AppendResult{}, err
	}
	if err := s.lock(ctx); err != nil {
		return eventstore.AppendResult{}, err
	}
	defer s.mu.Unlock()
	idx := s.streams[stream]
	if res, ok, err := s.repeated(stream, events); err != nil || ok {
		return res, err
	}
	exists := len(idx) > 0
	var current uint64 // Actual is 0, not a wrapped -1, when there is no stream
	if exists {
		current = uint64(len(idx)) - 1
	}
	if !expected.Satisfied(current, exists) {
		return eventstore.AppendResult{}, &eventstore.WrongExpectedRevisionError{
			Stream: stream, Expected: expected, Actual: current, StreamExists: exists,
		}
	}
	for _, c := range conditions {
		n := uint64(len(s.streams[c.Stream]))
		var cur uint64
		if n > 0 {
			cur = n - 1
		}
		if !c.Expected.Satisfied(cur, n > 0) {
			return eventstore.AppendResult{}, &eventstore.WrongExpectedRevisionError{
				Stream: c.Stream, Expected: c.Expected, Actual: cur, StreamExists: n > 0,
			}
		}
	}
	created := s.now()
	prev := eventstore.ZeroHash
	if exists {
		prev = s.all[idx[len(idx)-1]].Hash
	}
	var res eventstore.AppendResult
	ids := make([]uuid.UUID, 0, len(events))
	for _, e := range events {
		seq := uint64(len(s.all)) + 1
		rev := uint64(len(s.streams[stream]))
		rec := eventstore.RecordedEvent{
			ID:       e.ID,
			Stream:   stream,
			Revision: rev,
			Position: eventstore.Position{Commit: seq, Prepare: seq},
			Type:     e.Type,
			Data:     bytes.Clone(e.Data),
			Metadata: e.Metadata,
		}
		if len(rec.Data) == 0 {
			rec.Data = nil // as the durable stores return "no payload"
		}
		rec.Seal(prev, created)
		prev = rec.Hash
		s.streams[stream] = append(s.streams[stream], len(s.all))
		s.all = append(s.all, rec)
		ids = append(ids, e.ID)
		res = eventstore.AppendResult{NextExpectedRevision: rev, Position: rec.Position}
	}
	s.appends[stream] = append(s.appends[stream], appendRecord{ids: ids, result: res})
	close(s.wake)
	s.wake = make(chan struct{})
	return res, nil
}

// repeated checks the idempotency rule: all IDs stored by one earlier append
// in the same order returns that append's result; any other overlap is an error.
func (s *Store) repeated(stream string, events []eventstore.EventData) (eventstore.AppendResult, bool, error) {
	known := map[uuid.UUID]bool{}
	for _, i := range s.streams[stream] {
		known[s.all[i].ID] = true
	}
	overlap := 0
	for _, e := range events {
		if known[e.ID] {
			overlap++
		}
	}
	if overlap == 0 {
		return eventstore.AppendResult{}, false, nil
	}
	for _, a := range s.appends[stream] {
		if len(a.ids) != len(events) {
			continue
		}
		same := true
		for i, id := range a.ids {
			if events[i].ID != id {
				same = false
				break
			}
		}
		if same {
			return a.result, true, nil
		}
	}
	return eventstore.AppendResult{}, false, fmt.Errorf("%w: stream %q", eventstore.ErrDuplicateEventID, stream)
}

// Tamper changes a stored event in place, as someone editing the database
// behind the application's back would: for tests that show the hash chain
// catches it. It reports whether the event exists.
func (s *Store) Tamper(stream string, revision uint64, change func(*eventstore.RecordedEvent)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	idx := s.streams[stream]
	if revision >= uint64(len(idx)) {
		return false
	}
	change(&s.all[idx[revision]])
	return true
}

// ReadStream implements eventstore.Store.
func (s *Store) ReadStream(ctx context.Context, stream string, opts eventstore.ReadStreamOptions) ([]eventstore.RecordedEvent, error) {
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	idx := s.streams[stream]
	if len(idx) == 0 {
		return nil, fmt.Errorf("%w: %q", eventstore.ErrStreamNotFound, stream)
	}
	var out []eventstore.RecordedEvent
	take := func(i int) bool {
		out = append(out, clone(s.all[idx[i]]))
		return opts.Max > 0 && len(out) >= opts.Max
	}
	if opts.Direction == eventstore.Backwards {
		start := len(idx) - 1
		if !opts.FromEnd && opts.From < uint64(len(idx)) {
			start = int(opts.From)
		}
		for i := start; i >= 0; i-- {
			if take(i) {
				break
			}
		}
		return out, nil
	}
	for i := opts.From; i < uint64(len(idx)); i++ {
		if take(int(i)) {
			break
		}
	}
	return out, nil
}

// ReadStreams implements eventstore.Store: all streams read under one lock.
func (s *Store) ReadStreams(ctx context.Context, reads ...eventstore.StreamRead) ([]eventstore.StreamSlice, error) {
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	out := make([]eventstore.StreamSlice, len(reads))
	for i, r := range reads {
		idx := s.streams[r.Stream]
		out[i] = eventstore.StreamSlice{Stream: r.Stream, Exists: len(idx) > 0}
		if len(idx) == 0 {
			continue
		}
		out[i].Revision = uint64(len(idx) - 1)
		for j := r.From; j < uint64(len(idx)); j++ {
			out[i].Events = append(out[i].Events, clone(s.all[idx[j]]))
		}
	}
	return out, nil
}

// ReadAll implements eventstore.Store.
func (s *Store) ReadAll(ctx context.Context, from eventstore.Position, max int) ([]eventstore.RecordedEvent, error) {
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	if max <= 0 {
		return nil, fmt.Errorf("eventstore/memory: ReadAll max must be > 0, got %d", max)
	}
	return s.after(from, max), nil
}

// after returns copies of up to max events strictly after from. It searches
// by comparing positions, so a position this store did not hand out (a
// checkpoint from another store, a hand-typed one) still means "strictly
// after" and never indexes out of range.
func (s *Store) after(from eventstore.Position, max int) []eventstore.RecordedEvent {
	start := sort.Search(len(s.all), func(i int) bool { return s.all[i].Position.After(from) })
	end := start + min(max, len(s.all)-start)
	out := make([]eventstore.RecordedEvent, 0, end-start)
	for _, e := range s.all[start:end] {
		out = append(out, clone(e))
	}
	return out
}

// clone copies an event so no caller shares the store's payload bytes.
func clone(e eventstore.RecordedEvent) eventstore.RecordedEvent {
	e.Data = bytes.Clone(e.Data)
	return e
}

// HeadPosition implements eventstore.Store.
func (s *Store) HeadPosition(ctx context.Context) (eventstore.Position, error) {
	if err := s.lock(ctx); err != nil {
		return eventstore.Start, err
	}
	defer s.mu.Unlock()
	if len(s.all) == 0 {
		return eventstore.Start, nil
	}
	return s.all[len(s.all)-1].Position, nil
}

// SubscribeAll implements eventstore.Store.
func (s *Store) SubscribeAll(ctx context.Context, from eventstore.Position) (eventstore.Subscription, error) {
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	var head eventstore.Position
	if len(s.all) > 0 {
		head = s.all[len(s.all)-1].Position
	}
	ctx, cancel := context.WithCancelCause(ctx)
	return &subscription{store: s, ctx: ctx, cancel: cancel, last: from, caughtUpAt: head}, nil
}

// lock takes the store's lock for a call under ctx. On an error (the
// context's, or ErrClosed) the lock is not held.
func (s *Store) lock(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return eventstore.ErrClosed
	}
	return nil
}

// Close implements eventstore.Store.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		close(s.wake)
	}
	return nil
}

type subscription struct {
	store      *Store
	ctx        context.Context
	cancel     context.CancelCauseFunc
	last       eventstore.Position
	caughtUpAt eventstore.Position
	sentCaught bool
	buf        []eventstore.RecordedEvent
	err        error // once set, every Recv returns it: the subscription is dead
}

// Recv implements eventstore.Subscription. It is for one goroutine at a
// time; Close may be called from any.
func (sub *subscription) Recv(ctx context.Context) (eventstore.SubscriptionMessage, error) {
	if sub.err == nil {
		sub.err = sub.ended(ctx)
	}
	if sub.err != nil {
		return eventstore.SubscriptionMessage{}, sub.err
	}
	msg, err := sub.recv(ctx)
	sub.err = err
	return msg, err
}

// ended reports why the subscription cannot deliver any more, if it cannot:
// after Close or the end of either context nothing more is delivered, not
// even events already buffered.
func (sub *subscription) ended(ctx context.Context) error {
	if sub.ctx.Err() != nil {
		if context.Cause(sub.ctx) == errSubClosed {
			return eventstore.ErrClosed
		}
		return sub.ctx.Err()
	}
	return ctx.Err()
}

func (sub *subscription) recv(ctx context.Context) (eventstore.SubscriptionMessage, error) {
	for {
		if len(sub.buf) > 0 {
			e := sub.buf[0]
			sub.buf = sub.buf[1:]
			sub.last = e.Position
			return eventstore.SubscriptionMessage{Event: &e}, nil
		}
		if !sub.sentCaught && !sub.last.Before(sub.caughtUpAt) {
			sub.sentCaught = true
			return eventstore.SubscriptionMessage{CaughtUp: true}, nil
		}
		s := sub.store
		s.mu.Lock()
		closed := s.closed
		sub.buf = s.after(sub.last, 256)
		wake := s.wake
		s.mu.Unlock()
		if closed {
			return eventstore.SubscriptionMessage{}, eventstore.ErrClosed
		}
		if len(sub.buf) > 0 {
			continue
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return eventstore.SubscriptionMessage{}, sub.ended(ctx)
		case <-sub.ctx.Done():
			return eventstore.SubscriptionMessage{}, sub.ended(ctx)
		}
	}
}

var errSubClosed = errors.New("eventstore/memory: subscription closed")

func (sub *subscription) Close() error {
	sub.cancel(errSubClosed)
	return nil
}
