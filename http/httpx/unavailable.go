package httpx

import (
	"errors"
	"io"
	"net"

	"github.com/jackc/pgx/v5/pgconn"

	"backoffice/eventstore"
)

// RetryAfter is the pause a 503 asks clients to wait: the embedded
// PostgreSQL is restarted within seconds of dying (internal/pglaunch).
const RetryAfter = 5

// unavailable reports an error that says the database or event store cannot
// be reached right now, so a retry may succeed: the event store's
// ErrUnavailable, and PostgreSQL connection failures of the read-model
// queries (classified as eventstore/postgres does for the event store).
func unavailable(err error) bool {
	if errors.Is(err, eventstore.ErrUnavailable) {
		return true
	}
	// A new connection the server refused (it is starting, stopping, or
	// not accepting connections to the database: 55000, which a
	// ConnectError wraps) is an outage, whatever the code inside.
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		code := pgErr.Code
		return len(code) == 5 && (code[:2] == "08" || code[:2] == "53" || // connection exception, out of resources
			code == "57P01" || code == "57P02" || code == "57P03") // shutting down, starting up
	}
	var netErr net.Error
	// A connection that broke mid-answer (the server was killed) ends in
	// an unexpected EOF.
	return errors.As(err, &netErr) || errors.Is(err, io.ErrUnexpectedEOF)
}
