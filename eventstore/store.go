package eventstore

import "context"

// AllStream is the name of the global log, as a Watermill topic and in logs.
const AllStream = "$all"

// Direction of a stream read.
type Direction uint8

const (
	Forwards Direction = iota
	Backwards
)

// ReadStreamOptions select a slice of one stream.
type ReadStreamOptions struct {
	Direction Direction
	// From is the first revision to return (inclusive). With Backwards and
	// FromEnd, reading starts at the stream's last event.
	From    uint64
	FromEnd bool
	// Max caps the number of events; 0 means no cap.
	Max int
}

// StreamRead asks for one stream's events from revision From to its end.
type StreamRead struct {
	Stream string
	From   uint64
}

// StreamSlice answers one StreamRead.
type StreamSlice struct {
	Stream string
	// Events are the stream's events from the read's From to its end, in
	// revision order (none when From is past the end).
	Events []RecordedEvent
	// Exists says the stream has events at all; Revision is then its last
	// revision, whatever From was.
	Exists   bool
	Revision uint64
}

// Condition asks an append to check a stream other than its own: the
// stream must stand at Expected when the append commits.
type Condition struct {
	Stream   string
	Expected ExpectedRevision
}

// Store is the event store port. Every adapter passes the conformance suite
// in eventstoretest; these are the rules it holds them to:
//
//   - The global log orders each stream's events by revision, and the events
//     of one append sit next to each other in it.
//   - ReadStream sees an append as soon as Append returns. ReadAll,
//     HeadPosition and SubscribeAll may see it a moment later (the PostgreSQL
//     adapter shows an event only once every older transaction has ended, so
//     a reader never skips an event that commits late), but never out of
//     order and never twice.
//   - The global log holds only application events: system events of the
//     underlying store (EventStoreDB's $-prefixed ones) are not shown.
//   - After Close every method returns ErrClosed; Close may be called twice.
type Store interface {
	// Append adds events to a stream atomically if expected holds. It returns
	// ErrWrongExpectedRevision (a *WrongExpectedRevisionError) when it does
	// not. Repeating an append whose event IDs are all stored already, as the
	// same consecutive events of that stream, returns the original result and
	// stores nothing; a partial overlap is ErrDuplicateEventID.
	Append(ctx context.Context, stream string, expected ExpectedRevision, events ...EventData) (AppendResult, error)

	// AppendIf is Append that also requires every condition to hold: a
	// decision taken on other streams' state (a timesheet decided on its
	// placement's terms) is stored only if they have not moved since. When a
	// condition fails nothing is stored and the error is a
	// *WrongExpectedRevisionError naming that condition's stream. The
	// PostgreSQL and memory adapters check atomically with the append (the
	// condition streams cannot move until it commits); EventStoreDB has no
	// such append, so its adapter checks just before appending
	// (AppendIfCheckedFirst) and a change in between goes unnoticed.
	AppendIf(ctx context.Context, stream string, expected ExpectedRevision, conditions []Condition, events ...EventData) (AppendResult, error)

	// ReadStream returns events of one stream, or ErrStreamNotFound.
	ReadStream(ctx context.Context, stream string, opts ReadStreamOptions) ([]RecordedEvent, error)

	// ReadStreams reads several streams forwards to their ends at once: one
	// slice per read, in the order of reads. A missing stream is a slice
	// with Exists false, not an error. The PostgreSQL adapter answers in one
	// round trip from one snapshot; others may read one stream after the
	// other (ReadStreamsOneByOne). Meant for the few short streams a command
	// decides on: nothing is paged.
	ReadStreams(ctx context.Context, reads ...StreamRead) ([]StreamSlice, error)

	// ReadAll returns up to max events of the global log strictly after
	// position from, in position order. max must be > 0.
	ReadAll(ctx context.Context, from Position, max int) ([]RecordedEvent, error)

	// HeadPosition is the position of the last event in the global log that a
	// reader can see (Start when empty).
	HeadPosition(ctx context.Context) (Position, error)

	// SubscribeAll delivers every event strictly after from, in position
	// order, then a CaughtUp message once it has delivered everything stored
	// when it started, then new events live as they commit. The subscription
	// ends when ctx ends or Close is called.
	SubscribeAll(ctx context.Context, from Position) (Subscription, error)

	// Close releases the store's resources.
	Close() error
}

// SubscriptionMessage is one item of a subscription: exactly one of Event,
// CaughtUp or Checkpoint is set.
type SubscriptionMessage struct {
	Event *RecordedEvent
	// CaughtUp: everything stored when the subscription started has been
	// delivered; what follows is live. Sent once per subscription.
	CaughtUp bool
	// Checkpoint: the subscription has looked at the log up to this position
	// without anything to deliver (filtered reads); safe to store as a resume
	// point.
	Checkpoint *Position
}

// Subscription is a live feed of the global log.
type Subscription interface {
	// Recv blocks until the next message, ctx ends (ctx.Err()), the
	// subscription's own context ends, or it is closed (ErrClosed). A
	// transport failure is returned as an error; the subscription is dead
	// after any error.
	Recv(ctx context.Context) (SubscriptionMessage, error)
	Close() error
}
