package pglaunch

import (
	"context"
	"fmt"
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

	"backoffice/internal/testlog"
)

// queryUntil polls the server until a query succeeds (the restart is not
// instant): it fails the test only when the server stays away.
func queryUntil(t *testing.T, connString, sql string) string {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		var v string
		conn, err := pgx.Connect(ctx, connString)
		if err == nil {
			err = conn.QueryRow(ctx, sql).Scan(&v)
			_ = conn.Close(ctx)
		}
		cancel()
		if err == nil {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not come back: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestSupervisorRestartsAKilledServer: kill -9 of the postmaster (its
// backends orphaned) is followed by a restart on the same socket, with the
// committed data, logged; Stop then shuts it down for good.
func TestSupervisorRestartsAKilledServer(t *testing.T) {
	t.Parallel()
	var logs testlog.Buffer
	dataDir := filepath.Join(t.TempDir(), "pgdata")
	s, err := Supervise(t.Context(), Options{DataDir: dataDir, Settings: fastSettings, DieWithParent: true,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Stop(context.Background()) })
	cs := s.ConnString("postgres")
	queryUntil(t, cs, "SELECT 'x' FROM (SELECT 1) AS one")
	conn, err := pgx.Connect(t.Context(), cs)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(t.Context(), "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('hello')"); err != nil {
		t.Fatal(err)
	}
	for round := 1; round <= 2; round++ {
		first := s.Pid()
		if err := syscall.Kill(first, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(2 * time.Minute)
		for s.Restarts() < round && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if v := queryUntil(t, cs, "SELECT v FROM kept"); v != "hello" {
			t.Fatalf("after the restart v = %q", v)
		}
		if s.Pid() == first || s.Restarts() != round {
			t.Fatalf("round %d: pid %d (killed %d), restarts %d", round, s.Pid(), first, s.Restarts())
		}
	}
	_ = conn.Close(context.Background())
	if !strings.Contains(logs.String(), "exited unexpectedly") || !strings.Contains(logs.String(), "restarted") {
		t.Fatalf("the restart was not logged:\n%s", logs.String())
	}
	stopCtx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.Stop(stopCtx); err != nil {
		t.Fatalf("stop: %v", err)
	}
	time.Sleep(2 * minBackoff)
	if s.Restarts() != 2 {
		t.Fatalf("the supervisor restarted a server it was asked to stop (restarts %d)", s.Restarts())
	}
	ctx, cancelQ := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancelQ()
	if c, err := pgx.Connect(ctx, cs); err == nil {
		_ = c.Close(ctx)
		t.Fatal("the server still answers after Stop")
	}
}

// TestAdoptOrphanRestartsItWhenItDies: a server left running by a process
// that died (its parent is init now) is adopted: when it dies, the
// adopter restarts it. Before, a serve that joined such a server left it
// unsupervised and the database never came back.
func TestAdoptOrphanRestartsItWhenItDies(t *testing.T) {
	t.Parallel()
	dataDir := filepath.Join(t.TempDir(), "pgdata")
	cs := startOrphan(t, dataDir)

	s, found, err := AdoptOrphan(Options{DataDir: dataDir, Settings: fastSettings})
	if err != nil || !found {
		t.Fatalf("AdoptOrphan: found %t, %v", found, err)
	}
	t.Cleanup(func() { _ = s.Stop(context.Background()) })
	orphan := s.Pid()
	if err := syscall.Kill(orphan, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for s.Restarts() < 1 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	queryUntil(t, cs, "SELECT 'back'")
	if s.Restarts() != 1 || s.Pid() == orphan {
		t.Fatalf("restarts %d, pid %d (orphan %d)", s.Restarts(), s.Pid(), orphan)
	}
	stopCtx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.Stop(stopCtx); err != nil {
		t.Fatal(err)
	}
}

// TestAdoptOrphanLeavesASupervisedServerAlone: a postmaster whose parent is
// init but whose recorded supervisor lives (a serve that adopted it, or
// one running under another program name) is not adopted: a CLI command
// adopted such a cluster and shut it down under the serve when it ended.
// Once the recorded supervisor is gone, it is adopted.
func TestAdoptOrphanLeavesASupervisedServerAlone(t *testing.T) {
	t.Parallel()
	dataDir := filepath.Join(t.TempDir(), "pgdata")
	startOrphan(t, dataDir)
	other := exec.Command("sleep", "600") // a live supervisor that is not us
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = other.Process.Kill(); _ = other.Wait() })
	if err := os.WriteFile(supervisorFile(dataDir), []byte(strconv.Itoa(other.Process.Pid)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, found, err := AdoptOrphan(Options{DataDir: dataDir}); err != nil || found {
		t.Fatalf("adopted a server another live process supervises: found %t, %v", found, err)
	}
	_ = other.Process.Kill()
	_ = other.Wait()
	s, found, err := AdoptOrphan(Options{DataDir: dataDir, Settings: fastSettings})
	if err != nil || !found {
		t.Fatalf("after its supervisor died: found %t, %v", found, err)
	}
	if sup, ok := recordedSupervisor(dataDir); !ok || sup != os.Getpid() {
		t.Fatalf("the adopter is not recorded: %d %t", sup, ok)
	}
	stopCtx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_ = s.Stop(stopCtx) // an adopted postmaster is no child: its exit is only "exited"
	if _, ok := recordedSupervisor(dataDir); ok {
		t.Fatal("the record outlived its supervisor's Stop")
	}
}

// startOrphan initialises a cluster on dataDir and leaves its postmaster
// running with init as its parent, as after kill -9 of the serve that
// started it; it returns the connection string.
func startOrphan(t *testing.T, dataDir string) string {
	t.Helper()
	stopCluster(t, startCluster(t, Options{DataDir: dataDir}))
	bin, err := FindBinDir()
	if err != nil {
		t.Fatal(err)
	}
	runAs, err := serverUser(slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	// sh starts postgres in the background and exits: postgres is an
	// orphan, as after kill -9 of the serve that started it.
	sh := exec.Command("sh", "-c", fmt.Sprintf("%s -D %s -c listen_addresses= -c unix_socket_directories=%s -c port=%d -c fsync=off >/dev/null 2>&1 &",
		filepath.Join(bin, "postgres"), dataDir, dataDir, Port))
	sh.Env = serverEnv()
	sh.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: runAs.credential()}
	if out, err := sh.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	t.Cleanup(func() {
		if b, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid")); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0])); err == nil {
				_ = syscall.Kill(pid, syscall.SIGQUIT)
			}
		}
	})
	cs := fmt.Sprintf("host=%s port=%d user=postgres dbname=postgres sslmode=disable", dataDir, Port)
	queryUntil(t, cs, "SELECT 'up'")
	return cs
}

// TestAdoptOrphanLeavesAnOwnedServerAlone: a server whose parent is a
// live process like us (another serve) is not adopted.
func TestAdoptOrphanLeavesAnOwnedServerAlone(t *testing.T) {
	t.Parallel()
	dataDir := filepath.Join(t.TempDir(), "pgdata")
	startCluster(t, Options{DataDir: dataDir}) // our child
	if _, found, err := AdoptOrphan(Options{DataDir: dataDir}); err != nil || found {
		t.Fatalf("adopted a server its parent still runs: found %t, %v", found, err)
	}
}

// TestStartWaitsForTheBackendsOfAKilledServer: kill -9 of serve and its
// postmaster, then serve at once: a backend still busy with a query holds
// the old shared memory, and PostgreSQL refuses to start ("pre-existing
// shared memory block ... is still in use"). The start waits for it
// instead of failing. Found by the every-write kill loop
// (internal/reliability): serve exited during start-up.
func TestStartWaitsForTheBackendsOfAKilledServer(t *testing.T) {
	t.Parallel()
	var logs testlog.Buffer
	dataDir := filepath.Join(t.TempDir(), "pgdata")
	c := startCluster(t, Options{DataDir: dataDir})
	conn := connect(t, c)
	busy := make(chan error, 1)
	go func() {
		// A query that does not look at its postmaster for a few seconds.
		_, err := conn.Exec(context.Background(), "SELECT count(*) FROM generate_series(1, 30000000)")
		busy <- err
	}()
	time.Sleep(300 * time.Millisecond) // the query runs
	pid := c.cmd.Process.Pid
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for processAlive(pid) { // gone, its backend not yet
		time.Sleep(10 * time.Millisecond)
	}
	s, err := Supervise(t.Context(), Options{DataDir: dataDir, SocketDir: c.SocketDir, Settings: fastSettings, DieWithParent: true,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatalf("start after kill -9 with a busy backend: %v", err)
	}
	t.Cleanup(func() { _ = s.Stop(context.Background()) })
	queryUntil(t, s.ConnString("postgres"), "SELECT 'x' FROM (SELECT 1) AS one")
	<-busy
	if !strings.Contains(logs.String(), "still hold its shared memory") {
		t.Fatalf("the start did not wait for the backend (it had exited already?):\n%s", logs.String())
	}
}
