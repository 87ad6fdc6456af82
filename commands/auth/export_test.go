package auth

import "time"

// SetSessionCacheClock replaces the wall clock of s's session cache.
func SetSessionCacheClock(s *Service, clock func() time.Time) { s.cache.clock = clock }
