package projections

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"backoffice/eventstore"
)

// A Projector owns a read model. Handle is called for each event it handles,
// in log order, inside a transaction that also stores the checkpoint.
//
// Handle must only write through tx (the runtime commits or rolls back), and
// must not keep tx or e.Data after it returns. Events are applied at least
// once to a transaction but their effect is committed exactly once.
type Projector interface {
	// Name identifies the projector: router handler name, checkpoint key,
	// advisory-lock key, metric label.
	//
	// WARNING: stored as checkpoint key; never rename (a renamed projector
	// starts from position 0 on top of its old rows).
	Name() string
	// Handles filters event types; events it does not handle still advance
	// the checkpoint. It may be called from the runtime's read-ahead
	// goroutine while a batch is being handled.
	Handles(eventType string) bool
	// Handle applies one event to the read model.
	Handle(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent) error
	// Reset empties the read model for a rebuild (e.g. TRUNCATE its tables).
	Reset(ctx context.Context, tx pgx.Tx) error
}

// BatchProjector is an optional extension: when a Projector implements it,
// the runtime calls HandleBatch once per transaction with the handled events
// of that batch (in log order, at least one) instead of Handle per event, so
// it can write many rows in one round trip (COPY, multi-row INSERT, unnest).
type BatchProjector interface {
	Projector
	HandleBatch(ctx context.Context, tx pgx.Tx, events []eventstore.RecordedEvent) error
}

// TypedProjector is an optional extension: a projector that handles a few
// event types lists them, and catch-up and rebuild then read only those
// from a store that filters in the database (eventstore.TypeFilteredReader).
// Handles must agree with the list.
type TypedProjector interface {
	Projector
	EventTypes() []string
}

// PreparingProjector is an optional extension of a BatchProjector: while
// catching up or rebuilding, the runtime calls Prepare with each page's
// handled events in its read-ahead goroutine, outside any transaction, so
// that the work that needs no read model (decoding the events' data)
// overlaps the writing of the page before; HandlePrepared then gets the
// events of the batch with what Prepare returned for exactly those.
//
// Prepare must not fail: what it cannot do it leaves for HandlePrepared
// (a poison event must fail in the batch, where the runtime isolates it).
// Live batches and the isolation of a failing event go through
// HandleBatch.
//
// Prepare may also do work that assumes something of the read model, if
// the transaction checks it (a row that cannot exist yet, inserted where
// its key would refuse a duplicate): when the check fails, HandlePrepared
// returns an error wrapping ErrPreparedStale, and the runtime rolls the
// transaction back and applies the batch again with HandleBatch.
type PreparingProjector interface {
	BatchProjector
	Prepare(events []eventstore.RecordedEvent) any
	HandlePrepared(ctx context.Context, tx pgx.Tx, events []eventstore.RecordedEvent, prepared any) error
}

// ErrPreparedStale is what a PreparingProjector's HandlePrepared wraps when
// an assumption of its Prepare about the read model did not hold: the
// runtime then applies the same batch with HandleBatch instead.
var ErrPreparedStale = errors.New("projections: prepared batch no longer fits the read model")

// AsyncCommitProjector is an optional extension: a projector whose
// transaction writes nothing but rows derived from the event log and its
// checkpoint (a read model: no mail or other effect outside the database,
// no row a user action or another component wrote, nothing that must
// survive on its own) returns true, and the runtime commits its live
// batches with synchronous_commit = off: the commit does not wait for the
// WAL flush (one fsync less per command).
//
// Why nothing is lost: a crash of PostgreSQL can only lose the last async
// commits, the rows and the checkpoint of each together, never one without
// the other; the events they came from committed durably before (the
// projector only sees committed events) and any later durable commit, such
// as the next append, flushes the WAL past them. After the crash the
// projector reads its stored checkpoint and applies those events again
// (docs/architecture.md, "Projector commits"). A rebuild's pages commit
// the same way, and the rebuild makes them durable with one durable commit
// before it reports done. Catch-up pages and the isolation of a failing
// event still commit durably.
type AsyncCommitProjector interface {
	Projector
	AsyncCommit() bool
}
