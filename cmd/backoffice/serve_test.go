package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"backoffice/domain/timesheet"
	"backoffice/internal/esdbfake"
	"backoffice/internal/pgtest"
)

// The tests that start servers and clusters mostly wait (for initdb, a
// listener, a lock): they run in parallel, each on its own database, data
// directory and ports from :0. A test that changes process-wide state or
// relies on a port staying free is not parallel, and says why.
func TestMain(m *testing.M) {
	// A child process of a test (childCommand): the command, as main runs it.
	if args, ok := os.LookupEnv(childArgsEnv); ok {
		os.Exit(runMain(strings.Split(args, "\x1f"), os.Getenv, os.Stdout, os.Stderr))
	}
	pgtest.Main(m)
}

// started runs `backoffice serve` with env in the background and returns the
// base URL once it prints its listening line. The server stops at test end.
func started(t *testing.T, env map[string]string) string {
	t.Helper()
	base, _ := startedWithOps(t, env)
	return base
}

// startedWithOps is started that also returns the base URL of the internal
// listener ("" when BACKOFFICE_INTERNAL_ADDR is not set).
func startedWithOps(t *testing.T, env map[string]string) (base, ops string) {
	return startedWith(t, env, `internal on ([0-9.:]+)`)
}

// startedWith runs serve with env until it listens and returns its base URL
// and that of the extra listener whose line the pattern extra matches ("" when
// serve printed none). The rest of the output is drained.
func startedWith(t *testing.T, env map[string]string, extra string) (base, other string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve returned: %v", err)
		}
	})
	type addrs struct{ base, other string }
	found := make(chan addrs, 1)
	go func() {
		listening := regexp.MustCompile(`listening on ([0-9.:]+)`)
		extraLine := regexp.MustCompile(extra)
		var a addrs
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := extraLine.FindStringSubmatch(sc.Text()); m != nil {
				a.other = "http://" + m[1]
			}
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				a.base = "http://" + m[1]
				found <- a
			}
		}
		close(found)
		_, _ = io.Copy(io.Discard, pr)
	}()
	select {
	case a, ok := <-found:
		if !ok {
			t.Fatalf("serve ended before listening: %v", <-done)
		}
		return a.base, a.other
	case <-time.After(2 * time.Minute):
		t.Fatal("serve did not start listening within 2 minutes")
	}
	return "", ""
}

