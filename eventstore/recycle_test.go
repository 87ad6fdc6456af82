package eventstore

import "testing"

// TestRecycledEventsAreZero: a recycled array comes back cleared (nothing
// of the old events stays reachable or readable), with the length asked
// for; slices of other capacities are not taken.
func TestRecycledEventsAreZero(t *testing.T) {
	evs := RecycledEvents(100)
	if len(evs) != 100 || cap(evs) != 128 {
		t.Fatalf("RecycledEvents(100): len %d cap %d, want 100 and 128", len(evs), cap(evs))
	}
	for i := range evs {
		evs[i] = RecordedEvent{Stream: "s", Revision: uint64(i), Data: []byte(`{}`)}
	}
	RecycleEvents(evs)
	for range 20 { // a pool may drop what it was given (always under -race sometimes)
		again := RecycledEvents(70)
		if len(again) != 70 {
			t.Fatalf("len %d, want 70", len(again))
		}
		for i, e := range again[:cap(again)] {
			if e.Stream != "" || e.Revision != 0 || e.Data != nil {
				t.Fatalf("event %d of a recycled array: %+v, want zero", i, e)
			}
		}
		RecycleEvents(again)
	}
	odd := make([]RecordedEvent, 3, 100)
	odd[0].Stream = "kept"
	RecycleEvents(odd) // not a class: left alone
	if odd[0].Stream != "kept" {
		t.Fatal("a slice of another capacity was cleared")
	}
	if c := recycleClass(1 << 20); c != -1 {
		t.Fatalf("class of a huge read: %d, want -1", c)
	}
}
