package esdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"
	"unicode/utf8"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"

	"backoffice/eventstore"
)

// streamState is what an append needs to know about a stream: its last
// revision and where each event ID sits.
type streamState struct {
	exists   bool
	last     uint64
	lastHash eventstore.Hash // the hash of the event at last
	byID     map[uuid.UUID]*esdb.RecordedEvent
}

// loadState reads the stream through do (Store.do or an exclusive client's).
func (s *Store) loadState(ctx context.Context, do doFunc, stream string) (streamState, error) {
	var raw []*esdb.RecordedEvent
	err := do(ctx, func(c *esdb.Client) error {
		var err error
		raw, err = readStream(ctx, c, stream, esdb.ReadStreamOptions{Direction: esdb.Forwards, From: esdb.Start{}}, math.MaxInt64)
		return err
	})
	if code(err) == esdb.ErrorCodeResourceNotFound {
		return streamState{}, nil
	}
	if err != nil {
		return streamState{}, err
	}
	st := streamState{byID: make(map[uuid.UUID]*esdb.RecordedEvent, len(raw))}
	for _, e := range raw {
		st.byID[e.EventID] = e
		st.exists, st.last = true, e.EventNumber
	}
	if st.exists {
		last, err := toRecorded(raw[len(raw)-1])
		if err != nil {
			return streamState{}, err
		}
		st.lastHash = last.Hash
	}
	return st, nil
}

// repeat applies the idempotency rule: all IDs stored already as consecutive
// events in the same order return the original result; any other overlap is
// ErrDuplicateEventID; no overlap returns ok == false.
func (st streamState) repeat(stream string, events []eventstore.EventData) (eventstore.AppendResult, bool, error) {
	overlap := 0
	for _, e := range events {
		if st.byID[e.ID] != nil {
			overlap++
		}
	}
	if overlap == 0 {
		return eventstore.AppendResult{}, false, nil
	}
	if overlap == len(events) {
		first := st.byID[events[0].ID].EventNumber
		consecutive := true
		for i, e := range events {
			if st.byID[e.ID].EventNumber != first+uint64(i) {
				consecutive = false
				break
			}
		}
		if consecutive {
			lastEv := st.byID[events[len(events)-1].ID]
			return eventstore.AppendResult{NextExpectedRevision: lastEv.EventNumber, Position: toPosition(lastEv.Position)}, true, nil
		}
	}
	return eventstore.AppendResult{}, false, fmt.Errorf("%w: stream %q", eventstore.ErrDuplicateEventID, stream)
}

// wireMetadata is an event's metadata as stored in EventStoreDB: the port's
// metadata and the hash chain, which EventStoreDB knows nothing of. The
// recorded time is the adapter's (EventStoreDB's own created date is set
// after the hash must be known).
type wireMetadata struct {
	eventstore.Metadata
	RecordedAt time.Time        `json:"recorded_at,omitzero"`
	PrevHash   *eventstore.Hash `json:"prev_hash,omitempty"`
	Hash       *eventstore.Hash `json:"hash,omitempty"`
}

// toEventData chains events onto a stream whose last event has hash prev,
// the first of them taking revision first.
func toEventData(stream string, first uint64, prev eventstore.Hash, events []eventstore.EventData) ([]esdb.EventData, error) {
	out := make([]esdb.EventData, len(events))
	recorded := eventstore.RecordedTime(time.Now())
	for i, e := range events {
		rec := eventstore.RecordedEvent{ID: e.ID, Stream: stream, Revision: first + uint64(i), Type: e.Type, Data: e.Data, Metadata: e.Metadata}
		rec.Seal(prev, recorded)
		prev = rec.Hash
		meta, err := json.Marshal(wireMetadata{Metadata: e.Metadata, RecordedAt: rec.Created, PrevHash: &rec.PrevHash, Hash: &rec.Hash})
		if err != nil {
			return nil, fmt.Errorf("eventstore/esdb: event %s metadata: %w", e.ID, err)
		}
		out[i] = esdb.EventData{EventID: e.ID, EventType: e.Type, ContentType: esdb.ContentTypeJson, Data: e.Data, Metadata: meta}
	}
	return out, nil
}