// httpStatus is the status of GET url (the body is drained).
func httpStatus(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

func TestServeEmbeddedAnswersReadyz(t *testing.T) {
	t.Parallel()
	base := started(t, map[string]string{
		"BACKOFFICE_DATA_DIR": t.TempDir(),
		"BACKOFFICE_ADDR":     "127.0.0.1:0",
		"BACKOFFICE_DEMO":     "false",
	})
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Status string            `json:"status"`
		Checks map[string]string `json:"checks"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || body.Status != "ready" || body.Checks["database"] != "ok" {
		t.Fatalf("readyz: %d %+v", resp.StatusCode, body)
	}
}

// TestServeOnEventStoreDB runs the server with its events in EventStoreDB
// (the in-process fake, through the real client) and drives the timesheet
// API: the same calls as on PostgreSQL.
func TestServeOnEventStoreDB(t *testing.T) {
	// Not parallel: seeding the demo through the in-process fake is CPU
	// work, not waiting; two at once only stretch both.
	fake := esdbfake.Start(t)
	base, _ := startedOnEventStoreDB(t, fake.URL())
	c := &apiClient{t: t, base: base}
	var sess struct {
		Token string `json:"token"`
	}
	c.do("POST", "/api/v1/session", `{"email":"marieke@groeneblad.example.nl","password":"demo-wachtwoord"}`, http.StatusCreated, &sess)
	c.token = sess.Token

	week := timesheet.WeekOf(timesheet.DateOf(time.Now().In(timesheet.Location()))).String()
	sheet := "/api/v1/timesheets/demo-placement-07/" + week
	var cmd struct {
		Position string `json:"position"`
	}
	c.do("PUT", sheet+"/lines/100", `{"minutes":[480,0,0,0,0,0,0]}`, http.StatusOK, &cmd)
	c.do("POST", sheet+"/offer", `{}`, http.StatusOK, &cmd)
	var detail map[string]any
	c.do("GET", sheet+"?min_position="+cmd.Position, "", http.StatusOK, &detail)
	if detail["status"] != "offered" {
		t.Fatalf("after offer the timesheet is %v, want offered: %v", detail["status"], detail)
	}
	if fake.EventCount() == 0 {
		t.Fatal("no events reached EventStoreDB")
	}
}

// startedOnEventStoreDB starts serve with the demo data on the EventStoreDB
// at url and a fresh PostgreSQL database for the read models.
// It returns the base URL and the settings it ran with.
func startedOnEventStoreDB(t *testing.T, url string) (string, map[string]string) {
	t.Helper()
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	env := map[string]string{
		"BACKOFFICE_DATABASE_URL":   pgtest.NewDB(t),
		"BACKOFFICE_EVENTSTORE_URL": url,
		"BACKOFFICE_MASTER_KEY":     base64.StdEncoding.EncodeToString(key),
		"BACKOFFICE_ADDR":           "127.0.0.1:0",
		"BACKOFFICE_DEMO":           "true",
		"BACKOFFICE_DATA_DIR":       t.TempDir(),
	}
	return started(t, env), env
}

type apiClient struct {
	t     *testing.T
	base  string
	token string
}

func (c *apiClient) do(method, path, body string, want int, out any) {
	c.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		c.t.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, raw)
	}
	if out != nil {
		if err := json.NewDecoder(bytes.NewReader(raw)).Decode(out); err != nil {
			c.t.Fatalf("%s %s: decode %s: %v", method, path, raw, err)
		}
	}
}

// TestServeKeepsOperationsInternal: with BACKOFFICE_INTERNAL_ADDR, /readyz
// and /metrics are served on that listener only; /healthz stays on both.
func TestServeKeepsOperationsInternal(t *testing.T) {
	t.Parallel()
	base, ops := startedWithOps(t, map[string]string{
		"BACKOFFICE_DATA_DIR":      t.TempDir(),
		"BACKOFFICE_ADDR":          "127.0.0.1:0",
		"BACKOFFICE_INTERNAL_ADDR": "127.0.0.1:0",
		"BACKOFFICE_DEMO":          "false",
	})
	if ops == "" {
		t.Fatal("serve did not print the internal listener")
	}
	for path, want := range map[string][2]int{
		"/healthz": {http.StatusOK, http.StatusOK},
		"/readyz":  {http.StatusNotFound, http.StatusOK},
		"/metrics": {http.StatusNotFound, http.StatusOK},
	} {
		if got := httpStatus(t, base+path); got != want[0] {
			t.Errorf("public %s: %d, want %d", path, got, want[0])
		}
		if got := httpStatus(t, ops+path); got != want[1] {
			t.Errorf("internal %s: %d, want %d", path, got, want[1])
		}
	}
	if got := httpStatus(t, ops+"/inloggen"); got != http.StatusNotFound {
		t.Errorf("the internal listener serves the portal: %d", got)
	}
}

// TestServeRefusesABusyPortBeforeStartingAnything: a port in use ends serve
// at once with the address in the message, before the embedded cluster is
// initialised or demo logins are printed that would not work.
func TestServeRefusesABusyPortBeforeStartingAnything(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	data := t.TempDir()
	env := map[string]string{"BACKOFFICE_DATA_DIR": data, "BACKOFFICE_ADDR": busy.Addr().String()}
	var out bytes.Buffer
	err = run(context.Background(), []string{"serve"}, func(k string) string { return env[k] }, &out, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "listen on "+busy.Addr().String()) {
		t.Fatalf("serve on a busy port: %v", err)
	}
	if _, err := os.Stat(filepath.Join(data, "postgres")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("serve started a database before finding its port busy (%v)", err)
	}
	if out.Len() > 0 {
		t.Errorf("serve printed before finding its port busy: %q", out.String())
	}
}
