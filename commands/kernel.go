package commands

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"backoffice/domain"
	"backoffice/eventstore"
)

// Meta describes the request a command comes from.
type Meta struct {
	Actor         domain.Actor
	CorrelationID string
	// IdempotencyKey, when set, makes the new events' IDs deterministic, so a
	// retried append of the same decision stores nothing twice.
	IdempotencyKey string
	// Command names what the key was given for (the adapter's request:
	// route and body). It seeds the event IDs with the key, so another
	// request under a reused key is not mistaken for a retry.
	Command string
	// Retry says an earlier attempt under IdempotencyKey may have appended
	// already and lost its answer: handlers look for its events (Replayed)
	// before deciding again on a state that now includes them.
	Retry bool
}

// Result is what every command returns.
type Result struct {
	// Position is the global position of the command's last event; queries
	// wait for projections to pass it (read-your-writes). Start when the
	// command changed nothing.
	Position eventstore.Position `json:"-"`
	// Revision is the stream's revision after the command.
	Revision uint64 `json:"-"`
}

// idNamespace seeds deterministic event IDs (UUIDv5) from idempotency keys.
// WARNING: changing it changes the IDs of retried commands.
var idNamespace = uuid.MustParse("6f1c1b1e-3c1a-4bb4-9a57-0d7f3f6c8e21")

// Stream is a loaded aggregate stream: its revision and whether it exists.
type Stream struct {
	Name     string
	Revision uint64
	Exists   bool
}

// Expected is the append condition that matches what was loaded.
func (s Stream) Expected() eventstore.ExpectedRevision {
	if !s.Exists {
		return eventstore.NoStream()
	}
	return eventstore.Exact(s.Revision)
}

// Load reads a whole stream and hands every decoded event to apply in order.
// A missing stream is not an error: Exists is false. Every event's hash chain
// is checked before it is applied: a broken chain is an error wrapping
// eventstore.ErrIntegrity (see refuseBrokenChain).
func Load(ctx context.Context, store eventstore.Store, name string, reg *domain.Registry, apply func(domain.Event)) (Stream, error) {
	st := Stream{Name: name}
	const page = 1000
	var chain eventstore.ChainVerifier
	for {
		evs, err := store.ReadStream(ctx, name, eventstore.ReadStreamOptions{From: st.next(), Max: page})
		if errors.Is(err, eventstore.ErrStreamNotFound) {
			return st, nil
		}
		if err != nil {
			return st, fmt.Errorf("commands: load %s: %w", name, err)
		}
		if err := Fold(ctx, &st, &chain, evs, reg, apply); err != nil {
			return st, err
		}
		if len(evs) < page {
			return st, nil
		}
	}
}

// next is the first revision not folded into st yet.
func (s Stream) next() uint64 {
	if !s.Exists {
		return 0
	}
	return s.Revision + 1
}

// Fold continues st with events read from it (ReadStream, ReadStreams):
// each is checked against the hash chain (chain continues from the last
// event folded, its zero value from revision 0), decoded with reg (or
// taken, once its hash verified, from the decoded-event cache: decoded.go;
// apply must not change the event) and handed to apply; st's revision
// follows.
func Fold(ctx context.Context, st *Stream, chain *eventstore.ChainVerifier, evs []eventstore.RecordedEvent, reg *domain.Registry, apply func(domain.Event)) error {
	for _, rec := range evs {
		if err := chain.Check(rec); err != nil {
			return refuseBrokenChain(ctx, st.Name, err)
		}
		ev, err := decoded.decode(reg, rec) // only after Check: see decoded.go
		if err != nil {
			return fmt.Errorf("commands: load %s revision %d: %w", st.Name, rec.Revision, err)
		}
		apply(ev)
		st.Revision, st.Exists = rec.Revision, true
	}
	return nil
}

