package apitest

import (
	"testing"

	"backoffice/eventstore"
)

// Events is every event of stream as stored; a failed read (a stream that
// does not exist too) fails the test.
func Events(t testing.TB, store eventstore.Store, stream string) []eventstore.RecordedEvent {
	t.Helper()
	evs, err := store.ReadStream(t.Context(), stream, eventstore.ReadStreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// OfType keeps the events of type typ, in order.
func OfType(evs []eventstore.RecordedEvent, typ string) []eventstore.RecordedEvent {
	var out []eventstore.RecordedEvent
	for _, ev := range evs {
		if ev.Type == typ {
			out = append(out, ev)
		}
	}
	return out
}
