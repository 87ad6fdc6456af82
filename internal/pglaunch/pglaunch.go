// Package pglaunch starts a private PostgreSQL cluster from the server
// binaries installed on the machine. It listens on a Unix socket only, so it
// never collides with another server on a TCP port and is unreachable from
// the network. The embedded mode of the binary and the test helper pgtest use
// it.
//
// When the calling process runs as root, PostgreSQL (which refuses to run as
// root) is run as the "postgres" account, or "nobody" when that does not
// exist. The data and socket directories are then chowned to that user, and
// every ancestor directory of them that the user cannot traverse gets the
// "search" bit for others (o+x: enter, not list). Start logs each such chmod.
package pglaunch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Port is the port number in the socket file name (.s.PGSQL.<port>). Each
// cluster has its own socket directory, so the default never collides.
const Port = 5432

// maxSocketPath is the usable length of sun_path on Linux (108 bytes
// including the terminating NUL).
const maxSocketPath = 107

// Options configure Start.
type Options struct {
	// DataDir is the cluster's data directory (required). It is created and
	// initialized when missing or empty, and reused when it holds a cluster.
	DataDir string
	// SocketDir is where the server puts its Unix socket. Empty means
	// DataDir. When the socket path would be too long for the kernel, a
	// short directory under /tmp is used instead (removed by Stop).
	SocketDir string
	// BinDir holds initdb and postgres. Empty means FindBinDir.
	BinDir string
	// Settings are extra server settings, passed as -c name=value. Settings
	// that control where the server listens are ignored. When "fsync" is
	// "off", initdb runs with --no-sync too.
	Settings map[string]string
	// Logger receives what the launcher does. Nil discards.
	Logger *slog.Logger
	// Stdout and Stderr receive the server's log. When both are nil the log
	// goes to <DataDir>.log next to the data directory (or is discarded if
	// that file cannot be opened).
	Stdout, Stderr io.Writer
	// StartTimeout bounds the wait for the server to accept connections.
	// Zero means 60 seconds.
	StartTimeout time.Duration
	// DieWithParent makes the kernel stop the server (immediate shutdown)
	// when the launching process dies without calling Stop, e.g. a test
	// binary killed by a timeout. Linux ties this to the OS thread that
	// started the server, so leave it off for long-running processes.
	DieWithParent bool
}

// Cluster is a running PostgreSQL server started by Start.
type Cluster struct {
	// BinDir, DataDir and SocketDir are the directories in use.
	BinDir, DataDir, SocketDir string

	cmd        *exec.Cmd
	done       chan struct{} // closed when the server process has exited
	waitErr    error         // the process's exit status, valid after done
	logTail    *tailBuffer
	logFile    *os.File
	removeDirs []string
	log        *slog.Logger
	stopOnce   sync.Once
	stopErr    error
}

// Start initializes the data directory if needed, starts the server and
// waits until it accepts connections. The server keeps running after ctx
// ends; call Stop.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.DataDir == "" {
		return nil, errors.New("pglaunch: Options.DataDir is required")
	}
	dataDir, err := filepath.Abs(opts.DataDir)
	if err != nil {
		return nil, fmt.Errorf("pglaunch: %w", err)
	}
	binDir := opts.BinDir
	if binDir == "" {
		if binDir, err = FindBinDir(); err != nil {
			return nil, fmt.Errorf("pglaunch: %w", err)
		}
	} else if err := hasServerBinaries(binDir); err != nil {
		return nil, fmt.Errorf("pglaunch: %w", err)
	}
	runAs, err := serverUser(log)
	if err != nil {
		return nil, fmt.Errorf("pglaunch: %w", err)
	}

	c := &Cluster{BinDir: binDir, DataDir: dataDir, done: make(chan struct{}), logTail: newTailBuffer(16 << 10), log: log}
	ok := false
	defer func() {
		if !ok {
			c.cleanup()
		}
	}()

	if err := c.prepareDataDir(ctx, runAs, opts.Settings["fsync"] == "off"); err != nil {
		return nil, err
	}
	if err := c.prepareSocketDir(opts.SocketDir, runAs); err != nil {
		return nil, err
	}
	if err := c.removeStalePID(); err != nil {
		return nil, err
	}

	stdout, stderr := opts.Stdout, opts.Stderr
	if stdout == nil && stderr == nil {
		logPath := dataDir + ".log"
		if f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644); err == nil {
			c.logFile = f
			stdout, stderr = f, f
			log.Info("postgres server log", "path", logPath)
		}
	}
	if stdout == nil {
		stdout = io.Discard
	}
	if stderr == nil {
		stderr = io.Discard
	}

	args := []string{"-D", dataDir}
	for _, k := range slices.Sorted(maps.Keys(opts.Settings)) {
		switch k {
		case "listen_addresses", "unix_socket_directories", "port":
			continue
		}
		args = append(args, "-c", k+"="+opts.Settings[k])
	}
	args = append(args,
		"-c", "listen_addresses=",
		"-c", "unix_socket_directories="+c.SocketDir,
		"-c", "port="+strconv.Itoa(Port),
	)
	cmd := exec.Command(filepath.Join(binDir, "postgres"), args...)
	cmd.Dir = dataDir
	cmd.Env = serverEnv()
	cmd.Stdout = io.MultiWriter(stdout, c.logTail)
	cmd.Stderr = io.MultiWriter(stderr, c.logTail)
	// Own process group: a Ctrl-C on the terminal reaches only us, and we
	// shut the server down in order.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: runAs.credential()}
	if opts.DieWithParent {
		cmd.SysProcAttr.Pdeathsig = syscall.SIGQUIT
	}
	log.Info("starting postgres", "bin", binDir, "data", dataDir, "socket", c.SocketDir)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("pglaunch: start postgres: %w", err)
	}
	c.cmd = cmd
	go func() {
		c.waitErr = cmd.Wait()
		close(c.done)
	}()

	timeout := opts.StartTimeout
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	if err := c.waitReady(ctx, timeout); err != nil {
		stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = c.Stop(stopCtx)
		return nil, err
	}
	ok = true
	log.Info("postgres ready", "socket", c.SocketDir)
	return c, nil
}

