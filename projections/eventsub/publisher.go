package eventsub

import (
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/ThreeDotsLabs/watermill/message"

	"backoffice/eventstore"
)

// ErrPublishToAll: the global log is read-only; publish to a stream.
var ErrPublishToAll = errors.New("eventsub: cannot publish to " + eventstore.AllStream)

// Publisher appends Watermill messages to the stream named by the topic, all
// messages of one Publish call in one atomic append with no revision check
// (see ToEventData for the mapping). Commands do not use it: they append
// with an expected revision. It exists for integration and for Watermill's
// universal Pub/Sub tests.
type Publisher struct {
	store  eventstore.Store
	closed atomic.Bool
}

var _ message.Publisher = (*Publisher)(nil)

// NewPublisher returns a Publisher appending to store.
func NewPublisher(store eventstore.Store) *Publisher { return &Publisher{store: store} }

// Publish implements message.Publisher.
func (p *Publisher) Publish(topic string, msgs ...*message.Message) error {
	if p.closed.Load() {
		return ErrClosed
	}
	if topic == eventstore.AllStream {
		return ErrPublishToAll
	}
	if len(msgs) == 0 {
		return nil
	}
	events := make([]eventstore.EventData, len(msgs))
	for i, m := range msgs {
		e, err := ToEventData(m)
		if err != nil {
			return err
		}
		events[i] = e
	}
	if _, err := p.store.Append(msgs[0].Context(), topic, eventstore.Any(), events...); err != nil {
		return fmt.Errorf("eventsub: publish to %q: %w", topic, err)
	}
	return nil
}

// Close implements message.Publisher. It does not close the store.
func (p *Publisher) Close() error {
	p.closed.Store(true)
	return nil
}
