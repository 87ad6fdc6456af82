// Package procstat reads the CPU time of processes from /proc (Linux), for
// the benchmarks: what a phase costs this process and PostgreSQL is a
// figure the machine's other load moves far less than a throughput
// (docs/BENCHMARKS.md §9.4).
package procstat

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// userHZ is the unit of the CPU times in /proc/PID/stat (USER_HZ, 100 on
// every Linux architecture Go supports).
const userHZ = 100

// Fields returns the fields of /proc/PID/stat after the command name:
// [0] state, [1] ppid, … [11] utime, [12] stime, [13] cutime, [14] cstime;
// nil where it cannot be read. pid is a PID or "self".
func Fields(pid string) []string {
	raw, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return nil
	}
	s := string(raw)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return nil
	}
	if f := strings.Fields(s[i+1:]); len(f) >= 15 {
		return f
	}
	return nil
}

// CPU is the CPU time (user + system) in seconds of process pid ("self"
// or a PID); -1 where /proc cannot tell.
func CPU(pid string) float64 {
	f := Fields(pid)
	if f == nil {
		return -1
	}
	return seconds(f, 11, 12)
}

// TreeCPU is the CPU time of process pid, the children it reaped and its
// live children (a postmaster and its backends); -1 where /proc cannot
// tell.
func TreeCPU(pid string) float64 {
	f := Fields(pid)
	if f == nil {
		return -1
	}
	sum := seconds(f, 11, 14)
	procs, _ := filepath.Glob("/proc/[0-9]*")
	for _, p := range procs {
		if c := Fields(filepath.Base(p)); c != nil && c[1] == pid {
			sum += seconds(c, 11, 14)
		}
	}
	return sum
}

// seconds sums the fields from..to of a stat line, in seconds.
func seconds(f []string, from, to int) (sum float64) {
	for i := from; i <= to; i++ {
		v, _ := strconv.ParseFloat(f[i], 64)
		sum += v / userHZ
	}
	return sum
}
