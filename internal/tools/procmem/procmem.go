// Package procmem reads a process's memory from /proc, for the benchmarks
// that report RSS (docs/BENCHMARKS.md §9).
package procmem

import (
	"fmt"
	"os"
	"strings"
)

// Read returns the resident set and its peak (VmRSS, VmHWM) in bytes of
// the process whose /proc directory is named proc ("self" or a PID); ok
// is false where /proc cannot tell (another OS, a process gone).
func Read(proc string) (rss, peak float64, ok bool) {
	status, err := os.ReadFile("/proc/" + proc + "/status")
	if err != nil {
		return 0, 0, false
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		name, value, found := strings.Cut(line, ":")
		if !found {
			continue
		}
		var kb float64
		if _, err := fmt.Sscanf(strings.TrimSpace(value), "%f kB", &kb); err != nil {
			continue
		}
		switch name {
		case "VmRSS":
			rss = kb * 1024
		case "VmHWM":
			peak = kb * 1024
		}
	}
	return rss, peak, rss > 0
}
