package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"backoffice/internal/pgtest"
	"backoffice/projections"
)

// TestProjectionsStatusNamesTheServe: while `serve` runs the projectors,
// `projections status` says they run in another process and names it
// (pid and host from the lock session), instead of "stopped" (issue 16 §9).
func TestProjectionsStatusNamesTheServe(t *testing.T) {
	env, getenv := testEnv(t, pgtest.NewDB(t), "BACKOFFICE_ADDR", "127.0.0.1:0", "BACKOFFICE_DEMO", "false",
		"BACKOFFICE_MASTER_KEY", base64.StdEncoding.EncodeToString(make([]byte, 32)))
	host, _ := os.Hostname()
	serve := fmt.Sprintf("backoffice pid=%d host=%s", os.Getpid(), host)

	// No serve yet: nobody runs them.
	var out bytes.Buffer
	if err := run(context.Background(), []string{"migrate"}, getenv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), []string{"projections", "status"}, getenv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "running in another process") || !strings.Contains(out.String(), "not running") {
		t.Fatalf("without serve:\n%s", out.String())
	}

	started(t, env)
	// serve takes the locks as it starts its projectors.
	deadline := time.Now().Add(time.Minute)
	for {
		out.Reset()
		if err := run(context.Background(), []string{"projections", "status"}, getenv, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "not running") || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) < 3 || !strings.Contains(lines[0], "RUN BY") {
		t.Fatalf("status:\n%s", out.String())
	}
	for _, l := range lines[1:] {
		if l == "" {
			break // the failures' section
		}
		if !strings.Contains(l, "running in another process") || !strings.Contains(l, serve) || strings.Contains(l, "stopped") {
			t.Errorf("projector line does not name the serve (%s): %s", serve, l)
		}
	}
}

// TestProjectionsStatusSaysWhatAMailerWaitsFor: a reactor waiting for a
// read model being rebuilt says which, here and run elsewhere.
func TestProjectionsStatusSaysWhatAMailerWaitsFor(t *testing.T) {
	holder := &projections.LockHolder{Application: "backoffice pid=7 host=a", BackendPID: 42}
	for _, c := range []struct {
		st   projections.ProjectorStatus
		want string
	}{
		{projections.ProjectorStatus{Local: true, State: projections.StateWaiting, WaitingFor: []string{"identity.accounts"}},
			"waiting for identity.accounts"},
		{projections.ProjectorStatus{Holder: holder, WaitingFor: []string{"identity.accounts", "identity.placements"}},
			"running in another process, waiting for identity.accounts, identity.placements"},
		{projections.ProjectorStatus{Local: true, State: projections.StateRunning}, "running"},
		{projections.ProjectorStatus{Holder: holder}, "running in another process"},
	} {
		if got, _ := projectorRunner(c.st); got != c.want {
			t.Errorf("state %q, want %q", got, c.want)
		}
	}
}