// Save appends events to the loaded stream with its revision as the
// condition. Nothing to save returns the stream's state with Start position.
func Save(ctx context.Context, store eventstore.Store, st Stream, meta Meta, now time.Time, events ...domain.Event) (Result, error) {
	return SaveIf(ctx, store, st, nil, meta, now, events...)
}

// SaveIf is Save for a decision taken on other streams too: the append
// also requires each of them to stand where it was loaded
// (eventstore.Store.AppendIf). When one has moved the error is a
// *eventstore.WrongExpectedRevisionError naming it.
func SaveIf(ctx context.Context, store eventstore.Store, st Stream, also []Stream, meta Meta, now time.Time, events ...domain.Event) (Result, error) {
	if len(events) == 0 {
		if meta.Retry && meta.IdempotencyKey != "" && st.Exists {
			// Nothing to do because the first attempt did it (its answer
			// lost): answer its position, so the caller's read-your-writes
			// wait covers the change.
			if res, _, found, err := findKeyed(ctx, store, st.Name, meta); err != nil || found {
				return res, err
			}
		}
		return Result{Revision: st.Revision}, nil
	}
	data := make([]eventstore.EventData, len(events))
	md := eventstore.Metadata{
		ActorID:       meta.Actor.AccountID,
		ActorRole:     string(meta.Actor.Role),
		CorrelationID: meta.CorrelationID,
		OccurredAt:    now.UTC().Truncate(time.Microsecond),
	}
	for i, ev := range events {
		payload, err := domain.Encode(ev)
		if err != nil {
			return Result{}, err
		}
		data[i] = eventstore.EventData{ID: eventID(meta, st.Name, i), Type: ev.EventType(), Data: payload, Metadata: md}
	}
	var conds []eventstore.Condition
	for _, o := range also {
		conds = append(conds, eventstore.Condition{Stream: o.Name, Expected: o.Expected()})
	}
	var res eventstore.AppendResult
	var err error
	if len(conds) == 0 {
		res, err = store.Append(ctx, st.Name, st.Expected(), data...)
	} else {
		res, err = store.AppendIf(ctx, st.Name, st.Expected(), conds, data...)
	}
	if errors.Is(err, eventstore.ErrDuplicateEventID) && meta.IdempotencyKey != "" {
		// A retry decided differently on a state that already holds the
		// key's events: the command ran; answer what it appended then.
		if orig, _, found, ferr := findKeyed(ctx, store, st.Name, meta); ferr == nil && found {
			return orig, nil
		}
	}
	if err != nil {
		return Result{}, fmt.Errorf("commands: append to %s: %w", st.Name, err)
	}
	return Result{Position: res.Position, Revision: res.NextExpectedRevision}, nil
}

// eventID is random without an idempotency key; with one it is derived from
// the actor, the key, the command and the stream alone (never the revision
// the command was decided on), so a retry decided on a later state still
// produces the IDs of the first attempt and the store refuses to append
// them twice.
// WARNING: changing the seed changes the IDs of retried commands.
func eventID(meta Meta, stream string, i int) uuid.UUID {
	if meta.IdempotencyKey == "" {
		return uuid.New()
	}
	seed := fmt.Sprintf("%q|%q|%q|%q|%d", meta.Actor.AccountID, meta.IdempotencyKey, meta.Command, stream, i)
	return uuid.NewSHA1(idNamespace, []byte(seed))
}

// Folder is an aggregate whose Apply refuses events it does not know
// (domain.Aggregate, the one convention of domain/*).
type Folder = domain.Aggregate

// LoadInto folds a whole stream into agg (see Load); an event agg refuses
// is an error.
func LoadInto(ctx context.Context, store eventstore.Store, name string, reg *domain.Registry, agg Folder) (Stream, error) {
	var applyErr error
	st, err := Load(ctx, store, name, reg, func(e domain.Event) {
		applyErr = errors.Join(applyErr, agg.Apply(e))
	})
	return st, errors.Join(err, applyErr)
}
