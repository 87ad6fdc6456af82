package eventstore

import (
	"math/bits"
	"sync"
)

// A command reads its streams whole on every load (every event is read
// and its hash checked each time), and the slice of a long timesheet's
// events was the largest thing it allocated: a fifth of the bytes, which
// the garbage collector then had to reclaim (docs/BENCHMARKS.md §9.11).
// A caller done with a slice ReadStreams returned may hand it back with
// RecycleEvents; an adapter filling a read takes its slice from
// RecycledEvents. Only the array of RecordedEvent values is reused: what
// the events point to (payloads, names) is never touched, and the array
// is cleared when it comes back, so nothing it held stays reachable.
//
// The rule for callers: recycle only a slice nobody else holds, and never
// use it (or an element's address) afterwards. ReadStreams' slices belong
// to the caller (every adapter returns fresh ones).

// Size classes: powers of two from minRecycled to maxRecycled events.
const (
	minRecycledBits = 6  // 64 events
	maxRecycledBits = 14 // 16,384 events
)

var recycled [maxRecycledBits - minRecycledBits + 1]sync.Pool

// recycleClass is the class whose capacity holds n events, or -1.
func recycleClass(n int) int {
	if n <= 0 || n > 1<<maxRecycledBits {
		return -1
	}
	b := bits.Len(uint(n - 1)) // 1<<b >= n
	return max(b, minRecycledBits) - minRecycledBits
}

// RecycledEvents returns n zero events, reusing a recycled array when one
// of the right size is at hand.
func RecycledEvents(n int) []RecordedEvent {
	c := recycleClass(n)
	if c < 0 {
		return make([]RecordedEvent, n)
	}
	if p, ok := recycled[c].Get().(*[]RecordedEvent); ok {
		return (*p)[:n]
	}
	return make([]RecordedEvent, n, 1<<(c+minRecycledBits))
}

// RecycleEvents hands back a slice the caller owns and will not use again
// (see above). A slice whose capacity is not one of the classes is left
// to the garbage collector.
func RecycleEvents(events []RecordedEvent) {
	c := recycleClass(cap(events))
	if c < 0 || cap(events) != 1<<(c+minRecycledBits) {
		return
	}
	events = events[:cap(events)]
	clear(events)
	recycled[c].Put(&events)
}
