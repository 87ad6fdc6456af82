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
	if err != nil || pid <= 0 || !processAlive(pid) || !isPostgres(pid) || !orphaned(dataDir, pid) {
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

// orphaned reports whether nobody supervises the postmaster pid on dataDir.
// The supervisor (the process that started or adopted it) records its pid
// beside the data directory: a live recorded supervisor other than this
// process means supervised. That holds for an adopted postmaster, whose
// parent is init, and for a supervisor running under another program name
// (both were taken for orphans, so a CLI command adopted the cluster of a
// running serve and shut it down when it ended). Without a record (a
// cluster started by an older version): the parent is init, or a process
// other than one like ours (a serve that died left it to init or a
// subreaper).
func orphaned(dataDir string, pid int) bool {
	if sup, ok := recordedSupervisor(dataDir); ok {
		return sup == os.Getpid() || !processAlive(sup) || zombie(sup)
	}
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

// supervisorFile is where the supervising process of the cluster on
// dataDir records its pid: beside the data directory, not in it
// (PostgreSQL's own files only there).
func supervisorFile(dataDir string) string {
	return filepath.Clean(dataDir) + ".supervisor"
}

// recordSupervisor records this process as the supervisor of the cluster
// on dataDir. Best effort: without the record the older orphan test
// applies.
func recordSupervisor(dataDir string, log *slog.Logger) {
	if err := os.WriteFile(supervisorFile(dataDir), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		log.Warn("embedded postgres: could not record the supervising process", "data", dataDir, "err", err)
	}
}

// forgetSupervisor removes the record if it still names this process.
func forgetSupervisor(dataDir string) {
	if sup, ok := recordedSupervisor(dataDir); ok && sup == os.Getpid() {
		_ = os.Remove(supervisorFile(dataDir))
	}
}

// recordedSupervisor is the pid recorded by recordSupervisor.
func recordedSupervisor(dataDir string) (int, bool) {
	data, err := os.ReadFile(supervisorFile(dataDir))
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	return pid, err == nil && pid > 0
}
