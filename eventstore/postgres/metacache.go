package postgres

import (
	"sync"

	"backoffice/eventstore"
)

// metaCache remembers decoded metadata by its exact bytes. A command reads
// its streams whole on every load, and decoding each event's metadata
// again was most of the scan's time. Keyed by the bytes themselves (never
// by the event's hash, which is only checked later, in the command's
// fold): equal bytes decode to equal values, so a hit returns exactly
// what decoding would, also for a tampered row. The decoded strings are
// shared read-only.
type metaCache struct {
	mu sync.Mutex
	m  map[string]eventstore.Metadata
	// streams memoizes, per stream, each revision's metadata bytes and
	// their decoding, in revision order: a command's read compares an
	// event's bytes with its revision's entry (memory read in order)
	// instead of looking them up in m (a hash of the whole document and a
	// random probe that missed the CPU's caches: ~0.3 µs an event, a few
	// per cent of a command's CPU). Equal bytes decode to equal values, as
	// for m. An entry is never changed once published, only appended to:
	// a read holding an older slice of a stream reads only its own length.
	streams  map[string][]memoEntry
	memoized int
}

// memoEntry is one revision's metadata as stored and decoded.
type memoEntry struct {
	raw string
	md  eventstore.Metadata
}

// maxMemoized bounds the memo's entries (a few hundred bytes each): when
// full it starts again empty.
const maxMemoized = 1 << 14

// memoOf returns stream's memo from revision 0 on (nil: none).
func (c *metaCache) memoOf(stream string) []memoEntry {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	m := c.streams[stream]
	c.mu.Unlock()
	return m
}

// extendMemo adds the entries of revisions had, had+1, … to stream's memo,
// if it still ends at had (else another read extended it already).
func (c *metaCache) extendMemo(stream string, had int, more []memoEntry) {
	if c == nil || len(more) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	cur := c.streams[stream]
	if len(cur) != had {
		return
	}
	if c.streams == nil || c.memoized+len(more) > maxMemoized {
		c.streams, c.memoized = make(map[string][]memoEntry), 0
		if had > 0 {
			return // cur was the old map's
		}
	}
	// In place when cur has room: only indexes from had on are written,
	// which no published slice of this stream covers.
	c.streams[stream] = append(cur, more...)
	c.memoized += len(more)
}

// maxMetas bounds the memory (a few hundred bytes an entry): when full, the
// map starts again empty (a miss only costs the decoding).
const maxMetas = 1 << 13

// get looks b up; a nil cache has nothing.
func (c *metaCache) get(b []byte) (eventstore.Metadata, bool) {
	if c == nil {
		return eventstore.Metadata{}, false
	}
	c.mu.Lock()
	m, ok := c.m[string(b)] // no copy of b for the lookup
	c.mu.Unlock()
	return m, ok
}

// put remembers m as b's decoding; a nil cache forgets it.
func (c *metaCache) put(b []byte, m eventstore.Metadata) {
	if c == nil {
		return
	}
	k := string(b)
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxMetas {
		c.m = make(map[string]eventstore.Metadata)
	}
	c.m[k] = m
	c.mu.Unlock()
}
