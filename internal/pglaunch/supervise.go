package pglaunch

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"
)

// Restart back-off of a supervised cluster: a server that ran for
// stableAfter before it died is started again after minBackoff; one that
// dies sooner (a crash loop), or a start that fails, doubles the pause up
// to maxBackoff.
const (
	minBackoff  = 250 * time.Millisecond
	maxBackoff  = 30 * time.Second
	stableAfter = 5 * time.Second
)

// Supervisor keeps a cluster running: when the postmaster exits without
// being asked to (a crash, the OOM killer, kill -9) it starts it again on
// the same data and socket directories, with back-off, and logs both. The
// connection string never changes, so pools and subscribers reconnect by
// themselves once the server is back. After kill -9 the server's orphaned
// backends may hold the shared memory for a moment; PostgreSQL then
// refuses to start, and the next attempt after the back-off succeeds.
type Supervisor struct {
	opts Options
	log  *slog.Logger

	mu       sync.Mutex
	cur      *Cluster
	restarts int
	cleanup  []string // the first cluster's temporary socket directory

	stopping chan struct{}
	cancel   context.CancelFunc
	done     chan struct{}
	stopOnce sync.Once
	stopErr  error
}

// Supervise starts the cluster (see Start) and restarts it whenever it
// exits until Stop is called.
func Supervise(ctx context.Context, opts Options) (*Supervisor, error) {
	c, err := startAfterOrphans(ctx, opts)
	if err != nil {
		return nil, err
	}
	return newSupervisor(c, opts), nil
}

// orphanWait is how long a start waits for the backends of a postmaster
// killed with -9 to let go of its shared memory.
const orphanWait = time.Minute

// startAfterOrphans is Start, tried again (every minBackoff, up to
// orphanWait) while PostgreSQL refuses because the backends of a killed
// postmaster still hold its shared memory ("pre-existing shared memory
// block ... is still in use"): each exits when it notices its postmaster
// is gone, at the latest when its query ends. Without this a serve started
// right after kill -9 of serve and its postmaster exited at once.
func startAfterOrphans(ctx context.Context, opts Options) (*Cluster, error) {
	deadline := time.Now().Add(orphanWait)
	for logged := false; ; {
		c, err := Start(ctx, opts)
		if err == nil || !strings.Contains(err.Error(), "pre-existing shared memory block") || time.Now().After(deadline) {
			return c, err
		}
		if !logged && opts.Logger != nil {
			opts.Logger.Warn("embedded postgres: the backends of a killed server still hold its shared memory; waiting for them to exit",
				"data", opts.DataDir)
			logged = true
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(minBackoff):
		}
	}
}

// newSupervisor supervises the running cluster c.
func newSupervisor(c *Cluster, opts Options) *Supervisor {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// Restarts reuse the socket directory the first start chose; the
	// temporary one (if any) is removed only when the supervisor stops.
	opts.SocketDir = c.SocketDir
	runCtx, cancel := context.WithCancel(context.Background())
	s := &Supervisor{opts: opts, log: log, cur: c, cleanup: c.removeDirs,
		stopping: make(chan struct{}), cancel: cancel, done: make(chan struct{})}
	c.removeDirs = nil
	recordSupervisor(c.DataDir, log)
	go s.run(runCtx)
	return s
}

// ConnString is the current cluster's connection string (see
// Cluster.ConnString); it is the same across restarts.
func (s *Supervisor) ConnString(dbname string) string { return s.current().ConnString(dbname) }

// Restarts is how often the server was started again after it died.
func (s *Supervisor) Restarts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.restarts
}

// Cluster is the server running now (or the one that just died).
func (s *Supervisor) current() *Cluster {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur
}

// Pid is the process ID of the current postmaster (0 before it started).
func (s *Supervisor) Pid() int {
	c := s.current()
	if c.cmd == nil || c.cmd.Process == nil {
		return 0
	}
	return c.cmd.Process.Pid
}

// Stop ends supervision and shuts the server down (see Cluster.Stop).
func (s *Supervisor) Stop(ctx context.Context) error {
	s.stopOnce.Do(func() {
		close(s.stopping)
		s.cancel()
		<-s.done
		s.stopErr = s.current().Stop(ctx)
		forgetSupervisor(s.current().DataDir)
		for _, d := range s.cleanup {
			_ = os.RemoveAll(d)
		}
	})
	return s.stopErr
}

func (s *Supervisor) run(ctx context.Context) {
	defer close(s.done)
	backoff := minBackoff
	for {
		c := s.current()
		started := time.Now()
		select {
		case <-s.stopping:
			return
		case <-c.Done():
		}
		select {
		case <-s.stopping:
			return // Stop raced with the exit: nothing to restart
		default:
		}
		// Release the dead server's log file; its exit status says why.
		exit := c.Stop(context.Background())
		if time.Since(started) > stableAfter {
			backoff = minBackoff
		}
		s.log.Error("embedded postgres exited unexpectedly; restarting it", "data", c.DataDir, "err", exitReason(exit), "after", backoff)
		for attempt := 1; ; attempt++ {
			select {
			case <-s.stopping:
				return
			case <-time.After(backoff):
			}
			backoff = min(backoff*2, maxBackoff)
			next, err := Start(ctx, s.opts)
			if err == nil {
				s.mu.Lock()
				s.cur = next
				s.restarts++
				s.mu.Unlock()
				s.log.Warn("embedded postgres restarted", "data", next.DataDir, "attempt", attempt)
				break
			}
			if errors.Is(ctx.Err(), context.Canceled) {
				return
			}
			s.log.Error("embedded postgres restart failed; retrying", "data", c.DataDir, "attempt", attempt, "err", err, "after", backoff)
		}
	}
}

// exitReason is the first line of a server's exit error (the rest is its
// log tail, which is in the server log already).
func exitReason(err error) string {
	if err == nil {
		return "exit status 0"
	}
	msg := err.Error()
	for i, r := range msg {
		if r == '\n' {
			return msg[:i]
		}
	}
	return msg
}
