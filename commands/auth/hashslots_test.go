package auth_test

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"backoffice/commands/auth"
)

// TestConcurrentHashesAreBounded: a flood of logins must not run one
// argon2 computation (19 MiB each) per request at once; at most
// HashSlots run, the rest wait.
func TestConcurrentHashesAreBounded(t *testing.T) {
	cheap := auth.Params{Memory: 8, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	hash, err := auth.HashPassword("correct horse", cheap)
	if err != nil {
		t.Fatal(err)
	}
	slots := auth.HashSlots()
	n := slots + 6
	var inside, peak atomic.Int32
	release := make(chan struct{})
	auth.SetWhileHashing(t, func() {
		now := inside.Add(1)
		for {
			p := peak.Load()
			if now <= p || peak.CompareAndSwap(p, now) {
				break
			}
		}
		<-release
		inside.Add(-1)
	})
	var started atomic.Int32
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			started.Add(1)
			if ok, err := auth.VerifyPassword("correct horse", hash); err != nil || !ok {
				t.Errorf("VerifyPassword = %v, %v", ok, err)
			}
		}()
	}
	// Wait until every caller has started and the slots are full, then
	// give the others every chance to get in too (without a bound they
	// all would, since nobody leaves before release).
	deadline := time.Now().Add(30 * time.Second)
	for started.Load() < int32(n) || inside.Load() < int32(slots) {
		if time.Now().After(deadline) {
			close(release)
			t.Fatalf("only %d of %d callers hashing after 30 s", inside.Load(), slots)
		}
		runtime.Gosched()
	}
	for range 20000 {
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	if got := peak.Load(); got > int32(slots) {
		t.Fatalf("%d hashes ran at once, want at most %d", got, slots)
	}
	if got := peak.Load(); got != int32(slots) {
		t.Fatalf("peak %d, want the %d slots used", got, slots)
	}
}
