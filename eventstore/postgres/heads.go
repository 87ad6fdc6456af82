package postgres

import (
	"sync"

	"backoffice/eventstore"
)

// heads remembers the last event (revision and hash) of streams this process
// appended to or read to the end, so an append of several events can link
// its hash chain in Go (appendLinkedSQL) instead of in a PL/pgSQL loop on
// the server. An entry is only a guess: the linked statement checks it
// against the stream's real head under the stream lock and writes nothing
// when it is stale, and Append then runs the ordinary statement. So a wrong
// entry costs one more round trip, never a wrong chain.
type heads struct {
	mu sync.Mutex
	m  map[string]head
}

// head is a stream's last event: revision -1 and the zero hash for none.
type head struct {
	revision int64
	hash     eventstore.Hash
}

// maxHeads bounds the memory: when full, the map starts again empty (a
// miss only costs the server-side linking).
const maxHeads = 1 << 16

func (h *heads) get(stream string) (head, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	v, ok := h.m[stream]
	return v, ok
}

func (h *heads) put(stream string, v head) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.m == nil || len(h.m) >= maxHeads {
		h.m = make(map[string]head)
	}
	h.m[stream] = v
}

func (h *heads) drop(stream string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.m, stream)
}
