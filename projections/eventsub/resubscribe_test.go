package eventsub_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"backoffice/eventstore"
	"backoffice/eventstore/memory"
	"backoffice/projections/eventsub"
)

// outage wraps a store: cut ends every open subscription with a transport
// error, and while down SubscribeAll fails as PostgreSQL does when it has
// gone away.
type outage struct {
	eventstore.Store
	down     atomic.Bool
	attempts atomic.Int64 // SubscribeAll calls refused while down
	mu       sync.Mutex
	dead     chan struct{}
}

func newOutage() *outage { return &outage{Store: memory.New(), dead: make(chan struct{})} }

func (o *outage) SubscribeAll(ctx context.Context, from eventstore.Position) (eventstore.Subscription, error) {
	if o.down.Load() {
		o.attempts.Add(1)
		return nil, fmt.Errorf("%w: connection refused", eventstore.ErrUnavailable)
	}
	sub, err := o.Store.SubscribeAll(ctx, from)
	if err != nil {
		return nil, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return &cutSub{Subscription: sub, dead: o.dead}, nil
}

// cut takes the store down and breaks the open subscriptions.
func (o *outage) cut() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.down.Store(true)
	close(o.dead)
	o.dead = make(chan struct{})
}

type cutSub struct {
	eventstore.Subscription
	dead chan struct{}
}

func (s *cutSub) Recv(ctx context.Context) (eventstore.SubscriptionMessage, error) {
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-s.dead:
			cancel()
		case <-rctx.Done():
		}
	}()
	m, err := s.Subscription.Recv(rctx)
	select {
	case <-s.dead:
		return eventstore.SubscriptionMessage{}, errors.New("outage: connection lost")
	default:
	}
	return m, err
}

func appendOne(t *testing.T, s eventstore.Store, n int) {
	t.Helper()
	data, _ := json.Marshal(map[string]int{"n": n})
	if _, err := s.Append(context.Background(), fmt.Sprintf("test-%d", n), eventstore.NoStream(),
		eventstore.EventData{ID: uuid.New(), Type: "test.happened", Data: data}); err != nil {
		t.Fatal(err)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestSubscriptionEndsCleanlyDuringAnOutage: a subscription that is
// resubscribing while the store is down ends without a panic when its
// context ends (serve panicked here: the failed resubscribe left a nil
// subscription that the deferred Close called).
func TestSubscriptionEndsCleanlyDuringAnOutage(t *testing.T) {
	store := newOutage()
	sub, err := eventsub.NewSubscriber(store, eventsub.SubscriberConfig{RetryDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	msgs, err := sub.Subscribe(ctx, eventstore.AllStream)
	if err != nil {
		t.Fatal(err)
	}
	store.cut()
	waitFor(t, "a refused resubscribe", func() bool { return store.attempts.Load() >= 2 })
	cancel()
	for range msgs {
	}
	if err := sub.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestSubscriptionResumesAfterAnOutage: once the store is back, the
// subscription resumes after the last event it delivered.
func TestSubscriptionResumesAfterAnOutage(t *testing.T) {
	store := newOutage()
	sub, err := eventsub.NewSubscriber(store, eventsub.SubscriberConfig{RetryDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sub.Close() })
	msgs, err := sub.Subscribe(context.Background(), eventstore.AllStream)
	if err != nil {
		t.Fatal(err)
	}
	appendOne(t, store, 1)
	(<-msgs).Ack()
	store.cut()
	waitFor(t, "a refused resubscribe", func() bool { return store.attempts.Load() >= 2 })
	appendOne(t, store, 2)
	store.down.Store(false)
	select {
	case m := <-msgs:
		m.Ack()
		var got map[string]int
		if err := json.Unmarshal(m.Payload, &got); err != nil || got["n"] != 2 {
			t.Fatalf("after the outage got %s, want event 2", m.Payload)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no event after the store came back")
	}
}
