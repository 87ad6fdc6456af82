package apitest

import (
	"slices"
	"testing"

	"backoffice/eventstore"
)

// Recorded reads the whole stream as stored; given types, only its events
// of those types. A failed read (a stream that does not exist too) fails
// the test.
func Recorded(t testing.TB, store eventstore.Store, stream string, types ...string) []eventstore.RecordedEvent {
	t.Helper()
	recs, err := store.ReadStream(t.Context(), stream, eventstore.ReadStreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(types) == 0 {
		return recs
	}
	return slices.DeleteFunc(recs, func(r eventstore.RecordedEvent) bool { return !slices.Contains(types, r.Type) })
}
