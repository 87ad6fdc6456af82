package main

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// userHZ is the unit of the CPU times in /proc/PID/stat (USER_HZ, 100 on
// every Linux architecture Go supports).
const userHZ = 100

// cpuMeter reads the CPU time the server and its PostgreSQL have used,
// from /proc: what a phase costs in CPU is a figure the machine's other
// load moves far less than commands/s (docs/BENCHMARKS.md §9.4).
type cpuMeter struct {
	server  string // the serve process's PID, or ""
	dataDir string // the embedded cluster's data directory (postmaster.pid), or ""
}

// read returns the CPU seconds of the server process and of PostgreSQL
// (the postmaster, its live children and the children it has reaped).
// Each is -1 where it cannot be read.
func (m cpuMeter) read() (server, postgres float64) {
	server, postgres = -1, -1
	if m.server != "" {
		if f := statFields(m.server); f != nil {
			server = ticks(f, 11) + ticks(f, 12)
		}
	}
	if m.dataDir == "" {
		return server, postgres
	}
	raw, err := os.ReadFile(filepath.Join(m.dataDir, "postgres", "postmaster.pid"))
	if err != nil {
		return server, postgres
	}
	pm, _, _ := strings.Cut(string(raw), "\n")
	f := statFields(pm)
	if f == nil {
		return server, postgres
	}
	postgres = ticks(f, 11) + ticks(f, 12) + ticks(f, 13) + ticks(f, 14)
	procs, _ := filepath.Glob("/proc/[0-9]*")
	for _, p := range procs {
		if c := statFields(filepath.Base(p)); c != nil && c[1] == pm {
			postgres += ticks(c, 11) + ticks(c, 12) + ticks(c, 13) + ticks(c, 14)
		}
	}
	return server, postgres
}

// statFields returns the fields of /proc/PID/stat after the command name:
// [0] state, [1] ppid, … [11] utime, [12] stime, [13] cutime, [14] cstime.
func statFields(pid string) []string {
	raw, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return nil
	}
	s := string(raw)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return nil
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 15 {
		return nil
	}
	return f
}

func ticks(f []string, i int) float64 {
	v, _ := strconv.ParseFloat(f[i], 64)
	return v / userHZ
}

// projectorCommits sums the projectors' batch commits so far from the
// server's /metrics (backoffice_projection_batch_commit_seconds_count), or
// returns -1 where the server does not serve them.
func (b *bench) projectorCommits() float64 {
	res, err := b.http.Get(b.base + "/metrics")
	if err != nil {
		return -1
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		return -1
	}
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return -1
	}
	sum, found := 0.0, false
	for line := range strings.SplitSeq(string(raw), "\n") {
		if !strings.HasPrefix(line, "backoffice_projection_batch_commit_seconds_count") {
			continue
		}
		if i := strings.LastIndexByte(line, ' '); i > 0 {
			if v, err := strconv.ParseFloat(line[i+1:], 64); err == nil {
				sum, found = sum+v, true
			}
		}
	}
	if !found {
		return -1
	}
	return sum
}
