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

// HookRetiredClosedForTest makes the store call hook with every client it
// replaced (gave up, or retired after Unavailable), once it has closed it.
// Set it before the first call.
func (s *Store) HookRetiredClosedForTest(hook func(c *esdb.Client)) {
	s.afterRetiredClosed = hook
}

// SharedClientForTest is the client reads run on now (nil before the first
// call). A test may call it only while the store cannot close it.
func (s *Store) SharedClientForTest() *esdb.Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shared.cur == nil {
		return nil
	}
	return s.shared.cur.c
}
