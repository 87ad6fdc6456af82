package eventsub

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"backoffice/eventstore"
)

// Metadata keys of messages produced by the Subscriber. The event type
// travels in MetaName, as in Watermill's cqrs component.
const (
	MetaName          = "name"
	MetaStream        = "stream"
	MetaRevision      = "revision"
	MetaPosition      = "position" // eventstore.Position.String()
	MetaActorID       = "actor_id"
	MetaActorRole     = "actor_role"
	MetaCorrelationID = "correlation_id"
	MetaCausationID   = "causation_id"
	MetaOccurredAt    = "occurred_at" // RFC 3339 with nanoseconds
	MetaCreated       = "created"     // when the store recorded the event
)

// DefaultEventType is the event type the Publisher stores for a message
// without MetaName metadata.
const DefaultEventType = "watermill.message"

// envelopePrefix starts the data of an event whose message could not be
// stored as plain JSON data (non-JSON payload, or metadata the event store
// has no field for). Domain events never start with this key.
var envelopePrefix = []byte(`{"$watermill":`)

type envelope struct {
	W envelopeBody `json:"$watermill"`
}

type envelopeBody struct {
	Payload  []byte            `json:"payload_b64,omitempty"` // base64 in JSON
	Metadata map[string]string `json:"metadata,omitempty"`
}

// reserved metadata keys: mapped onto event fields or set by the store.
var reserved = map[string]bool{
	MetaName: true, MetaStream: true, MetaRevision: true, MetaPosition: true,
	MetaActorID: true, MetaActorRole: true, MetaCorrelationID: true,
	MetaCausationID: true, MetaOccurredAt: true, MetaCreated: true,
}

// ToEventData converts a Watermill message into an event to append: UUID →
// ID, metadata name → Type (DefaultEventType when absent), the actor and flow
// metadata → eventstore.Metadata, payload → Data. A payload that is not JSON,
// or metadata keys the store has no field for, are kept in a JSON envelope
// ({"$watermill":{"payload_b64":...,"metadata":{...}}}) that the Subscriber
// unwraps again.
func ToEventData(msg *message.Message) (eventstore.EventData, error) {
	id, err := uuid.Parse(msg.UUID)
	if err != nil {
		return eventstore.EventData{}, fmt.Errorf("eventsub: message UUID %q is not a UUID: %w", msg.UUID, err)
	}
	ed := eventstore.EventData{
		ID:   id,
		Type: msg.Metadata.Get(MetaName),
		Metadata: eventstore.Metadata{
			ActorID:       msg.Metadata.Get(MetaActorID),
			ActorRole:     msg.Metadata.Get(MetaActorRole),
			CorrelationID: msg.Metadata.Get(MetaCorrelationID),
			CausationID:   msg.Metadata.Get(MetaCausationID),
		},
	}
	if ed.Type == "" {
		ed.Type = DefaultEventType
	}
	if s := msg.Metadata.Get(MetaOccurredAt); s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return eventstore.EventData{}, fmt.Errorf("eventsub: message %s: metadata occurred_at: %w", msg.UUID, err)
		}
		ed.Metadata.OccurredAt = t
	}
	var extra map[string]string
	for k, v := range msg.Metadata {
		if !reserved[k] {
			if extra == nil {
				extra = map[string]string{}
			}
			extra[k] = v
		}
	}
	payload := []byte(msg.Payload)
	if extra == nil && (len(payload) == 0 || (json.Valid(payload) && !bytes.HasPrefix(payload, envelopePrefix))) {
		ed.Data = bytes.Clone(payload)
		return ed, nil
	}
	data, err := json.Marshal(envelope{W: envelopeBody{Payload: payload, Metadata: extra}})
	if err != nil {
		return eventstore.EventData{}, fmt.Errorf("eventsub: message %s: %w", msg.UUID, err)
	}
	ed.Data = data
	return ed, nil
}

