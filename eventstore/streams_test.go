package eventstore_test

import (
	"slices"
	"testing"

	"backoffice/eventstore"
)

func TestStreamsEachOnceInOrder(t *testing.T) {
	var events []eventstore.RecordedEvent
	for _, s := range []string{"b", "a", "b", "c", "a"} {
		events = append(events, eventstore.RecordedEvent{Stream: s})
	}
	if got := eventstore.Streams(events); !slices.Equal(got, []string{"b", "a", "c"}) {
		t.Fatalf("Streams = %v, want [b a c]", got)
	}
	if got := eventstore.Streams(nil); len(got) != 0 {
		t.Fatalf("Streams(nil) = %v, want none", got)
	}
}