// ConnString returns a pgx/libpq keyword/value connection string for
// database dbname as user postgres over the cluster's socket.
func (c *Cluster) ConnString(dbname string) string {
	return fmt.Sprintf("host=%s port=%d user=postgres dbname=%s sslmode=disable",
		quoteConnValue(c.SocketDir), Port, quoteConnValue(dbname))
}

// Done is closed when the server process has exited, for whatever reason.
func (c *Cluster) Done() <-chan struct{} { return c.done }

// Stop shuts the server down: a fast shutdown (SIGINT: roll back open
// transactions, disconnect clients, checkpoint) and a wait for the process
// to exit. If ctx ends first it escalates to an immediate shutdown (SIGQUIT)
// and finally SIGKILL. Calling Stop again returns the first result.
func (c *Cluster) Stop(ctx context.Context) error {
	c.stopOnce.Do(func() {
		c.stopErr = c.stop(ctx)
		c.cleanup()
	})
	return c.stopErr
}

func (c *Cluster) stop(ctx context.Context) error {
	if c.cmd == nil || c.cmd.Process == nil {
		return nil
	}
	select {
	case <-c.done:
		return c.exitError()
	default:
	}
	c.log.Info("stopping postgres", "data", c.DataDir)
	_ = c.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-c.done:
		return c.exitError()
	case <-ctx.Done():
	}
	c.log.Warn("postgres did not stop in time, immediate shutdown", "data", c.DataDir)
	_ = c.cmd.Process.Signal(syscall.SIGQUIT)
	select {
	case <-c.done:
	case <-time.After(5 * time.Second):
		// Kill the whole group so no backend outlives the postmaster.
		_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
		<-c.done
	}
	return fmt.Errorf("pglaunch: stop postgres: %w", ctx.Err())
}

// exitError maps the server's exit status: 0 after a requested shutdown.
func (c *Cluster) exitError() error {
	if c.waitErr != nil {
		return fmt.Errorf("pglaunch: postgres exited: %w\n%s", c.waitErr, c.logTail.String())
	}
	return nil
}

// cleanup releases what Start created besides the data directory.
func (c *Cluster) cleanup() {
	if c.logFile != nil {
		_ = c.logFile.Close()
	}
	for _, d := range c.removeDirs {
		_ = os.RemoveAll(d)
	}
}

