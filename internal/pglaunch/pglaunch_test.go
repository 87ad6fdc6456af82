package pglaunch

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Every test runs its own clusters in its own temp directories (the port is
// the same, the socket directory is not): they run in parallel, as most of
// their time goes to waiting for initdb, start-up, shutdown and restarts.
var fastSettings = map[string]string{"fsync": "off", "full_page_writes": "off"}

func startCluster(t *testing.T, opts Options) *Cluster {
	t.Helper()
	if opts.Settings == nil {
		opts.Settings = fastSettings
	}
	opts.DieWithParent = true
	c, err := Start(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_ = c.Stop(ctx)
	})
	return c
}

func stopCluster(t *testing.T, c *Cluster) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.Stop(ctx); err != nil {
		t.Fatalf("stop: %v", err)
	}
	select {
	case <-c.Done():
	default:
		t.Fatal("Stop returned before the server exited")
	}
}

func connect(t *testing.T, c *Cluster) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), c.ConnString("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

func TestStartQueryStopRestartKeepsData(t *testing.T) {
	t.Parallel()
	dataDir := filepath.Join(t.TempDir(), "pgdata")
	c := startCluster(t, Options{DataDir: dataDir})

	conn := connect(t, c)
	var listen string
	if err := conn.QueryRow(t.Context(), "SHOW listen_addresses").Scan(&listen); err != nil {
		t.Fatal(err)
	}
	if listen != "" {
		t.Errorf("listen_addresses = %q, want empty (Unix socket only)", listen)
	}
	if _, err := conn.Exec(t.Context(), "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('hello')"); err != nil {
		t.Fatal(err)
	}
	_ = conn.Close(t.Context())
	stopCluster(t, c)
	if _, err := os.Stat(filepath.Join(dataDir, "postmaster.pid")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("postmaster.pid still present after a clean stop: %v", err)
	}

	// Second start reuses the initialized data dir.
	c2 := startCluster(t, Options{DataDir: dataDir})
	var v string
	if err := connect(t, c2).QueryRow(t.Context(), "SELECT v FROM kept").Scan(&v); err != nil {
		t.Fatal(err)
	}
	if v != "hello" {
		t.Fatalf("v = %q, want hello", v)
	}
	stopCluster(t, c2)
	if err := c2.Stop(context.Background()); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

func TestStalePIDFileIsRemoved(t *testing.T) {
	t.Parallel()
	dataDir := filepath.Join(t.TempDir(), "pgdata")
	stopCluster(t, startCluster(t, Options{DataDir: dataDir}))

	// A pid file naming a live process that is not postgres (ourselves), as
	// after a crash in a container where pids get reused.
	pidFile := filepath.Join(dataDir, "postmaster.pid")
	stale := strconv.Itoa(os.Getpid()) + "\n" + dataDir + "\n"
	if err := os.WriteFile(pidFile, []byte(stale), 0o600); err != nil {
		t.Fatal(err)
	}
	c := startCluster(t, Options{DataDir: dataDir})
	connect(t, c)
}

func TestSecondServerOnSameDataDirIsRefused(t *testing.T) {
	t.Parallel()
	dataDir := filepath.Join(t.TempDir(), "pgdata")
	startCluster(t, Options{DataDir: dataDir})
	_, err := Start(t.Context(), Options{DataDir: dataDir, SocketDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "already running") {
		t.Fatalf("err = %v, want an 'already running' error", err)
	}
}

func TestLongSocketDirFallsBackToShortOne(t *testing.T) {
	t.Parallel()
	long := filepath.Join(t.TempDir(), strings.Repeat("d", 100))
	c := startCluster(t, Options{DataDir: filepath.Join(t.TempDir(), "pgdata"), SocketDir: long})
	if c.SocketDir == long || len(socketPath(c.SocketDir)) > maxSocketPath {
		t.Fatalf("socket dir %q not shortened", c.SocketDir)
	}
	connect(t, c)
	stopCluster(t, c)
	if _, err := os.Stat(c.SocketDir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("short socket dir %s not removed: %v", c.SocketDir, err)
	}
}

func TestServerLogOnStartupFailure(t *testing.T) {
	t.Parallel()
	_, err := Start(t.Context(), Options{
		DataDir:  filepath.Join(t.TempDir(), "pgdata"),
		Settings: map[string]string{"fsync": "off", "no_such_setting": "1"},
	})
	if err == nil {
		t.Fatal("start with an invalid setting succeeded")
	}
	if !strings.Contains(err.Error(), "no_such_setting") {
		t.Fatalf("error does not include the server log: %v", err)
	}
}

func TestRefusesNonEmptyForeignDataDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "precious.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Start(t.Context(), Options{DataDir: dir})
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("err = %v, want a 'not empty' error", err)
	}
}

func TestBinariesAbsent(t *testing.T) {
	t.Parallel()
	empty := t.TempDir()
	_, err := findBinDir(filepath.Join(empty, "pg_config"), filepath.Join(empty, "*", "bin"))
	if !errors.Is(err, ErrBinariesNotFound) {
		t.Fatalf("err = %v, want ErrBinariesNotFound", err)
	}
	if !strings.Contains(err.Error(), "apt-get install -y postgresql") {
		t.Errorf("error %q does not say what to install", err)
	}

	_, err = Start(t.Context(), Options{DataDir: filepath.Join(empty, "data"), BinDir: empty})
	if !errors.Is(err, ErrBinariesNotFound) {
		t.Fatalf("Start with an empty BinDir: err = %v, want ErrBinariesNotFound", err)
	}
}

func TestFindBinDirPicksHighestVersion(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	for _, v := range []string{"9.6", "15", "13"} {
		bin := filepath.Join(root, v, "bin")
		if err := os.MkdirAll(bin, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"initdb", "postgres"} {
			if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"), 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Version 17 is incomplete (client-only install) and must be skipped.
	if err := os.MkdirAll(filepath.Join(root, "17", "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := findBinDir(filepath.Join(root, "no-pg_config"), filepath.Join(root, "*", "bin"))
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(root, "15", "bin"); got != want {
		t.Fatalf("bin dir = %s, want %s", got, want)
	}
}

func TestConnStringQuoting(t *testing.T) {
	t.Parallel()
	c := &Cluster{SocketDir: "/tmp/a b"}
	cfg, err := pgx.ParseConfig(c.ConnString("it's"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Host != "/tmp/a b" || cfg.Database != "it's" || cfg.User != "postgres" {
		t.Fatalf("parsed host=%q db=%q user=%q", cfg.Host, cfg.Database, cfg.User)
	}
}

// TestPIDFileOfAZombieIsStale: kill -9 of serve and its postmaster leaves
// the postmaster a zombie until init reaps it (never, in a container whose
// init does not reap). It holds nothing: the next start removes its pid
// file instead of refusing with "another postgres is already running".
func TestPIDFileOfAZombieIsStale(t *testing.T) {
	t.Parallel()
	dataDir := filepath.Join(t.TempDir(), "pgdata")
	stopCluster(t, startCluster(t, Options{DataDir: dataDir}))

	pid := zombiePostgres(t, &account{})
	stale := strconv.Itoa(pid) + "\n" + dataDir + "\n"
	if err := os.WriteFile(filepath.Join(dataDir, "postmaster.pid"), []byte(stale), 0o600); err != nil {
		t.Fatal(err)
	}
	c := startCluster(t, Options{DataDir: dataDir})
	connect(t, c)
}

// zombiePostgres is a process named postgres, running as acc, killed and
// not waited for (reaped when the test ends): a zombie.
func zombiePostgres(t *testing.T, acc *account) int {
	t.Helper()
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	fake := filepath.Join(dir, "postgres")
	raw, err := os.ReadFile(sleep)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(fake, raw, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := acc.own(dir, slog.Default()); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(fake, "600")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: acc.credential()}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Wait() })
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(procStat(pid), ") Z "); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the killed process never became a zombie")
		}
	}
	return pid
}

// TestSocketLockOfAZombieIsStale: the killed postmaster also leaves the
// socket's lock file (.s.PGSQL.5432.lock) naming it; PostgreSQL refuses to
// start while that pid exists and is its own user's, and a zombie exists
// (as root the server runs as its own user, so the zombie does too here).
// Found by the every-write
// kill loop: after kill -9 of a subcommand and its postmaster, the next
// start failed with `lock file ".s.PGSQL.5432.lock" already exists`.
func TestSocketLockOfAZombieIsStale(t *testing.T) {
	t.Parallel()
	dataDir := filepath.Join(t.TempDir(), "pgdata")
	c := startCluster(t, Options{DataDir: dataDir})
	socketDir := c.SocketDir
	stopCluster(t, c)
	acc, err := serverUser(slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	pid := zombiePostgres(t, acc)
	for _, lock := range []string{filepath.Join(dataDir, "postmaster.pid"), socketPath(socketDir) + ".lock"} {
		if err := os.WriteFile(lock, []byte(strconv.Itoa(pid)+"\n"+dataDir+"\n"), 0o644); err != nil { // readable by the server user
			t.Fatal(err)
		}
	}
	connect(t, startCluster(t, Options{DataDir: dataDir, SocketDir: socketDir}))
}

func procStat(pid int) string {
	raw, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	return string(raw)
}
