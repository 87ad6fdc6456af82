package eventsub

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"

	"backoffice/eventstore"
)

// ErrClosed is returned by Subscribe and Publish after Close.
var ErrClosed = errors.New("eventsub: closed")

// SubscriberConfig configures a Subscriber. The zero value is usable.
type SubscriberConfig struct {
	// From returns the position a new subscription starts after
	// (exclusive), called once per Subscribe. nil means eventstore.Start:
	// every subscription reads its topic from the beginning.
	From func(ctx context.Context, topic string) (eventstore.Position, error)
	// Prefetch is how many events are read ahead from the store while the
	// consumer works on the current one (default 512).
	Prefetch int
	// RetryDelay is the pause before resubscribing after the store's
	// subscription failed (default 1s).
	RetryDelay time.Duration
	// NackDelay is the pause before a nacked message is sent again
	// (default 0).
	NackDelay time.Duration
	// Logger defaults to watermill.NopLogger.
	Logger watermill.LoggerAdapter
}

func (c *SubscriberConfig) setDefaults() {
	if c.Prefetch <= 0 {
		c.Prefetch = 512
	}
	if c.RetryDelay <= 0 {
		c.RetryDelay = time.Second
	}
	if c.Logger == nil {
		c.Logger = watermill.NopLogger{}
	}
}

// Subscriber is a Watermill message.Subscriber over an event store. Topic
// eventstore.AllStream ("$all") is the global log; any other topic is the
// stream of that name. Per Subscribe it delivers the topic's events in log
// order, one at a time: the next message is sent only after the previous one
// is acked, and a nacked message is sent again (the same event, as a new
// message with the same UUID). There are no consumer groups: each Subscribe
// starts from SubscriberConfig.From (the beginning by default), so delivery
// is at-least-once across restarts and consumers keep their own checkpoint.
type Subscriber struct {
	store eventstore.Store
	cfg   SubscriberConfig

	mu      sync.Mutex
	closed  bool
	closing chan struct{}
	wg      sync.WaitGroup
}

var _ message.Subscriber = (*Subscriber)(nil)

// NewSubscriber returns a Subscriber reading from store.
func NewSubscriber(store eventstore.Store, cfg SubscriberConfig) (*Subscriber, error) {
	if store == nil {
		return nil, errors.New("eventsub: nil store")
	}
	cfg.setDefaults()
	return &Subscriber{store: store, cfg: cfg, closing: make(chan struct{})}, nil
}

// Subscribe implements message.Subscriber. The returned channel is closed
// when ctx ends, when Close is called, or when the store is closed.
func (s *Subscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	if topic == "" {
		return nil, errors.New("eventsub: empty topic")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	from := eventstore.Start
	if s.cfg.From != nil {
		var err error
		if from, err = s.cfg.From(ctx, topic); err != nil {
			return nil, fmt.Errorf("eventsub: start position of %q: %w", topic, err)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	sub, err := s.store.SubscribeAll(ctx, from)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("eventsub: subscribe %q: %w", topic, err)
	}
	out := make(chan *message.Message)
	items := make(chan *eventstore.RecordedEvent, s.cfg.Prefetch)
	logger := s.cfg.Logger.With(watermill.LogFields{"topic": topic})
	s.wg.Add(3)
	go func() {
		defer s.wg.Done()
		select {
		case <-s.closing:
			cancel()
		case <-ctx.Done():
		}
	}()
	go func() {
		defer s.wg.Done()
		s.read(ctx, sub, topic, from, items, logger)
	}()
	go func() {
		defer s.wg.Done()
		defer cancel()
		s.send(ctx, items, out, logger)
	}()
	return out, nil
}

// read pulls events from the store into items (the prefetch buffer).
func (s *Subscriber) read(ctx context.Context, sub eventstore.Subscription, topic string, last eventstore.Position, items chan<- *eventstore.RecordedEvent, logger watermill.LoggerAdapter) {
	defer close(items)
	defer func() {
		if sub != nil {
			_ = sub.Close()
		}
	}()
	all := topic == eventstore.AllStream
	for {
		m, err := sub.Recv(ctx)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, eventstore.ErrClosed) {
				return
			}
			// The subscription is dead after any error: resubscribe after
			// the last event read, after a pause.
			logger.Error("Event store subscription failed, resubscribing", err, watermill.LogFields{"after": last.String()})
			_ = sub.Close()
			sub = nil // closed; a failed resubscribe returns none
			for {
				select {
				case <-ctx.Done():
					return
				case <-time.After(s.cfg.RetryDelay):
				}
				next, err := s.store.SubscribeAll(ctx, last)
				if err == nil {
					sub = next
					break
				}
				if ctx.Err() != nil || errors.Is(err, eventstore.ErrClosed) {
					return
				}
				logger.Error("Cannot resubscribe", err, nil)
			}
			continue
		}
		if m.Event == nil {
			continue
		}
		last = m.Event.Position
		if !all && m.Event.Stream != topic {
			continue
		}
		select {
		case items <- m.Event:
		case <-ctx.Done():
			return
		}
	}
}

// send delivers items one at a time, waiting for each ack.
func (s *Subscriber) send(ctx context.Context, items <-chan *eventstore.RecordedEvent, out chan<- *message.Message, logger watermill.LoggerAdapter) {
	defer close(out)
	for {
		var e *eventstore.RecordedEvent
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-items:
			if !ok {
				return
			}
			e = ev
		}
		for acked := false; !acked; {
			msg, err := ToMessage(*e)
			if err != nil {
				// Skipping would break ordering guarantees: end the
				// subscription instead, the consumer sees a closed channel.
				logger.Error("Cannot convert event, closing subscription", err, watermill.LogFields{"event_id": e.ID.String()})
				return
			}
			mctx, mcancel := context.WithCancel(withEvent(ctx, e, len(items) > 0))
			msg.SetContext(mctx)
			select {
			case out <- msg:
			case <-ctx.Done():
				mcancel()
				return
			}
			select {
			case <-msg.Acked():
				acked = true
			case <-msg.Nacked():
			case <-ctx.Done():
				mcancel()
				return
			}
			mcancel()
			if !acked {
				if ctx.Err() != nil {
					return
				}
				if s.cfg.NackDelay > 0 {
					select {
					case <-ctx.Done():
						return
					case <-time.After(s.cfg.NackDelay):
					}
				}
			}
		}
	}
}

// Close ends every subscription of this Subscriber and waits until their
// channels are closed. It does not close the store.
func (s *Subscriber) Close() error {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.closing)
	}
	s.mu.Unlock()
	s.wg.Wait()
	return nil
}
