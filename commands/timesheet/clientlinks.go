package timesheet

import (
	"sync"
)

// clientLinks remembers which client each placement belongs to, so a
// command reads the placement, its client and the timesheet in one
// ReadStreams (one round trip) instead of one after the other. Only the
// link is kept, not the streams' state: the streams are read and their hash
// chains verified on every command (nothing may be decided on tampered
// history, commands/integrity.go), and the append requires the placement
// and client to stand at the revisions read (commands.SaveIf). A stale
// link costs one more read, never a wrong decision: read checks it
// against the placement it loaded.
type clientLinks struct {
	mu    sync.Mutex
	links map[string]string // placement stream → its client's stream
}

// maxClientLinks bounds the map; it is emptied when full.
const maxClientLinks = 50000

func newClientLinks() *clientLinks { return &clientLinks{links: map[string]string{}} }

// of is the client stream of a placement stream, "" when not known.
func (c *clientLinks) of(placementStream string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.links[placementStream]
}

func (c *clientLinks) set(placementStream, clientStream string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.links) >= maxClientLinks {
		clear(c.links)
	}
	c.links[placementStream] = clientStream
}
