package auth

import "time"

// SetSessionCacheClock replaces the wall clock of s's session cache.
func SetSessionCacheClock(s *Service, clock func() time.Time) { s.cache.clock = clock }

// SetBeforeHash makes f run before every password hash until the test ends.
func SetBeforeHash(t interface{ Cleanup(func()) }, f func()) {
	old := beforeHash
	beforeHash = f
	t.Cleanup(func() { beforeHash = old })
}

// HashSlots is how many password hashes may run at once.
func HashSlots() int { return cap(hashSlots) }

// SetWhileHashing makes f run inside every password hash's slot until the
// test ends.
func SetWhileHashing(t interface{ Cleanup(func()) }, f func()) {
	old := whileHashing
	whileHashing = f
	t.Cleanup(func() { whileHashing = old })
}
