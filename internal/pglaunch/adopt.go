package pglaunch

import (
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// AdoptOrphan supervises a server that a previous process started on
// opts.DataDir and left running when it died: kill -9 of serve leaves its
// postmaster behind, re-parented to init, and without adoption nobody
// would restart that server when it dies in turn. found is false when no
// server runs there, or when its parent is another live process of ours
// (that one supervises it).
func AdoptOrphan(opts Options) (s *Supervisor, found bool, err error) {
	dataDir, err := filepath.Abs(opts.DataDir)
	if err != nil {
		return nil, false, fmt.Errorf("pglaunch: %w", err)
	}
	data, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil {
		return nil, false, nil
	}
	lines := strings.Split(string(data), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(lines[0]))
	if err != nil || pid <= 0 || !processAlive(pid) || !isPostgres(pid) || !orphaned(pid) {
		return nil, false, nil
	}
	socketDir := dataDir
	if len(lines) > 4 && strings.TrimSpace(lines[4]) != "" {
		socketDir = strings.TrimSpace(lines[4])
	}
	proc, err := os.FindProcess(pid)
	if err != nil {
		return nil, false, nil
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Cluster{DataDir: dataDir, SocketDir: socketDir, cmd: &exec.Cmd{Process: proc},
		done: make(chan struct{}), logTail: newTailBuffer(16 << 10), log: log}
	go func() {
		// Not our child: poll until the process is gone.
		for processAlive(pid) && isPostgres(pid) {
			time.Sleep(100 * time.Millisecond)
		}
		c.waitErr = fmt.Errorf("the adopted postmaster (pid %d) exited", pid)
		close(c.done)
	}()
	log.Warn("adopted the embedded postgres a previous process left running", "data", dataDir, "pid", pid)
	opts.DataDir = dataDir
	return newSupervisor(c, opts), true, nil
}

// orphaned reports whether pid's parent is init or a process other than one
// like ours (a serve that died left it to init or a subreaper).
func orphaned(pid int) bool {
	ppid := parentOf(pid)
	if ppid <= 1 {
		return true
	}
	self, err1 := os.ReadFile("/proc/self/comm")
	parent, err2 := os.ReadFile(fmt.Sprintf("/proc/%d/comm", ppid))
	return err1 != nil || err2 != nil || strings.TrimSpace(string(self)) != strings.TrimSpace(string(parent))
}

// parentOf is the parent pid of pid from /proc (0 when unknown).
func parentOf(pid int) int {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// pid (comm) state ppid ...; comm may hold spaces and parentheses.
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 2 {
		return 0
	}
	ppid, _ := strconv.Atoi(f[1])
	return ppid
}
