package esdb

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"backoffice/eventstore"
)

// SubscribeAll implements eventstore.Store. The subscription uses the
// server-side filter that excludes system events, so it receives checkpoints
// while the server skips them; a checkpoint past the last delivered event is
// passed on as SubscriptionMessage.Checkpoint, so filtered projectors can
// store it and need not rescan. When the server drops the subscription
// (connection lost, "consumer too slow", node restart) it resubscribes with
// back-off from the last delivered position: no event is lost or repeated.
//
// CaughtUp is sent once: when the server says so (SubscriptionEvent.CaughtUp)
// or when the event that was the head of $all at subscription time has been
// delivered, whichever comes first (older servers send no CaughtUp).
func (s *Store) SubscribeAll(ctx context.Context, from eventstore.Position) (eventstore.Subscription, error) {
	ctx = requireLeader(ctx)
	head, err := s.HeadPosition(ctx)
	if err != nil {
		return nil, err
	}
	subCtx, cancel := context.WithCancelCause(ctx)
	stop := context.AfterFunc(s.ctx, func() { cancel(errStoreClosed) })
	sub := &subscription{
		store:       s,
		ctx:         subCtx,
		cancel:      cancel,
		stopParent:  stop,
		last:        from,
		head:        head,
		caughtUpDue: !from.Before(head),
	}
	// The client's stream does not end with sub.ctx (see open): closing
	// it does.
	context.AfterFunc(subCtx, sub.dropInner)
	if err := sub.open(ctx); err != nil {
		sub.Close()
		return nil, err
	}
	return sub, nil
}

var (
	errSubClosed   = errors.New("eventstore/esdb: subscription closed")
	errStoreClosed = errors.New("eventstore/esdb: store closed")
)

type subscription struct {
	store      *Store
	ctx        context.Context
	cancel     context.CancelCauseFunc
	stopParent func() bool

	mu    sync.Mutex // guards inner against Close
	inner *esdb.Subscription

	// Owned by the Recv caller.
	last        eventstore.Position // last delivered event or checkpoint
	head        eventstore.Position // head of $all when subscribing
	caughtUpDue bool
	caughtUp    bool
	failures    int
}

// open subscribes from sub.last.
func (sub *subscription) open(ctx context.Context) error {
	s := sub.store
	opts := esdb.SubscribeToAllOptions{
		From:               fromPosition(sub.last),
		Filter:             esdb.ExcludeSystemEventsFilter(),
		MaxSearchWindow:    s.cfg.MaxSearchWindow,
		CheckpointInterval: s.cfg.CheckpointInterval,
	}
	// On an exclusive client and a context that ends only when the
	// subscription is closed (see exclusive.go). A start the caller gave up
	// on goes on; its subscription is closed as soon as it exists.
	var (
		mu        sync.Mutex
		inner     *esdb.Subscription
		abandoned bool
	)
	streamCtx := context.WithoutCancel(sub.ctx)
	x, err := s.takeExclusive(ctx)
	if err != nil {
		return fmt.Errorf("eventstore/esdb: subscribe to $all after %s: %w", sub.last, s.mapErr(ctx, err))
	}
	err = x.do(ctx, func(c *esdb.Client) error {
		s.exclusiveHook(c, streamCtx)
		started, err := c.SubscribeToAll(streamCtx, opts)
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		if abandoned {
			_ = started.Close()
			return errAbandoned
		}
		inner = started
		return nil
	})
	x.release()
	mu.Lock()
	if err != nil {
		abandoned = true
		if inner != nil { // started, but the caller's context ended first
			_ = inner.Close()
		}
	}
	mu.Unlock()
	if err != nil {
		return fmt.Errorf("eventstore/esdb: subscribe to $all after %s: %w", sub.last, s.mapErr(ctx, err))
	}
	sub.mu.Lock()
	defer sub.mu.Unlock()
	if sub.ctx.Err() != nil {
		_ = inner.Close()
		return sub.ctxErr()
	}
	sub.inner = inner
	return nil
}

// errAbandoned ends a subscription start whose caller has gone.
var errAbandoned = errors.New("eventstore/esdb: subscription start abandoned")

func (sub *subscription) ctxErr() error {
	switch context.Cause(sub.ctx) {
	case errSubClosed, errStoreClosed:
		return eventstore.ErrClosed
	}
	return sub.ctx.Err()
}

