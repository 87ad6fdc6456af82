package main

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"backoffice/internal/procstat"
)

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
		server = procstat.CPU(m.server)
	}
	if m.dataDir == "" {
		return server, postgres
	}
	raw, err := os.ReadFile(filepath.Join(m.dataDir, "postgres", "postmaster.pid"))
	if err != nil {
		return server, postgres
	}
	pm, _, _ := strings.Cut(string(raw), "\n")
	return server, procstat.TreeCPU(pm)
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
