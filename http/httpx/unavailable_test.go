package httpx_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"backoffice/eventstore"
	"backoffice/http/httpx"
)

// refusedConnect is the error pgx gives when PostgreSQL is not listening
// (the postmaster died): a real connection attempt to a closed port.
func refusedConnect(t *testing.T) error {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().(*net.TCPAddr)
	_ = l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgconn.Connect(ctx, fmt.Sprintf("postgres://u@127.0.0.1:%d/db?sslmode=disable&connect_timeout=2", addr.Port))
	if err == nil {
		_ = conn.Close(ctx)
		t.Fatal("connected to a closed port")
	}
	return err
}

// TestOutageIs503: the event store's ErrUnavailable and PostgreSQL
// connection failures answer 503 with Retry-After and a JSON error, not
// 500: the embedded database restarts by itself and a retry succeeds.
func TestOutageIs503(t *testing.T) {
	cases := map[string]error{
		"event store unavailable": fmt.Errorf("commands: append: %w", fmt.Errorf("%w: conn closed", eventstore.ErrUnavailable)),
		"connection refused":      fmt.Errorf("readmodel: overview: %w", refusedConnect(t)),
		"server shutting down":    &pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"},
		"server starting up":      &pgconn.PgError{Code: "57P03", Message: "the database system is starting up"},
		"connection broke":        fmt.Errorf("commands: load timesheet-1: eventstore/postgres: read_stream: %w", io.ErrUnexpectedEOF),
	}
	for name, err := range cases {
		t.Run(name, func(t *testing.T) {
			if got := httpx.Status(err); got != http.StatusServiceUnavailable {
				t.Fatalf("Status = %d, want 503", got)
			}
			if d := httpx.Detail(err, "nl"); d.Code != "unavailable" || !strings.HasPrefix(d.Message, "Even geduld") {
				t.Fatalf("Detail = %+v", d)
			}
			w := httptest.NewRecorder()
			httpx.WriteError(w, httptest.NewRequest(http.MethodGet, "/", nil), nil, err)
			if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" ||
				!strings.Contains(w.Body.String(), `"code":"unavailable"`) {
				t.Fatalf("answer %d %v %s", w.Code, w.Header(), w.Body)
			}
		})
	}
	// Not every database error is an outage.
	if got := httpx.Status(&pgconn.PgError{Code: "22P05"}); got != http.StatusInternalServerError {
		t.Fatalf("a data error answers %d, want 500", got)
	}
	if got := httpx.Status(errors.New("boom")); got != http.StatusInternalServerError {
		t.Fatalf("a plain error answers %d, want 500", got)
	}
}
