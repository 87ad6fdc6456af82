package main

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
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
	// The projectors may run before the HTTP server accepts: a connection
	// still in the listen queue at SIGTERM is reset, not in flight.
	c.await200(t, "http://"+addr+"/healthz")

	// A login whose body arrives in two parts, with SIGTERM in between.
	body := `{"email":"niemand@bureau.example.nl","password":"een-wachtwoord"}`
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/session HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		addr, len(body), body[:10])
	// The request is in flight once the server has read its headers (the
	// access log line comes only at its end): nothing left unread on the
	// server's side of the connection.
	c.awaitRead(t, conn)
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	c.awaitText(t, "shutting down")
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

// await200 polls url until it answers 200.
func (c *child) await200(t *testing.T, url string) {
	t.Helper()
	c.poll(t, "answer 200 on "+url, func() bool {
		resp, err := http.Get(url)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

// awaitText polls the child's stderr until it holds text.
func (c *child) awaitText(t *testing.T, text string) {
	t.Helper()
	c.poll(t, "write "+strconv.Quote(text), func() bool { return strings.Contains(c.errText(), text) })
}

// awaitRead polls /proc/net/tcp until the server's end of conn (an IPv4
// connection to the child) has no unread bytes: the server accepted it and
// read what was sent.
func (c *child) awaitRead(t *testing.T, conn net.Conn) {
	t.Helper()
	hex := func(a net.Addr) string {
		ap := a.(*net.TCPAddr).AddrPort()
		ip := ap.Addr().As4()
		return fmt.Sprintf("%02X%02X%02X%02X:%04X", ip[3], ip[2], ip[1], ip[0], ap.Port())
	}
	server, client := hex(conn.RemoteAddr()), hex(conn.LocalAddr())
	c.poll(t, "read the request's bytes", func() bool {
		raw, err := os.ReadFile("/proc/net/tcp")
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(raw), "\n") {
			f := strings.Fields(line)
			if len(f) > 4 && f[1] == server && f[2] == client {
				return strings.HasSuffix(f[4], ":00000000")
			}
		}
		return false
	})
}

func (c *child) poll(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); !ok(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the child did not %s:\n%s", what, c.errText())
		}
	}
}
