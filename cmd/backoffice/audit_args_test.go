package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"backoffice/eventstore"
	"backoffice/internal/pglaunch"
	"backoffice/internal/pgtest"
)

// TestAuditCommandsHelp: --help of verify, audit, audit export and audit
// replay prints that command's usage on stdout and exits 0 (it printed
// "Usage of serve:" with serve's flags, and exited 1). Nothing touches a
// database: the getenv points nowhere.
func TestAuditCommandsHelp(t *testing.T) {
	t.Parallel()
	getenv := func(k string) string {
		if k == "BACKOFFICE_DATABASE_URL" {
			return "postgres://nobody@127.0.0.1:1/none"
		}
		return ""
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"verify", "--help"}, "usage: backoffice verify [--digest"},
		{[]string{"verify", "-h"}, "usage: backoffice verify [--digest"},
		{[]string{"audit", "--help"}, "usage: backoffice audit export"},
		{[]string{"audit", "export", "--help"}, "usage: backoffice audit export"},
		{[]string{"audit", "export", "--from", "1-1", "-help"}, "usage: backoffice audit export"},
		{[]string{"audit", "replay", "--help"}, "usage: backoffice audit replay --as-of"},
		{[]string{"audit", "check", "--help"}, "usage: backoffice audit check [--digest"},
	} {
		var out, errOut bytes.Buffer
		if err := run(context.Background(), c.args, getenv, &out, &errOut); err != nil {
			t.Errorf("%v: %v (want the usage and exit 0)", c.args, err)
			continue
		}
		if !strings.Contains(out.String(), c.want) || strings.Contains(out.String()+errOut.String(), "serve") {
			t.Errorf("%v printed %q (stderr %q), want %q and nothing of serve", c.args, out.String(), errOut.String(), c.want)
		}
	}
}

// TestAuditCommandsWrongArguments: a mistyped flag or a stray argument of
// verify, audit export, audit replay or audit check is refused with that
// command's usage, and nothing of serve (the settings' parser printed "Usage
// of serve:" and its flags on stderr). Nothing reaches a database.
func TestAuditCommandsWrongArguments(t *testing.T) {
	// Not parallel: it swaps os.Stderr, which other tests' servers write to.
	getenv := func(k string) string {
		if k == "BACKOFFICE_DATABASE_URL" {
			return "postgres://nobody@127.0.0.1:1/none"
		}
		return ""
	}
	stderr := os.Stderr
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	os.Stderr = w // where the flag package would write serve's usage
	defer func() { os.Stderr = stderr }()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"verify", "--digets", "x@1-1"}, "unknown argument \"--digets\"\nusage: backoffice verify"},
		{[]string{"verify", "extra"}, "unknown argument \"extra\"\nusage: backoffice verify"},
		{[]string{"verify", "--digest"}, "flag --digest needs a value\nusage: backoffice verify"},
		{[]string{"audit", "export", "--form", "1-1"}, "unknown argument \"--form\"\nusage: backoffice audit export"},
		{[]string{"audit", "export", "--out"}, "flag --out needs a value\nusage: backoffice audit export"},
		{[]string{"audit", "replay", "--as-of", "1-1", "--schema", "s", "--bogus"}, "unknown argument \"--bogus\"\nusage: backoffice audit replay"},
		{[]string{"audit", "check"}, "name one export file (or - for standard input)\nusage: backoffice audit check"},
		{[]string{"audit", "check", "--digest", "zz", "f"}, "--digest: ledger: digest \"zz\": want HEX@POSITION"},
	} {
		var out, errOut bytes.Buffer
		err := run(context.Background(), c.args, getenv, &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error()+out.String()+errOut.String(), "serve") {
			t.Errorf("%v: %v (stdout %q, stderr %q), want %q", c.args, err, out.String(), errOut.String(), c.want)
		}
	}
	w.Close()
	if leaked, _ := io.ReadAll(r); len(leaked) > 0 {
		t.Errorf("printed on the process's stderr: %s", leaked)
	}
}

