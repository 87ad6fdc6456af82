package projections

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// rebuildTrace times the stages of a rebuild and writes them to stderr
// when PROJECTIONS_REBUILD_TRACE is set (measuring the fixed ends of a
// rebuild of a small log, BENCHMARKS.md §5 rebuild6); otherwise it does
// nothing.
type rebuildTrace struct {
	name  string
	start time.Time
	last  time.Time
	parts []string
}

func newRebuildTrace(name string) *rebuildTrace {
	if os.Getenv("PROJECTIONS_REBUILD_TRACE") == "" {
		return nil
	}
	now := time.Now()
	return &rebuildTrace{name: name, start: now, last: now}
}

// mark records the time since the previous mark under what.
func (t *rebuildTrace) mark(what string) {
	if t == nil {
		return
	}
	now := time.Now()
	t.parts = append(t.parts, fmt.Sprintf("%s=%.1fms", what, float64(now.Sub(t.last).Microseconds())/1000))
	t.last = now
}

// markN is mark with a count after what (formatted only when tracing).
func (t *rebuildTrace) markN(what string, n int) {
	if t != nil {
		t.mark(what + strconv.Itoa(n))
	}
}

func (t *rebuildTrace) done() {
	if t == nil {
		return
	}
	fmt.Fprintf(os.Stderr, "rebuild %s total=%.1fms %s\n", t.name, float64(time.Since(t.start).Microseconds())/1000, strings.Join(t.parts, " "))
}
