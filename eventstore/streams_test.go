package eventstore_test

import (
	"slices"
	"testing"

	"backoffice/eventstore"
)

func TestStreamsListsEachOnceInFirstOrder(t *testing.T) {
	var evs []eventstore.RecordedEvent
	for _, s := range []string{"b", "a", "b", "c", "a"} {
		evs = append(evs, eventstore.RecordedEvent{Stream: s})
	}
	if got := eventstore.Streams(evs); !slices.Equal(got, []string{"b", "a", "c"}) {
		t.Fatalf("Streams = %v, want [b a c]", got)
	}
	if got := eventstore.Streams(nil); len(got) != 0 {
		t.Fatalf("Streams(nil) = %v, want none", got)
	}
}