func (sub *subscription) dropInner() {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	if sub.inner != nil {
		_ = sub.inner.Close()
		sub.inner = nil
	}
}

// Recv implements eventstore.Subscription.
func (sub *subscription) Recv(ctx context.Context) (eventstore.SubscriptionMessage, error) {
	s := sub.store
	for {
		if sub.ctx.Err() != nil {
			sub.dropInner()
			return eventstore.SubscriptionMessage{}, sub.ctxErr()
		}
		if err := ctx.Err(); err != nil {
			sub.dropInner()
			return eventstore.SubscriptionMessage{}, err
		}
		if sub.caughtUpDue && !sub.caughtUp {
			sub.caughtUp = true
			return eventstore.SubscriptionMessage{CaughtUp: true}, nil
		}
		sub.mu.Lock()
		inner := sub.inner
		sub.mu.Unlock()
		if inner == nil {
			if err := sub.resubscribe(ctx); err != nil {
				return eventstore.SubscriptionMessage{}, err
			}
			continue
		}

		// The client's Recv ignores contexts; closing the subscription is the
		// only way to stop it, and the subscription is dead after an error.
		stop := context.AfterFunc(ctx, func() { _ = inner.Close() })
		ev := inner.Recv()
		stop()

		switch {
		case ev.EventAppeared != nil:
			e := ev.EventAppeared.OriginalEvent()
			if e == nil {
				continue
			}
			pos := toPosition(e.Position)
			if !pos.After(sub.last) {
				continue // at or before the resume point: delivered already
			}
			sub.last, sub.failures = pos, 0
			if !pos.Before(sub.head) {
				sub.caughtUpDue = true
			}
			if isSystem(e) || s.foreign(e) {
				continue
			}
			r, err := toRecorded(e)
			if err != nil {
				sub.dropInner()
				return eventstore.SubscriptionMessage{}, err
			}
			return eventstore.SubscriptionMessage{Event: &r}, nil
		case ev.CheckPointReached != nil:
			pos := toPosition(*ev.CheckPointReached)
			if !pos.After(sub.last) {
				continue // checkpoints can lag the events already delivered
			}
			sub.last, sub.failures = pos, 0
			if !pos.Before(sub.head) {
				sub.caughtUpDue = true
			}
			return eventstore.SubscriptionMessage{Checkpoint: &pos}, nil
		case ev.CaughtUp != nil:
			sub.caughtUpDue = true
		case ev.SubscriptionDropped != nil:
			sub.dropInner()
			if sub.ctx.Err() != nil {
				continue // reported at the top of the loop
			}
			if err := ctx.Err(); err != nil {
				return eventstore.SubscriptionMessage{}, err
			}
			s.log.Warn("EventStoreDB subscription to $all dropped; resubscribing",
				"after", sub.last.String(), "error", ev.SubscriptionDropped.Error)
		}
	}
}

// resubscribe opens a new subscription from sub.last, waiting with
// exponential back-off between failed attempts.
func (sub *subscription) resubscribe(ctx context.Context) error {
	s := sub.store
	for {
		// Even the first attempt waits a little: a node that just dropped us
		// should not be hammered.
		wait := s.cfg.ResubscribeMinBackoff << min(sub.failures, 16)
		if wait > s.cfg.ResubscribeMaxBackoff || wait <= 0 {
			wait = s.cfg.ResubscribeMaxBackoff
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-sub.ctx.Done():
			t.Stop()
			return sub.ctxErr()
		}
		err := sub.open(ctx)
		if err == nil {
			return nil
		}
		if errors.Is(err, eventstore.ErrClosed) || ctx.Err() != nil || sub.ctx.Err() != nil {
			if sub.ctx.Err() != nil {
				return sub.ctxErr()
			}
			return err
		}
		sub.failures++
		s.log.Warn("EventStoreDB resubscription failed", "attempt", sub.failures, "err", err)
		if s.cfg.ResubscribeAttempts > 0 && sub.failures >= s.cfg.ResubscribeAttempts {
			return err
		}
	}
}

// Close implements eventstore.Subscription.
func (sub *subscription) Close() error {
	sub.cancel(errSubClosed)
	sub.stopParent()
	sub.dropInner()
	return nil
}
