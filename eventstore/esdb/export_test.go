package esdb

import (
	"context"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
)

// CloseClientForTest closes the current clients (the shared one and the
// exclusive ones) as a failure would; the next call must notice and build
// new ones. Call it only while no call runs.
func (s *Store) CloseClientForTest() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sl := range append([]*slot{s.shared}, s.exclusive...) {
		if sl.cur != nil {
			_ = sl.cur.c.Close()
		}
	}
}

// ClientGeneration counts the clients built so far.
func (s *Store) ClientGeneration() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.built
}

// HookExclusiveCallsForTest makes every exclusive call (an append's write,
// a subscription's start) run hook first, inside the call, with its client
// and the context the client gets. Set it before the first call.
func (s *Store) HookExclusiveCallsForTest(hook func(c *esdb.Client, ctx context.Context)) {
	s.beforeExclusive = hook
}

// HookGivenUpClosedForTest makes the store call hook with every client it
// gave up, once it has closed it. Set it before the first call.
func (s *Store) HookGivenUpClosedForTest(hook func(c *esdb.Client)) {
	s.afterGivenUpClosed = hook
}
