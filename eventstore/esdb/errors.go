package esdb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"backoffice/eventstore"
)

// code is the client's error code of err, or ErrorCodeUnknown. It uses
// errors.As, never esdb.FromError, whose ok is false exactly when there is an
// error.
func code(err error) esdb.ErrorCode {
	var e *esdb.Error
	if errors.As(err, &e) {
		return e.Code()
	}
	return esdb.ErrorCodeUnknown
}

// connectionClosing reports a call that ended because the client closed
// its connection (gRPC Canceled) while the caller's context was still live:
// the client does that when it moves to another node. Callers check their
// own context first.
func connectionClosing(err error) bool {
	var se interface{ GRPCStatus() *status.Status }
	return errors.As(err, &se) && se.GRPCStatus().Code() == codes.Canceled
}

// discoveryFailed reports the error of a call whose client ran node
// discovery (its connection was dropped after Unavailable) and failed: the
// v4 client (4.2.0) has then closed itself, and calls queued on its channel
// behind that discovery wait for good. The client marks it only in the text
// (impl.go, discoverNode).
func discoveryFailed(err error) bool {
	var e *esdb.Error
	return errors.As(err, &e) && e.Err() != nil &&
		strings.HasPrefix(e.Err().Error(), "maximum discovery attempt count reached")
}

// isEOF is the normal end of a read.
func isEOF(err error) bool { return errors.Is(err, io.EOF) }

// mapErr turns a client error into the port's typed errors, keeping the
// original in the chain.
func (s *Store) mapErr(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, eventstore.ErrClosed) || errors.Is(err, eventstore.ErrUnavailable) ||
		errors.Is(err, eventstore.ErrStreamNotFound) || errors.Is(err, eventstore.ErrStreamDeleted) {
		return err
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("eventstore/esdb: %w (%v)", ctxErr, err)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if connectionClosing(err) {
		return fmt.Errorf("eventstore/esdb: %w: %w", eventstore.ErrUnavailable, err)
	}
	var e *esdb.Error
	if !errors.As(err, &e) {
		if st, ok := status.FromError(err); ok && st.Code() == codes.Unavailable {
			return fmt.Errorf("eventstore/esdb: %w: %w", eventstore.ErrUnavailable, err)
		}
		return fmt.Errorf("eventstore/esdb: %w", err)
	}
	switch e.Code() {
	case esdb.ErrorCodeResourceNotFound:
		return fmt.Errorf("%w: %w", eventstore.ErrStreamNotFound, err)
	case esdb.ErrorCodeStreamDeleted:
		return fmt.Errorf("%w: %w", eventstore.ErrStreamDeleted, err)
	case esdb.ErrorUnavailable, esdb.ErrorCodeConnectionClosed, esdb.ErrorCodeNotLeader,
		esdb.ErrorCodeDeadlineExceeded, esdb.ErrorAborted:
		if s.isClosed() {
			return eventstore.ErrClosed
		}
		return fmt.Errorf("eventstore/esdb: %w: %w", eventstore.ErrUnavailable, err)
	}
	return fmt.Errorf("eventstore/esdb: %w", err)
}
