package eventstore

import (
	"errors"
	"fmt"
)

var (
	// ErrStreamNotFound: the stream has no events (or never existed).
	ErrStreamNotFound = errors.New("eventstore: stream not found")
	// ErrStreamDeleted: the stream was deleted (EventStoreDB tombstone).
	ErrStreamDeleted = errors.New("eventstore: stream deleted")
	// ErrWrongExpectedRevision: the append's condition did not hold. The
	// concrete error is a *WrongExpectedRevisionError with the actual revision.
	ErrWrongExpectedRevision = errors.New("eventstore: wrong expected revision")
	// ErrDuplicateEventID: an event ID of the append is already stored in the
	// stream, but the append is not an exact repeat of the stored one.
	ErrDuplicateEventID = errors.New("eventstore: event ID already used in stream by another append")
	// ErrInvalidAppend: the append itself is malformed (no events, empty
	// stream name, missing ID or type, data that is not JSON).
	ErrInvalidAppend = errors.New("eventstore: invalid append")
	// ErrUnavailable: the store cannot be reached right now; retrying may help.
	ErrUnavailable = errors.New("eventstore: unavailable")
	// ErrClosed: the store or subscription was closed by its owner.
	ErrClosed = errors.New("eventstore: closed")
	// ErrAppendTooLarge: the append is larger than the store accepts in one
	// call (EventStoreDB's MaxAppendSize). It is refused before anything is
	// sent; an append is never split.
	ErrAppendTooLarge = errors.New("eventstore: append too large")
)

// WrongExpectedRevisionError says what the stream's state was when an append's
// condition failed. errors.Is(err, ErrWrongExpectedRevision) holds for it.
type WrongExpectedRevisionError struct {
	Stream   string
	Expected ExpectedRevision
	// Actual is the revision of the stream's last event; meaningful only
	// when StreamExists is true.
	Actual       uint64
	StreamExists bool
}

func (e *WrongExpectedRevisionError) Error() string {
	actual := "no stream"
	if e.StreamExists {
		actual = fmt.Sprintf("revision %d", e.Actual)
	}
	return fmt.Sprintf("eventstore: wrong expected revision on %q: expected %s, actual %s", e.Stream, e.Expected, actual)
}

func (e *WrongExpectedRevisionError) Is(target error) bool { return target == ErrWrongExpectedRevision }
