package eventsub_test

import (
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/tests"

	"backoffice/eventstore/memory"
	"backoffice/projections/eventsub"
)

func TestPubSub(t *testing.T) {
	store := memory.New() // shared by every constructor call: the log is persistent
	t.Cleanup(func() { _ = store.Close() })
	construct := func(t *testing.T) (message.Publisher, message.Subscriber) {
		sub, err := eventsub.NewSubscriber(store, eventsub.SubscriberConfig{})
		if err != nil {
			t.Fatal(err)
		}
		return eventsub.NewPublisher(store), sub
	}
	tests.TestPubSub(t, tests.Features{
		ConsumerGroups:                   false, // every Subscribe reads from its start position
		ExactlyOnceDelivery:              false, // at-least-once: nack and restart redeliver
		GuaranteedOrder:                  true,  // log order, next message only after ack
		Persistent:                       true,
		NewSubscriberReceivesOldMessages: true,
	}, construct, func(t *testing.T, _ string) (message.Publisher, message.Subscriber) {
		return construct(t)
	})
}
