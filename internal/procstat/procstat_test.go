package procstat_test

import (
	"os"
	"strconv"
	"testing"

	"backoffice/internal/procstat"
)

// TestReadsThisProcess: the stat line of this process names its parent,
// its CPU time grows with work, the parent's tree counts at least as much
// as this process, and a process that does not exist reads -1.
func TestReadsThisProcess(t *testing.T) {
	f := procstat.Fields("self")
	if f == nil {
		t.Fatal("no /proc/self/stat")
	}
	if f[1] != strconv.Itoa(os.Getppid()) {
		t.Fatalf("ppid %s, want %d", f[1], os.Getppid())
	}
	before := procstat.CPU("self")
	for x := 0; procstat.CPU("self") < before+0.05; x++ {
		_ = strconv.Itoa(x) // busy until the clock ticks on
	}
	self := procstat.CPU("self")
	if tree := procstat.TreeCPU(strconv.Itoa(os.Getppid())); tree < self {
		t.Fatalf("the parent's tree %.2f s counts less than its child's %.2f s", tree, self)
	}
	if got := procstat.CPU("999999999"); got != -1 {
		t.Fatalf("a missing process reads %v, want -1", got)
	}
}
