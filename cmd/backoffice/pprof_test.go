package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"regexp"
	"testing"
	"time"
)

// TestServePprofOnlyOnItsListener: with BACKOFFICE_PPROF_ADDR the profiles
// answer there, and never on the portal's address.
func TestServePprofOnlyOnItsListener(t *testing.T) {
	env := map[string]string{"BACKOFFICE_DATA_DIR": t.TempDir(), "BACKOFFICE_ADDR": "127.0.0.1:0",
		"BACKOFFICE_PPROF_ADDR": "127.0.0.1:0", "BACKOFFICE_DEMO": "false"}
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
	found := make(chan [2]string, 1)
	go func() {
		pprofLine := regexp.MustCompile(`pprof listener ([0-9.:]+)`)
		listening := regexp.MustCompile(`listening on ([0-9.:]+)`)
		var a [2]string
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := pprofLine.FindStringSubmatch(sc.Text()); m != nil {
				a[1] = "http://" + m[1]
			}
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				a[0] = "http://" + m[1]
				found <- a
			}
		}
		close(found)
		_, _ = io.Copy(io.Discard, pr)
	}()
	var base, prof string
	select {
	case a, ok := <-found:
		if !ok {
			t.Fatalf("serve ended before listening: %v", <-done)
		}
		base, prof = a[0], a[1]
	case <-time.After(2 * time.Minute):
		t.Fatal("serve did not start listening within 2 minutes")
	}
	if prof == "" {
		t.Fatal("serve did not print the pprof listener")
	}
	status := func(url string) int {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode
	}
	if got := status(prof + "/debug/pprof/heap"); got != http.StatusOK {
		t.Errorf("pprof listener /debug/pprof/heap: %d, want 200", got)
	}
	if got := status(base + "/debug/pprof/heap"); got == http.StatusOK {
		t.Errorf("the portal's address serves the profiles")
	}
	if got := status(prof + "/inloggen"); got != http.StatusNotFound {
		t.Errorf("the pprof listener serves the portal: %d", got)
	}
}
