package esdb

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"backoffice/eventstore"
)

// pageSize is the count of one $all read page.
const pageSize = 512

func toPosition(p esdb.Position) eventstore.Position {
	return eventstore.Position{Commit: p.Commit, Prepare: p.Prepare}
}

func fromPosition(p eventstore.Position) esdb.AllPosition {
	if p.IsStart() {
		return esdb.Start{}
	}
	return esdb.Position{Commit: p.Commit, Prepare: p.Prepare}
}

// isSystem reports events the port never shows: system event types ($...,
// including link events "$>") and system streams.
func isSystem(e *esdb.RecordedEvent) bool {
	return strings.HasPrefix(e.EventType, "$") || strings.HasPrefix(e.StreamID, "$")
}

// isForeign reports an event in $all that this application did not write:
// on a shared cluster other applications' events sit in the same log. Ours
// are JSON with metadata that is a JSON object holding "occurred_at" (the
// port's Metadata always encodes it).
func isForeign(e *esdb.RecordedEvent) bool {
	if e.ContentType != "application/json" {
		return true
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(e.UserMetadata, &probe); err != nil {
		return true
	}
	_, ok := probe["occurred_at"]
	return !ok
}

// foreign reports (and counts and logs) an event of another application in
// $all; reads and subscriptions skip it instead of failing on it.
func (s *Store) foreign(e *esdb.RecordedEvent) bool {
	if !isForeign(e) {
		return false
	}
	n := s.foreignSkipped.Add(1)
	// Log the first and then every 1000th, so a busy foreign stream cannot
	// flood the log.
	if n == 1 || n%1000 == 0 {
		s.log.Warn("skipping an event in $all that this application did not write",
			"stream", e.StreamID, "type", e.EventType, "position", toPosition(e.Position).String(), "skipped_total", n)
	}
	return true
}

// ForeignSkipped is the number of foreign events (see isForeign) that reads
// and subscriptions of $all skipped so far; the metrics endpoint exports it.
func (s *Store) ForeignSkipped() uint64 { return s.foreignSkipped.Load() }

func toRecorded(e *esdb.RecordedEvent) (eventstore.RecordedEvent, error) {
	out := eventstore.RecordedEvent{
		ID:       e.EventID,
		Stream:   e.StreamID,
		Revision: e.EventNumber,
		Position: toPosition(e.Position),
		Type:     e.EventType,
		Created:  e.CreatedDate,
	}
	if len(e.Data) > 0 {
		out.Data = bytes.Clone(e.Data)
	}
	if len(e.UserMetadata) > 0 {
		var wire wireMetadata
		if err := json.Unmarshal(e.UserMetadata, &wire); err != nil {
			return out, fmt.Errorf("eventstore/esdb: event %s in %q at revision %d: metadata: %w", e.EventID, e.StreamID, e.EventNumber, err)
		}
		out.Metadata = wire.Metadata
		if !wire.RecordedAt.IsZero() {
			out.Created = wire.RecordedAt.UTC()
		}
		// Missing hashes (events written outside the adapter) stay zero,
		// and verification reports them.
		if wire.PrevHash != nil {
			out.PrevHash = *wire.PrevHash
		}
		if wire.Hash != nil {
			out.Hash = *wire.Hash
		}
	}
	return out, nil
}

// readStream collects one stream read. It tells end of stream (io.EOF),
// stream not found (which arrives on the first Recv), stream deleted and a
// real failure apart.
func readStream(ctx context.Context, c *esdb.Client, stream string, opts esdb.ReadStreamOptions, count uint64) ([]*esdb.RecordedEvent, error) {
	return collect(c.ReadStream(ctx, stream, opts, count))
}

func readAll(ctx context.Context, c *esdb.Client, opts esdb.ReadAllOptions, count uint64) ([]*esdb.RecordedEvent, error) {
	return collect(c.ReadAll(ctx, opts, count))
}

// collect receives a read until its end (io.EOF) and closes it.
func collect(rs *esdb.ReadStream, err error) ([]*esdb.RecordedEvent, error) {
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []*esdb.RecordedEvent
	for {
		ev, err := rs.Recv()
		if isEOF(err) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, ev.OriginalEvent())
	}
}

