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
