package procmem

import "testing"

// TestReadSelf: this process has a resident set, and its peak is at least
// that large.
func TestReadSelf(t *testing.T) {
	rss, peak, ok := Read("self")
	if !ok || rss <= 0 {
		t.Fatalf("Read(self) = %v, %v, %v: want a resident set", rss, peak, ok)
	}
	if peak < rss {
		t.Fatalf("peak %v below resident set %v", peak, rss)
	}
	if _, _, ok := Read("no-such-process"); ok {
		t.Fatal("Read of a missing process reported ok")
	}
}