// AppendIf implements eventstore.Store by checking the conditions just
// before the append: EventStoreDB cannot append on a condition about
// another stream, so a change in between goes unnoticed.
func (s *Store) AppendIf(ctx context.Context, stream string, expected eventstore.ExpectedRevision, conditions []eventstore.Condition, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	return eventstore.AppendIfCheckedFirst(ctx, s, stream, expected, conditions, events...)
}

// ReadStreams implements eventstore.Store one stream after the other:
// EventStoreDB has no request that reads several streams.
func (s *Store) ReadStreams(ctx context.Context, reads ...eventstore.StreamRead) ([]eventstore.StreamSlice, error) {
	return eventstore.ReadStreamsOneByOne(ctx, s, reads...)
}

// ReadStream implements eventstore.Store.
func (s *Store) ReadStream(ctx context.Context, stream string, opts eventstore.ReadStreamOptions) ([]eventstore.RecordedEvent, error) {
	ctx = requireLeader(ctx)
	ro := esdb.ReadStreamOptions{Direction: esdb.Forwards, From: esdb.Revision(opts.From)}
	if opts.Direction == eventstore.Backwards {
		ro.Direction = esdb.Backwards
		if opts.FromEnd {
			ro.From = esdb.End{}
		}
	}
	count := uint64(math.MaxInt64)
	if opts.Max > 0 {
		count = uint64(opts.Max)
	}
	var raw []*esdb.RecordedEvent
	err := s.do(ctx, func(c *esdb.Client) error {
		var err error
		raw, err = readStream(ctx, c, stream, ro, count)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("eventstore/esdb: read stream %q: %w", stream, s.mapErr(ctx, err))
	}
	out := make([]eventstore.RecordedEvent, 0, len(raw))
	for _, e := range raw {
		r, err := toRecorded(e)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// ReadAll implements eventstore.Store. EventStoreDB reads $all from a
// position inclusively and returns system events; both are skipped here, and
// reading goes on until max events are found or the log ends.
func (s *Store) ReadAll(ctx context.Context, from eventstore.Position, max int) ([]eventstore.RecordedEvent, error) {
	if max <= 0 {
		return nil, fmt.Errorf("eventstore/esdb: ReadAll max must be > 0, got %d", max)
	}
	ctx = requireLeader(ctx)
	var out []eventstore.RecordedEvent
	last := from
	for len(out) < max {
		count := uint64(min(max-len(out)+1, pageSize))
		var raw []*esdb.RecordedEvent
		err := s.do(ctx, func(c *esdb.Client) error {
			var err error
			raw, err = readAll(ctx, c, esdb.ReadAllOptions{Direction: esdb.Forwards, From: fromPosition(last)}, count)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("eventstore/esdb: read $all after %s: %w", last, s.mapErr(ctx, err))
		}
		progressed := false
		for _, e := range raw {
			pos := toPosition(e.Position)
			if !pos.After(last) {
				continue
			}
			last, progressed = pos, true
			if isSystem(e) {
				continue
			}
			if s.foreign(e) {
				continue
			}
			r, err := toRecorded(e)
			if err != nil {
				return nil, err
			}
			out = append(out, r)
			if len(out) == max {
				break
			}
		}
		if !progressed || uint64(len(raw)) < count {
			break
		}
	}
	return out, nil
}

// HeadPosition implements eventstore.Store: the position of the last
// non-system event, Start when there is none.
func (s *Store) HeadPosition(ctx context.Context) (eventstore.Position, error) {
	ctx = requireLeader(ctx)
	var from esdb.AllPosition = esdb.End{}
	var bound *eventstore.Position // events at or after it were seen already
	for {
		var raw []*esdb.RecordedEvent
		err := s.do(ctx, func(c *esdb.Client) error {
			var err error
			raw, err = readAll(ctx, c, esdb.ReadAllOptions{Direction: esdb.Backwards, From: from}, 64)
			return err
		})
		if err != nil {
			return eventstore.Position{}, fmt.Errorf("eventstore/esdb: head of $all: %w", s.mapErr(ctx, err))
		}
		progressed := false
		for _, e := range raw {
			pos := toPosition(e.Position)
			if bound != nil && !pos.Before(*bound) {
				continue
			}
			progressed = true
			bound = &pos
			if !isSystem(e) && !isForeign(e) {
				return pos, nil
			}
		}
		if !progressed || len(raw) < 64 {
			return eventstore.Start, nil
		}
		from = fromPosition(*bound)
	}
}
