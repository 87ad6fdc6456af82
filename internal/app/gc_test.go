package app

import (
	"runtime/debug"
	"testing"
)

// gcPercent reads the collector's target (SetGCPercent has no getter).
func gcPercent() int {
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	return p
}

func restoreGC(t *testing.T) {
	prev := gcPercent()
	t.Cleanup(func() { debug.SetGCPercent(prev) })
}

// TestSetGCPercentDefault: without GOGC in the environment the process
// runs with GCPercent, not Go's 100.
func TestSetGCPercentDefault(t *testing.T) {
	restoreGC(t)
	debug.SetGCPercent(100)
	p, fromEnv := SetGCPercent(func(string) string { return "" })
	if p != GCPercent || fromEnv || gcPercent() != GCPercent {
		t.Fatalf("got %d (from env %v), in force %d; want %d", p, fromEnv, gcPercent(), GCPercent)
	}
}

// TestSetGCPercentLeavesTheOperatorsGOGC: GOGC in the environment (which
// the Go runtime applied at start) is left as it is.
func TestSetGCPercentLeavesTheOperatorsGOGC(t *testing.T) {
	restoreGC(t)
	for _, c := range []struct {
		env  string
		want int
	}{{"150", 150}, {"off", -1}} {
		debug.SetGCPercent(c.want) // as the runtime applied it
		p, fromEnv := SetGCPercent(func(k string) string {
			if k == "GOGC" {
				return c.env
			}
			return ""
		})
		if p != c.want || !fromEnv || gcPercent() != c.want {
			t.Fatalf("GOGC=%s: got %d (from env %v), in force %d", c.env, p, fromEnv, gcPercent())
		}
	}
}
