package app

import (
	"runtime/debug"
	"strconv"
)

// GCPercent is the garbage collector's target (GOGC) the process runs
// with unless the environment sets GOGC: 200, not Go's 100. A command
// allocates ~90 kB of short-lived garbage while the live heap is ~25 MB,
// so collections come often and their marking is ~5–7 % of the process's
// CPU per command (docs/BENCHMARKS.md §9.16); at 200 the heap may grow to
// three times the live heap before a collection instead of twice (about
// 25 MB more at the demo's size; docs/operations.md).
const GCPercent = 200

// SetGCPercent sets the garbage collector's target to GCPercent unless
// getenv("GOGC") is set (the operator's choice, which the Go runtime has
// applied already, wins). It returns the target in force (-1: off) and
// whether it came from the environment. serve calls it at start-up, and
// so does BenchmarkCommandPath, so the benchmark runs as the product does.
func SetGCPercent(getenv func(string) string) (percent int, fromEnv bool) {
	if v := getenv("GOGC"); v != "" {
		if v == "off" {
			return -1, true
		}
		p, _ := strconv.Atoi(v)
		return p, true
	}
	debug.SetGCPercent(GCPercent)
	return GCPercent, false
}