// Append implements eventstore.Store.
//
// The stream is read first: for the idempotency rule (EventStoreDB only
// recognises a repeat right after the expected revision, and "any" only from
// a memory cache) and to turn Any and StreamExists into an exact revision.
// A wrong expected version from the server is answered by reading the stream
// again: a concurrent identical append makes this one a repeat, otherwise the
// error carries the actual revision.
//
// All of it runs on one exclusive client (see exclusive.go), so that the
// write's stream cannot be aborted under it by another call; the reads run
// there too, which also keeps the time between a read and the write it
// decides short when appends wait for a client.
func (s *Store) Append(ctx context.Context, stream string, expected eventstore.ExpectedRevision, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	if err := eventstore.Validate(stream, events); err != nil {
		return eventstore.AppendResult{}, err
	}
	if err := ctx.Err(); err != nil {
		return eventstore.AppendResult{}, err
	}
	// The size as EventStoreDB counts it, with the chain's metadata (its
	// size does not depend on where the chain links): refused before any
	// read or write.
	if data, err := toEventData(stream, 0, eventstore.ZeroHash, events); err != nil {
		return eventstore.AppendResult{}, err
	} else if size := appendSize(data); size > s.cfg.MaxAppendSize {
		return eventstore.AppendResult{}, fmt.Errorf("%w: %d bytes to %q, EventStoreDB accepts at most %d in one append",
			eventstore.ErrAppendTooLarge, size, stream, s.cfg.MaxAppendSize)
	}
	ctx = requireLeader(ctx)
	x, err := s.takeExclusive(ctx)
	if err != nil {
		return eventstore.AppendResult{}, fmt.Errorf("eventstore/esdb: append to %q: %w", stream, s.mapErr(ctx, err))
	}
	defer x.release()
	fail := func(err error) (eventstore.AppendResult, error) {
		return eventstore.AppendResult{}, fmt.Errorf("eventstore/esdb: append to %q: %w", stream, s.mapErr(ctx, err))
	}
	flexible := expected.IsAny() || expected.IsStreamExists()
	ambiguous := 0
	for attempt := 0; ; attempt++ {
		st, err := s.loadState(ctx, x.do, stream)
		if err != nil {
			return fail(err)
		}
		if res, ok, err := st.repeat(stream, events); err != nil || ok {
			return res, err
		}
		if !expected.Satisfied(st.last, st.exists) {
			return eventstore.AppendResult{}, &eventstore.WrongExpectedRevisionError{
				Stream: stream, Expected: expected, Actual: st.last, StreamExists: st.exists,
			}
		}
		var wire esdb.ExpectedRevision = esdb.NoStream{}
		if rev, ok := expected.Exact(); ok {
			wire = esdb.Revision(rev)
		} else if st.exists && !expected.IsNoStream() {
			wire = esdb.Revision(st.last)
		}
		// The chain links onto the event read: the exact expected revision
		// makes the server refuse the append if another came in between.
		first := uint64(0)
		if st.exists {
			first = st.last + 1
		}
		data, err := toEventData(stream, first, st.lastHash, events)
		if err != nil {
			return eventstore.AppendResult{}, err
		}

		// With a context the caller cannot end (see exclusive.go): the
		// client races with gRPC when a Send is aborted under it.
		var res *esdb.WriteResult
		sendCtx := context.WithoutCancel(ctx)
		err = x.do(ctx, func(c *esdb.Client) error {
			s.exclusiveHook(c, sendCtx)
			var err error
			res, err = c.AppendToStream(sendCtx, stream, esdb.AppendToStreamOptions{ExpectedRevision: wire}, data...)
			return err
		})
		switch {
		case err == nil:
			if res.CommitPosition == 0 && res.PreparePosition == 0 {
				// The server recognised a repeat and sent no position: the
				// original result is in the stream.
				return s.originalResult(ctx, x.do, stream, events)
			}
			return eventstore.AppendResult{
				NextExpectedRevision: res.NextExpectedVersion,
				Position:             eventstore.Position{Commit: res.CommitPosition, Prepare: res.PreparePosition},
			}, nil
		case isAmbiguous(err) && ctx.Err() == nil:
			// The write may have landed. The next round reads the stream:
			// the events there answer the original result; otherwise the
			// append is sent again (same IDs, same condition, so it can
			// land at most once).
			if ambiguous++; ambiguous > s.cfg.AmbiguousRetries {
				return fail(err)
			}
			s.log.Warn("EventStoreDB append outcome unknown; resolving by reading the stream",
				"stream", stream, "attempt", ambiguous, "err", err)
			if err := sleep(ctx, time.Duration(ambiguous)*50*time.Millisecond); err != nil {
				return fail(err)
			}
			attempt--
			continue
		case code(err) != esdb.ErrorCodeWrongExpectedVersion:
			return fail(err)
		}
		if flexible && attempt+1 < s.cfg.AppendRetries {
			// Someone appended in between: read again, retry. On a hot
			// stream, a short random pause after a few rounds lets the
			// writers fall out of step.
			if attempt >= 3 {
				if err := sleep(ctx, time.Duration(rand.IntN(attempt*1000))*time.Microsecond); err != nil {
					return fail(err)
				}
			}
			continue
		}
		st, err = s.loadState(ctx, x.do, stream)
		if err != nil {
			return fail(err)
		}
		if res, ok, err := st.repeat(stream, events); err != nil || ok {
			return res, err
		}
		return eventstore.AppendResult{}, &eventstore.WrongExpectedRevisionError{
			Stream: stream, Expected: expected, Actual: st.last, StreamExists: st.exists,
		}
	}
}

// appendSize counts an append the way EventStoreDB checks MaxAppendSize:
// data + metadata + two bytes per character of the type, per event.
func appendSize(data []esdb.EventData) int {
	n := 0
	for _, e := range data {
		n += len(e.Data) + len(e.Metadata) + 2*utf8.RuneCountInString(e.EventType)
	}
	return n
}

// isAmbiguous reports an append failure after which the write may still
// have landed: the server's commit timeout (Aborted "Operation timed out"),
// a deadline, a node lost after the request was sent, or a bare EOF on the
// stream. Refusals that say the write did not happen are not ambiguous.
func isAmbiguous(err error) bool {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || connectionClosing(err) {
		return true
	}
	switch code(err) {
	case esdb.ErrorAborted, esdb.ErrorCodeDeadlineExceeded, esdb.ErrorUnavailable:
		return true
	}
	return false
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Store) originalResult(ctx context.Context, do doFunc, stream string, events []eventstore.EventData) (eventstore.AppendResult, error) {
	st, err := s.loadState(ctx, do, stream)
	if err != nil {
		return eventstore.AppendResult{}, fmt.Errorf("eventstore/esdb: append to %q: %w", stream, s.mapErr(ctx, err))
	}
	res, ok, err := st.repeat(stream, events)
	if err != nil {
		return eventstore.AppendResult{}, err
	}
	if !ok {
		return eventstore.AppendResult{}, fmt.Errorf("eventstore/esdb: append to %q: server reported a repeat, but the events are not in the stream", stream)
	}
	return res, nil
}