// ToMessage converts a recorded event into a Watermill message (see the
// Meta* keys). The caller sets the message's context.
func ToMessage(e eventstore.RecordedEvent) (*message.Message, error) {
	payload := []byte(e.Data)
	var extra map[string]string
	if bytes.HasPrefix(payload, envelopePrefix) {
		var env envelope
		if err := json.Unmarshal(payload, &env); err != nil {
			return nil, fmt.Errorf("eventsub: event %s: bad envelope: %w", e.ID, err)
		}
		payload, extra = env.W.Payload, env.W.Metadata
	}
	md := make(message.Metadata, 6+len(extra))
	for k, v := range extra {
		md[k] = v
	}
	md[MetaName] = e.Type
	md[MetaStream] = e.Stream
	md[MetaRevision] = strconv.FormatUint(e.Revision, 10)
	md[MetaPosition] = e.Position.String()
	setIf(md, MetaActorID, e.Metadata.ActorID)
	setIf(md, MetaActorRole, e.Metadata.ActorRole)
	setIf(md, MetaCorrelationID, e.Metadata.CorrelationID)
	setIf(md, MetaCausationID, e.Metadata.CausationID)
	if !e.Metadata.OccurredAt.IsZero() {
		md[MetaOccurredAt] = e.Metadata.OccurredAt.Format(time.RFC3339Nano)
	}
	if !e.Created.IsZero() {
		md[MetaCreated] = e.Created.Format(time.RFC3339Nano)
	}
	msg := message.NewMessage(e.ID.String(), payload)
	msg.Metadata = md
	return msg, nil
}

func setIf(md message.Metadata, k, v string) {
	if v != "" {
		md[k] = v
	}
}

type ctxKey int

const (
	eventKey ctxKey = iota
	moreKey
)

// EventFromMessage returns the recorded event a message of the Subscriber
// carries. It uses the event attached to the message context when present
// (no parsing) and otherwise rebuilds it from the metadata.
func EventFromMessage(msg *message.Message) (eventstore.RecordedEvent, error) {
	if e, ok := msg.Context().Value(eventKey).(*eventstore.RecordedEvent); ok && e != nil {
		return *e, nil
	}
	id, err := uuid.Parse(msg.UUID)
	if err != nil {
		return eventstore.RecordedEvent{}, fmt.Errorf("eventsub: message UUID %q: %w", msg.UUID, err)
	}
	pos, err := eventstore.ParsePosition(msg.Metadata.Get(MetaPosition))
	if err != nil {
		return eventstore.RecordedEvent{}, fmt.Errorf("eventsub: message %s: %w", msg.UUID, err)
	}
	rev, err := strconv.ParseUint(msg.Metadata.Get(MetaRevision), 10, 64)
	if err != nil {
		return eventstore.RecordedEvent{}, fmt.Errorf("eventsub: message %s: revision: %w", msg.UUID, err)
	}
	e := eventstore.RecordedEvent{
		ID: id, Stream: msg.Metadata.Get(MetaStream), Revision: rev, Position: pos,
		Type: msg.Metadata.Get(MetaName), Data: json.RawMessage(msg.Payload),
		Metadata: eventstore.Metadata{
			ActorID:       msg.Metadata.Get(MetaActorID),
			ActorRole:     msg.Metadata.Get(MetaActorRole),
			CorrelationID: msg.Metadata.Get(MetaCorrelationID),
			CausationID:   msg.Metadata.Get(MetaCausationID),
		},
	}
	if s := msg.Metadata.Get(MetaOccurredAt); s != "" {
		if e.Metadata.OccurredAt, err = time.Parse(time.RFC3339Nano, s); err != nil {
			return eventstore.RecordedEvent{}, fmt.Errorf("eventsub: message %s: occurred_at: %w", msg.UUID, err)
		}
	}
	if s := msg.Metadata.Get(MetaCreated); s != "" {
		if e.Created, err = time.Parse(time.RFC3339Nano, s); err != nil {
			return eventstore.RecordedEvent{}, fmt.Errorf("eventsub: message %s: created: %w", msg.UUID, err)
		}
	}
	return e, nil
}

// MoreReady reports whether, when the Subscriber sent msg, the next event of
// the topic was already read from the store and waiting. A consumer that
// batches work commits when it is false: the batch then ends at the last
// event available, so nothing waits for a timer. It is a hint: false may be
// said while another event is about to arrive (a smaller batch, never a
// wrong one).
func MoreReady(msg *message.Message) bool {
	v, _ := msg.Context().Value(moreKey).(bool)
	return v
}

func withEvent(ctx context.Context, e *eventstore.RecordedEvent, more bool) context.Context {
	return context.WithValue(context.WithValue(ctx, eventKey, e), moreKey, more)
}
