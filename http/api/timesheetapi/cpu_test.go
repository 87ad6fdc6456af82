package timesheetapi_test

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// selfCPU is the CPU time (user + system) this process has used so far:
// the Go side of what treeCPU counts (the rest is the cluster's).
func selfCPU() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// treeCPU is the CPU time (user + system) used so far by this process and
// every process below it: the test cluster's postmaster (with its exited
// backends, reaped into its children's times) and its live backends. On a
// machine shared with other work the wall time of a benchmark swings with
// the load while its CPU time moves much less, so the rebuild benchmark
// also reports its CPU over the raw pass's CPU. Linux only (/proc); 0
// elsewhere.
func treeCPU() time.Duration {
	type proc struct {
		ppid         int
		self, reaped int64 // clock ticks
	}
	procs := map[int]proc{}
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + d.Name() + "/stat")
		if err != nil {
			continue
		}
		// Fields after the command's closing parenthesis: state ppid ...
		// utime (14) stime (15) cutime (16) cstime (17), counted from 1.
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) < 15 {
			continue
		}
		num := func(i int) int64 { n, _ := strconv.ParseInt(f[i-3], 10, 64); return n }
		procs[pid] = proc{ppid: int(num(4)), self: num(14) + num(15), reaped: num(16) + num(17)}
	}
	var ticks int64
	var walk func(pid int, root bool)
	walk = func(pid int, root bool) {
		p := procs[pid]
		ticks += p.self
		if !root {
			ticks += p.reaped // the test process's own reaped children are not the cluster's
		}
		for child, c := range procs {
			if c.ppid == pid {
				walk(child, false)
			}
		}
	}
	walk(os.Getpid(), true)
	return time.Duration(ticks) * time.Second / 100 // USER_HZ
}