// TestAuditExportAndReplayRanges: an export whose --to is not after its
// --from is refused (it exported 0 events and exited 0), and a replay as of
// a position beyond the last event replays up to that event and names it
// (it claimed the state "as of" the future position, which later events
// could still change).
func TestAuditExportAndReplayRanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	getenv, pool, store := migrated(t)
	var last eventstore.Position
	for i := range 2 {
		res, err := store.Append(ctx, "timesheet-p1", eventstore.Any(), eventstore.EventData{ID: uuid.New(), Type: "test.set",
			Data: json.RawMessage(`{"minutes":480}`), Metadata: eventstore.Metadata{ActorID: "acc-1", OccurredAt: time.Now()}})
		if err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
		last = res.Position
	}
	pgtest.AwaitReadable(t, store, 2)

	err := run(ctx, []string{"audit", "export", "--from", "5-5", "--to", "1-1"}, getenv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "--to 1-1 is not after --from 5-5") {
		t.Fatalf("export with --to before --from: %v", err)
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"audit", "export", "--to", last.String()}, getenv, &out, io.Discard); err != nil {
		t.Fatalf("export up to the last event: %v", err)
	}
	if n := strings.Count(out.String(), "\n"); n != 3 || !strings.Contains(out.String(), `{"end":true,"events":2,"last_position":"`+last.String()+`"`) {
		t.Fatalf("export up to %s wrote %d lines, want 2 and the closing line:\n%s", last, n, out.String())
	}

	out.Reset()
	var progress bytes.Buffer
	if err := run(ctx, []string{"audit", "replay", "--as-of", "999999999-1", "--schema", "asof_future"}, getenv, &out, &progress); err != nil {
		t.Fatalf("replay beyond the last event: %v", err)
	}
	if !strings.Contains(out.String(), "as of position "+last.String()+"\n") {
		t.Fatalf("replay beyond the last event said %q, want the last event's position %s", out.String(), last)
	}
	if !strings.Contains(progress.String(), "lies beyond the ledger's last event") {
		t.Fatalf("replay beyond the last event did not say so: %q", progress.String())
	}

	// A position before the first event (0-0 is the start of the log) is
	// refused like a time before it; it built an empty schema and exited 0.
	for _, asOf := range []string{"0-0"} {
		err := run(ctx, []string{"audit", "replay", "--as-of", asOf, "--schema", "asof_start"}, getenv, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "lies before the ledger's first event") {
			t.Fatalf("replay as of %s: %v, want the refusal", asOf, err)
		}
	}
	var schemas int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_namespace WHERE nspname = 'asof_start'`).Scan(&schemas); err != nil || schemas != 0 {
		t.Fatalf("a refused replay left schema asof_start (%d, %v)", schemas, err)
	}
}

// TestAuditCommandsNeedAnExistingLedger: with the embedded database and a
// data directory that holds none (a typo in -data), verify started a new
// empty cluster there and called its empty ledger intact, exit 0. The
// audit commands now refuse, naming the directory, and create nothing.
func TestAuditCommandsNeedAnExistingLedger(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "dat")
	getenv := func(string) string { return "" }
	for _, args := range [][]string{
		{"verify", "-data", dir},
		{"audit", "export", "-data", dir},
		{"audit", "replay", "--as-of", "1-1", "--schema", "s", "-data", dir},
	} {
		err := run(context.Background(), args, getenv, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "no embedded database in "+filepath.Join(dir, "postgres")) {
			t.Errorf("%v: %v, want the refusal naming the directory", args, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "postgres")); !os.IsNotExist(err) {
		t.Fatalf("a cluster directory was created: %v", err)
	}
}

// TestAuditCommandsLeaveTheClusterRunning: verify run from a copy of the
// binary under another name, against the embedded cluster another process
// runs (serve), reads the ledger and leaves that cluster running; the
// ledger being empty, it says so and exits 1. The orphan
// test compares process names, so the copy adopted the cluster and stopped
// it on exit, under the running serve.
func TestAuditCommandsLeaveTheClusterRunning(t *testing.T) {
	t.Parallel()
	dir, sup := clusterOfAnotherProcess(t)
	pid := sup.Pid()
	out, exit := runCopyOfBinary(t, "verify", "-data", dir)
	// The ledger is empty: verify says so and exits 1 (it called the empty
	// ledger of a wrong database intact, exit 0).
	if exit != 1 || !strings.Contains(out, "the ledger holds no events: nothing was verified") {
		t.Fatalf("verify of an empty ledger from a copy of the binary: exit %d\n%s", exit, out)
	}
	if strings.Contains(out, "adopted") || sup.Pid() != pid || syscall.Kill(pid, 0) != nil {
		t.Fatalf("verify stopped the cluster of another process (pid %d, now %d):\n%s", pid, sup.Pid(), out)
	}
}

// TestCommandsLeaveASupervisedClusterRunning: migrate and backup (which may
// adopt an orphaned cluster) leave alone one whose supervisor lives, also
// when they run under another program name than the supervisor: they
// took it for an orphan, adopted it and shut it down when they ended.
func TestCommandsLeaveASupervisedClusterRunning(t *testing.T) {
	t.Parallel()
	dir, sup := clusterOfAnotherProcess(t)
	pid := sup.Pid()
	for _, args := range [][]string{{"migrate", "-data", dir}, {"backup", filepath.Join(t.TempDir(), "b.dump"), "-data", dir}} {
		out, exit := runCopyOfBinary(t, args...)
		if exit != 0 {
			t.Fatalf("%s from a copy of the binary: exit %d\n%s", args[0], exit, out)
		}
		if strings.Contains(out, "adopted") || sup.Pid() != pid || syscall.Kill(pid, 0) != nil {
			t.Fatalf("%s stopped the cluster of another process (pid %d, now %d):\n%s", args[0], pid, sup.Pid(), out)
		}
	}
}

// clusterOfAnotherProcess is an embedded cluster under dir/postgres with
// the backoffice database, supervised by this test process (standing in
// for a running serve).
func clusterOfAnotherProcess(t *testing.T) (string, *pglaunch.Supervisor) {
	t.Helper()
	ctx := t.Context()
	dir := filepath.Join(t.TempDir(), "d")
	sup, err := pglaunch.Supervise(ctx, pglaunch.Options{DataDir: filepath.Join(dir, "postgres"), DieWithParent: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sup.Stop(context.Background()) })
	if err := ensureDatabase(ctx, sup.ConnString("postgres"), embeddedDatabase); err != nil {
		t.Fatal(err)
	}
	return dir, sup
}

// runCopyOfBinary runs this test binary copied under another program name
// as the backoffice command args; it returns the output and exit code.
func runCopyOfBinary(t *testing.T, args ...string) (string, int) {
	t.Helper()
	self, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	copyName := filepath.Join(t.TempDir(), "auditor-copy")
	if err := os.WriteFile(copyName, self, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(copyName)
	cmd.Env = append(os.Environ(), childArgsEnv+"="+strings.Join(args, "\x1f"))
	out, _ := cmd.CombinedOutput()
	return string(out), cmd.ProcessState.ExitCode()
}
