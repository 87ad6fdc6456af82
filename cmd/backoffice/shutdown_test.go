package main

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeFinishesRequestsOnSIGTERM runs serve as a real process: a
// request still arriving when SIGTERM comes is answered, and serve then
// exits 0 (its embedded PostgreSQL stopped), well within the shutdown
// timeout documented in docs/operations.md.
func TestServeFinishesRequestsOnSIGTERM(t *testing.T) {
	// Not parallel: a parallel test's listener could take the freed port.
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := free.Addr().String()
	free.Close()
	c := startChild(t, map[string]string{
		"BACKOFFICE_DATA_DIR": t.TempDir(),
		"BACKOFFICE_ADDR":     addr,
		"BACKOFFICE_DEMO":     "false",
	}, "lock acquired", "serve")
	c.waitSeen(t)

	// A login whose body arrives in two parts, with SIGTERM in between.
	body := `{"email":"niemand@bureau.example.nl","password":"een-wachtwoord"}`
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/session HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		addr, len(body), body[:10])
	// The request is in flight once its headers are read; the access log
	// line comes only at its end, so give the server a moment to read them.
	time.Sleep(300 * time.Millisecond)
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if _, err := conn.Write([]byte(body[10:])); err != nil {
		t.Fatalf("the server stopped reading the request after SIGTERM: %v", err)
	}
	status, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		t.Fatalf("no answer to the request in flight at SIGTERM: %v\n%s", err, c.errText())
	}
	if !strings.Contains(status, " 401 ") {
		t.Fatalf("the request in flight at SIGTERM got %q, want its 401", status)
	}
	done := make(chan int, 1)
	go func() { _ = c.cmd.Wait(); done <- c.cmd.ProcessState.ExitCode() }()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d after SIGTERM:\n%s", code, c.errText())
		}
	case <-time.After(time.Minute):
		t.Fatalf("serve did not exit within a minute of SIGTERM:\n%s", c.errText())
	}
	if !strings.Contains(c.errText(), "stopping postgres") {
		t.Errorf("serve did not stop its embedded PostgreSQL:\n%s", c.errText())
	}
}
