// Package eventstore is the port to the append-only event ledger: append with
// an expected revision, read a stream, read and subscribe to the global log
// ($all). Adapters live in subpackages (postgres, esdb, memory) and all pass
// the conformance suite in eventstoretest.
package eventstore

import (
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Metadata travels with every event: who caused it and in which flow.
type Metadata struct {
	// ActorID is the account (or integration token) that issued the command.
	ActorID string `json:"actor_id,omitempty"`
	// ActorRole is the role the actor acted in (backoffice, client, ...).
	ActorRole string `json:"actor_role,omitempty"`
	// CorrelationID ties together everything caused by one user request.
	CorrelationID string `json:"correlation_id,omitempty"`
	// CausationID is the ID of the command or event that caused this one.
	CausationID string `json:"causation_id,omitempty"`
	// OccurredAt is the business time of the event, set by the command
	// handler from its clock. Stores keep it as given.
	OccurredAt time.Time `json:"occurred_at"`
}

// EventData is an event to append. ID makes the append idempotent: appending
// the same IDs again returns the original result and stores nothing.
type EventData struct {
	ID       uuid.UUID
	Type     string          // constant type name, e.g. "timesheet.line_set"; never derived from Go names
	Data     json.RawMessage // JSON payload
	Metadata Metadata
}

// RecordedEvent is an event as stored.
type RecordedEvent struct {
	ID       uuid.UUID
	Stream   string
	Revision uint64   // zero-based position within Stream
	Position Position // position in the global log
	Type     string
	Data     json.RawMessage
	Metadata Metadata
	// Created is when the store recorded the event (RecordedTime: UTC, to
	// the microsecond); it is part of the hash.
	Created time.Time
	// PrevHash is the Hash of the stream's previous event (ZeroHash for
	// revision 0) and Hash this event's link in the chain (see chain.go).
	PrevHash, Hash Hash
}

// AppendResult tells where the last event of an append landed.
type AppendResult struct {
	// NextExpectedRevision is the revision of the stream's last event after the
	// append; pass it as Exact(...) on the next append.
	NextExpectedRevision uint64
	// Position is the global position of the last appended event.
	Position Position
}

// Validate checks the parts of an append every adapter refuses the same way.
func Validate(stream string, events []EventData) error {
	if stream == "" {
		return fmt.Errorf("%w: empty stream name", ErrInvalidAppend)
	}
	if stream[0] == '$' {
		return fmt.Errorf("%w: stream %q: names starting with $ are reserved", ErrInvalidAppend, stream)
	}
	if len(events) == 0 {
		return fmt.Errorf("%w: no events", ErrInvalidAppend)
	}
	seen := make(map[uuid.UUID]bool, len(events))
	for i, e := range events {
		if e.ID == uuid.Nil {
			return fmt.Errorf("%w: event %d has no ID", ErrInvalidAppend, i)
		}
		if seen[e.ID] {
			return fmt.Errorf("%w: event ID %s appears twice", ErrInvalidAppend, e.ID)
		}
		seen[e.ID] = true
		if e.Type == "" {
			return fmt.Errorf("%w: event %d has no type", ErrInvalidAppend, i)
		}
		if len(e.Data) > 0 && (!json.Valid(e.Data) || !utf8.Valid(e.Data)) {
			return fmt.Errorf("%w: event %d data is not JSON in UTF-8", ErrInvalidAppend, i)
		}
	}
	return nil
}
