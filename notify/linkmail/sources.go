package linkmail

import (
	"sync"
	"time"

	"backoffice/commands/auth"
	"backoffice/domain"
)

// ErrTooManyRequests answers a link request over the cap of its source
// address, or one that finds MaxInFlight requests still being handled. It
// says nothing about the address asked for, so it tells an attacker
// nothing about which accounts exist.
var ErrTooManyRequests = &domain.Error{Kind: domain.KindTooMany, Code: "too_many_link_requests",
	Message:   "Too many link requests from this address. Try again later.",
	MessageNL: "Er zijn te veel aanvragen vanaf dit adres gedaan. Probeer het later opnieuw."}

// sourceWindow counts one source's requests in the hour since start.
type sourceWindow struct {
	start time.Time
	n     int
}

// sources caps link requests per source address per hour, in this process
// (each instance counts its own; the cap per address stays the database's,
// shared by all). Without it one client could have the server look up an
// unbounded stream of addresses.
type sources struct {
	mu    sync.Mutex
	limit int
	seen  map[string]*sourceWindow
}

// maxTrackedSources bounds the memory of the counters: past it, windows
// older than an hour are dropped.
const maxTrackedSources = 10_000

// admit counts a request from ip at now and reports whether it is within
// the limit. An empty ip (no address known) is not counted.
func (s *sources) admit(ip string, now time.Time) bool {
	if ip == "" {
		return true
	}
	key := auth.Source(ip)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.seen) >= maxTrackedSources {
		for k, w := range s.seen {
			if now.Sub(w.start) >= time.Hour {
				delete(s.seen, k)
			}
		}
	}
	w := s.seen[key]
	if w == nil || now.Sub(w.start) >= time.Hour {
		if w == nil && len(s.seen) >= maxTrackedSources {
			return false // an hour's worth of distinct sources: a flood
		}
		w = &sourceWindow{start: now}
		s.seen[key] = w
	}
	if w.n >= s.limit {
		return false
	}
	w.n++
	return true
}
