package auth

import (
	"crypto/sha256"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultSessionCacheTTL bounds how long a session this process has
// looked up is answered from memory. A revocation this process makes
// (Logout, LogoutAll, ChangePassword, a password reset, Disable, Enable,
// UpsertAccount) takes effect at once; one made elsewhere
// (another instance, SQL by hand) within this bound.
const DefaultSessionCacheTTL = 2 * time.Second

// accountsChanged counts the revocations and credential changes made in
// this process. UpsertAccount is a function of the package, not of a
// Service, so every Service's cache compares against this one counter.
var accountsChanged atomic.Uint64

// sessionsChanged drops every cached session of every Service of this
// process. Revocations are rare; a cleared cache costs one lookup per
// session.
func sessionsChanged() { accountsChanged.Add(1) }

// sessionCache keeps recently authenticated sessions by token hash, so a
// request does not cost a PostgreSQL round trip and transaction when the
// same session was looked up less than ttl ago.
type sessionCache struct {
	ttl   time.Duration
	clock func() time.Time // wall clock, not the request's: a test's fixed clock must not keep entries forever

	mu      sync.Mutex
	entries map[[sha256.Size]byte]cachedSession
}

type cachedSession struct {
	sess     Session
	loadedAt time.Time
	gen      uint64 // accountsChanged when the lookup started
}

// maxCachedSessions bounds the cache; when full it is emptied (the
// sessions of the last ttl come back with one lookup each).
const maxCachedSessions = 10000

func newSessionCache(ttl time.Duration) *sessionCache {
	return &sessionCache{ttl: ttl, clock: time.Now, entries: map[[sha256.Size]byte]cachedSession{}}
}

func (c *sessionCache) get(idHash []byte) (Session, bool) {
	if c.ttl <= 0 {
		return Session{}, false
	}
	key := [sha256.Size]byte(idHash)
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok {
		return Session{}, false
	}
	if e.gen != accountsChanged.Load() || c.clock().Sub(e.loadedAt) >= c.ttl {
		delete(c.entries, key)
		return Session{}, false
	}
	return e.sess, true
}

// put stores sess as looked up by a read that started when the counter
// was gen: a revocation after that start makes the entry invalid.
func (c *sessionCache) put(idHash []byte, sess Session, gen uint64, loadedAt time.Time) {
	if c.ttl <= 0 || gen != accountsChanged.Load() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= maxCachedSessions {
		clear(c.entries)
	}
	c.entries[[sha256.Size]byte(idHash)] = cachedSession{sess: sess, loadedAt: loadedAt, gen: gen}
}

// update replaces a cached session's details (after a touch) keeping its age.
func (c *sessionCache) update(idHash []byte, sess Session) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[[sha256.Size]byte(idHash)]; ok {
		e.sess = sess
		c.entries[[sha256.Size]byte(idHash)] = e
	}
}

func (c *sessionCache) drop(idHash []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, [sha256.Size]byte(idHash))
}

// CredentialsChanged tells this process's session caches that a
// credentials row (language, role, tenant, disabled) changed outside this
// package: call it after the change has committed, so the next request
// reads the new row rather than a session cached up to SessionCacheTTL
// ago.
func CredentialsChanged() { sessionsChanged() }
