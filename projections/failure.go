package projections

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"backoffice/eventstore"
)

// EventFailure is the event a projector stopped on, and why. It is stored
// with the projector's checkpoint (so every process, and `projections
// status`, can show it) and cleared by the projector's next commit.
type EventFailure struct {
	Position string    `json:"position"`
	EventID  string    `json:"event_id"`
	Type     string    `json:"type"`
	Stream   string    `json:"stream"`
	Revision uint64    `json:"revision"`
	Reason   string    `json:"reason"`
	At       time.Time `json:"at"`
}

// maxReason caps the stored reason: it is an error message, not a dump.
const maxReason = 500

// EventError is a projector's failure on one event: every event before it
// was committed, the checkpoint sits right before it, and the projector
// retries it with back-off. It never carries the event's data.
type EventError struct {
	Projector string
	Position  eventstore.Position
	EventID   string
	Type      string
	Stream    string
	Revision  uint64
	Err       error
}

func (e *EventError) Error() string {
	return fmt.Sprintf("projections: %s: event %s (%s, %s@%d, position %s): %v",
		e.Projector, e.EventID, e.Type, e.Stream, e.Revision, e.Position, e.Err)
}

func (e *EventError) Unwrap() error { return e.Err }

func (e *EventError) failure(at time.Time) *EventFailure {
	reason := e.Err.Error()
	if len(reason) > maxReason {
		reason = reason[:maxReason] + "…"
	}
	return &EventFailure{Position: e.Position.String(), EventID: e.EventID, Type: e.Type, Stream: e.Stream,
		Revision: e.Revision, Reason: reason, At: at.UTC()}
}

// handlerError marks an error of the projector's own code (as opposed to the
// checkpoint or the commit): only those are worth isolating to one event.
type handlerError struct {
	err   error
	event int // index of the failing event in the batch; -1: unknown (HandleBatch)
}

func (e *handlerError) Error() string { return e.err.Error() }
func (e *handlerError) Unwrap() error { return e.err }

var errNotIsolated = errors.New("projections: no single event fails on its own")

// isolate runs after a batch failed in the projector's code. It applies the
// batch again one event at a time, each under a savepoint, commits the
// events before the first one that fails (with the checkpoint right after
// them) and records that event as the projector's failure, in one
// transaction. Cutting a batch is always allowed: batch boundaries depend
// on timing already. It returns the *EventError, or cause when no single
// event fails (then nothing is committed).
func (w *worker) isolate(ctx context.Context, conn *pgx.Conn, prev eventstore.Position, events []eventstore.RecordedEvent, cause *handlerError) error {
	var evErr *EventError
	good, applied := prev, 0
	failed := func(e *eventstore.RecordedEvent, err error) {
		evErr = &EventError{Projector: w.name, Position: e.Position, EventID: e.ID.String(), Type: e.Type,
			Stream: e.Stream, Revision: e.Revision, Err: err}
	}
	err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if len(w.deps) > 0 {
			if err := w.checkDeps(ctx, tx, lastHandled(events)); err != nil {
				return err
			}
		}
		for i := range events {
			e := &events[i]
			if i == cause.event {
				// Known already (a per-event projector): not run again.
				failed(e, cause.err)
				break
			}
			sp, err := tx.Begin(ctx)
			if err != nil {
				return err
			}
			if herr := w.handleOne(ctx, sp, *e); herr != nil {
				if err := sp.Rollback(ctx); err != nil {
					return err
				}
				failed(e, herr)
				break
			}
			if err := sp.Commit(ctx); err != nil {
				return err
			}
			good, applied = e.Position, applied+1
		}
		if evErr == nil {
			return errNotIsolated
		}
		if good != prev {
			if err := moveCheckpoint(ctx, tx, w.name, prev, good); err != nil {
				return err
			}
		}
		return storeFailure(ctx, tx, w.name, evErr.failure(time.Now()))
	})
	if errors.Is(err, errDepsMoved) {
		return err // waits again, then applies the batch again
	}
	if err != nil {
		if evErr != nil && ctx.Err() == nil {
			// The failing event is known but could not be recorded (the
			// database may be gone): report it from memory.
			w.set(func(w *worker) { w.setFailure(evErr) })
			return evErr
		}
		return cause.err
	}
	w.set(func(w *worker) {
		w.checkpoint = good
		w.setFailure(evErr)
	})
	if applied > 0 {
		w.rt.m.applied.WithLabelValues(w.name).Add(float64(applied))
		w.rt.committed()
	}
	return evErr
}

// handleOne applies one event the way apply would.
func (w *worker) handleOne(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent) error {
	if w.batch != nil {
		return w.batch.HandleBatch(ctx, tx, []eventstore.RecordedEvent{e})
	}
	return w.p.Handle(ctx, tx, e)
}

// setFailure records the event the projector stopped on; failingSince
// stays while it keeps failing on the same event. w.mu is held.
func (w *worker) setFailure(e *EventError) {
	if w.failure == nil || w.failingAt != e.Position {
		w.failingAt, w.failingSince = e.Position, time.Now()
	}
	w.failure = e.failure(time.Now())
}

// stuckBefore reports whether the projector has been failing on one event at
// or before pos for at least StuckAfter: it cannot pass pos until someone
// fixes it, so waiting for it is pointless. w.mu is held.
func (w *worker) stuckBefore(pos eventstore.Position) bool {
	return w.state == StateFailed && w.failure != nil && !pos.Before(w.failingAt) &&
		time.Since(w.failingSince) >= w.rt.cfg.StuckAfter
}
