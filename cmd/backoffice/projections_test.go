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

	"backoffice/commands/auth"
	"backoffice/domain"
	"backoffice/internal/pgtest"
	"backoffice/projections"
)

// TestProjectionsStatusNamesTheServe: while `serve` runs the projectors,
// `projections status` says they run in another process and names it
// (pid and host from the lock session), instead of "stopped" (issue 16 §9).
func TestProjectionsStatusNamesTheServe(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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

// TestProjectionsStatusCountsSweptTokens: `projections status` says how
// many API tokens are pending and how many the sweep revoked (counts, no
// IDs or secrets).
func TestProjectionsStatusCountsSweptTokens(t *testing.T) {
	t.Parallel()
	dbenv, pool, _ := migrated(t)
	getenv := func(k string) string {
		if k == "BACKOFFICE_MASTER_KEY" {
			return base64.StdEncoding.EncodeToString(make([]byte, 32))
		}
		return dbenv(k)
	}
	ctx := t.Context()
	a, err := auth.New(pool, auth.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"00000000000000a1", "00000000000000a2"} {
		if _, err := a.CreatePendingToken(ctx, id, domain.RoleAuditor, "Accountant"); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	if ids, err := a.SweepPendingTokens(ctx, now.Add(time.Hour), now, now, 1); err != nil || len(ids) != 1 {
		t.Fatalf("swept %v (%v)", ids, err)
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"projections", "status"}, getenv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "API tokens never made live: 1 pending (the oldest created ") ||
		!strings.Contains(out.String(), "; 1 revoked by the sweep after 8 days") ||
		!strings.Contains(out.String(), "1 of them still to record") ||
		strings.Contains(out.String(), "00000000000000a") {
		t.Fatalf("status:\n%s", out.String())
	}
}