// waitReady polls a connection until the server answers, the process
// exits, or the timeout or ctx ends.
func (c *Cluster) waitReady(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	connString := c.ConnString("postgres")
	var lastErr error
	for {
		attempt, cancelAttempt := context.WithTimeout(ctx, 2*time.Second)
		conn, err := pgx.Connect(attempt, connString)
		if err == nil {
			err = conn.Ping(attempt)
			_ = conn.Close(context.Background())
		}
		cancelAttempt()
		if err == nil {
			return nil
		}
		lastErr = err
		select {
		case <-c.done:
			return fmt.Errorf("pglaunch: postgres exited during startup (%v); server log:\n%s", c.waitErr, c.logTail.String())
		case <-ctx.Done():
			return fmt.Errorf("pglaunch: postgres not accepting connections after %s (last error: %v); server log:\n%s", timeout, lastErr, c.logTail.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// prepareDataDir creates and initializes the data directory when needed.
func (c *Cluster) prepareDataDir(ctx context.Context, runAs *account, noSync bool) error {
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return fmt.Errorf("pglaunch: create data dir: %w", err)
	}
	if _, err := os.Stat(filepath.Join(c.DataDir, "PG_VERSION")); err == nil {
		c.log.Info("reusing postgres data dir", "data", c.DataDir)
		return runAs.own(c.DataDir, c.log)
	}
	entries, err := os.ReadDir(c.DataDir)
	if err != nil {
		return fmt.Errorf("pglaunch: read data dir: %w", err)
	}
	if len(entries) > 0 {
		// Never initdb over (or chown) files we do not understand.
		return fmt.Errorf("pglaunch: data dir %s is not empty and holds no PostgreSQL cluster (no PG_VERSION); remove it or choose another", c.DataDir)
	}
	if err := runAs.own(c.DataDir, c.log); err != nil {
		return err
	}
	args := []string{"-D", c.DataDir, "--username=postgres", "--auth=trust", "--encoding=UTF8", "--locale=C"}
	if noSync {
		args = append(args, "--no-sync")
	}
	c.log.Info("initializing postgres data dir", "data", c.DataDir)
	cmd := exec.CommandContext(ctx, filepath.Join(c.BinDir, "initdb"), args...)
	cmd.Dir = c.DataDir
	cmd.Env = serverEnv()
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: runAs.credential()}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("pglaunch: initdb: %w\n%s", err, out)
	}
	return nil
}

// prepareSocketDir picks a socket directory whose socket path fits in
// sun_path and lets the server user write to it.
func (c *Cluster) prepareSocketDir(dir string, runAs *account) error {
	if dir == "" {
		dir = c.DataDir
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("pglaunch: %w", err)
	}
	if len(socketPath(dir)) > maxSocketPath {
		short, err := os.MkdirTemp("/tmp", "pg")
		if err != nil {
			return fmt.Errorf("pglaunch: socket dir: %w", err)
		}
		c.log.Info("socket path too long, using a short socket dir", "wanted", dir, "using", short)
		c.removeDirs = append(c.removeDirs, short)
		dir = short
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("pglaunch: create socket dir: %w", err)
	}
	c.SocketDir = dir
	if dir == c.DataDir {
		return nil
	}
	return runAs.own(dir, c.log)
}

func socketPath(dir string) string {
	return filepath.Join(dir, ".s.PGSQL."+strconv.Itoa(Port))
}

// removeStalePID deals with postmaster.pid, and the socket's lock file
// (.s.PGSQL.5432.lock), left by a crashed server. PostgreSQL itself
// ignores a lock file whose process is gone, but refuses when that pid now
// belongs to an unrelated process (common in containers, where pids
// restart low) or to a zombie (a killed postmaster whose parent died too),
// so we decide ourselves.
func (c *Cluster) removeStalePID() error {
	for _, lock := range []string{filepath.Join(c.DataDir, "postmaster.pid"), socketPath(c.SocketDir) + ".lock"} {
		data, err := os.ReadFile(lock)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("pglaunch: %w", err)
		}
		first, _, _ := strings.Cut(string(data), "\n")
		pid, err := strconv.Atoi(strings.TrimSpace(first))
		if err == nil && pid > 0 && processAlive(pid) && isPostgres(pid) {
			return fmt.Errorf("pglaunch: another postgres (pid %d) is already running on data dir %s; stop it first", pid, c.DataDir)
		}
		c.log.Warn("removing stale "+filepath.Base(lock)+" from a previous run", "data", c.DataDir, "pid", pid)
		if err := os.Remove(lock); err != nil {
			return fmt.Errorf("pglaunch: remove stale lock file: %w", err)
		}
	}
	return nil
}

// processAlive reports whether pid runs. A zombie does not: a killed
// postmaster whose parent died stays one until init reaps it, which in a
// container without a reaping init may be never, and holds nothing.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	if err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	return !zombie(pid)
}

// zombie reports whether /proc says pid has exited and waits to be reaped
// (state Z, the field after the parenthesised command name).
func zombie(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(stat, ')')
	return i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z'
}

func isPostgres(pid int) bool {
	comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	if err != nil {
		return true // cannot tell: assume the worst and refuse
	}
	name := strings.TrimSpace(string(comm))
	return name == "postgres" || name == "postmaster"
}

// serverEnv is the environment for initdb and postgres: ours, with a C
// locale so messages and collation do not depend on the caller's locale.
func serverEnv() []string {
	env := make([]string, 0, len(os.Environ())+1)
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "LC_") || strings.HasPrefix(kv, "LANG=") || strings.HasPrefix(kv, "PG") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "LC_ALL=C")
}

// quoteConnValue quotes a keyword/value connection string value when needed.
func quoteConnValue(v string) string {
	if v != "" && !strings.ContainsAny(v, " '\\\t\n") {
		return v
	}
	v = strings.ReplaceAll(v, `\`, `\\`)
	v = strings.ReplaceAll(v, `'`, `\'`)
	return "'" + v + "'"
}

// tailBuffer keeps the last max bytes written to it, for error messages.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf bytes.Buffer
}

func newTailBuffer(max int) *tailBuffer { return &tailBuffer{max: max} }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if extra := t.buf.Len() - t.max; extra > 0 {
		t.buf.Next(extra)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}
