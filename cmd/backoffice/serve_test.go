package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"backoffice/domain/timesheet"
	"backoffice/internal/esdbfake"
	"backoffice/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// started runs `backoffice serve` with env in the background and returns the
// base URL once it prints its listening line. The server stops at test end.
func started(t *testing.T, env map[string]string) string {
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
	addr := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`listening on ([0-9.:]+)`)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		close(addr)
	}()
	select {
	case a, ok := <-addr:
		if !ok {
			t.Fatalf("serve ended before listening: %v", <-done)
		}
		return "http://" + a
	case <-time.After(2 * time.Minute):
		t.Fatal("serve did not start listening within 2 minutes")
	}
	return ""
}

func TestServeEmbeddedAnswersReadyz(t *testing.T) {
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
	fake := esdbfake.Start(t)
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	base := started(t, map[string]string{
		"BACKOFFICE_DATABASE_URL":   pgtest.NewDB(t),
		"BACKOFFICE_EVENTSTORE_URL": fake.URL(),
		"BACKOFFICE_MASTER_KEY":     base64.StdEncoding.EncodeToString(key),
		"BACKOFFICE_ADDR":           "127.0.0.1:0",
		"BACKOFFICE_DEMO":           "true",
		"BACKOFFICE_DATA_DIR":       t.TempDir(),
	})
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
