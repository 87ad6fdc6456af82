package eventstore

import (
	"context"
	"errors"
	"fmt"
)

// ReadStreamsOneByOne implements ReadStreams with one ReadStream per read
// (and one more for a read that starts past a stream's end, to learn the
// stream's revision): for adapters that cannot read several streams in one
// request (EventStoreDB).
func ReadStreamsOneByOne(ctx context.Context, s Store, reads ...StreamRead) ([]StreamSlice, error) {
	out := make([]StreamSlice, len(reads))
	for i, r := range reads {
		out[i].Stream = r.Stream
		evs, err := s.ReadStream(ctx, r.Stream, ReadStreamOptions{From: r.From})
		if errors.Is(err, ErrStreamNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if len(evs) > 0 {
			out[i].Events, out[i].Exists, out[i].Revision = evs, true, evs[len(evs)-1].Revision
			continue
		}
		last, err := s.ReadStream(ctx, r.Stream, ReadStreamOptions{Direction: Backwards, FromEnd: true, Max: 1})
		if errors.Is(err, ErrStreamNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if len(last) > 0 {
			out[i].Exists, out[i].Revision = true, last[0].Revision
		}
	}
	return out, nil
}

// AppendIfCheckedFirst implements AppendIf for adapters that cannot check
// other streams inside an append (EventStoreDB): it reads the conditions'
// streams, then appends. Not atomic: a condition stream that moves between
// the read and the append goes unnoticed.
func AppendIfCheckedFirst(ctx context.Context, s Store, stream string, expected ExpectedRevision, conditions []Condition, events ...EventData) (AppendResult, error) {
	if err := ValidateConditions(stream, conditions); err != nil {
		return AppendResult{}, err
	}
	if len(conditions) > 0 {
		reads := make([]StreamRead, len(conditions))
		for i, c := range conditions {
			reads[i] = StreamRead{Stream: c.Stream, From: 1 << 62} // heads only
		}
		heads, err := ReadStreamsOneByOne(ctx, s, reads...)
		if err != nil {
			return AppendResult{}, err
		}
		for i, c := range conditions {
			if !c.Expected.Satisfied(heads[i].Revision, heads[i].Exists) {
				return AppendResult{}, &WrongExpectedRevisionError{Stream: c.Stream, Expected: c.Expected,
					Actual: heads[i].Revision, StreamExists: heads[i].Exists}
			}
		}
	}
	return s.Append(ctx, stream, expected, events...)
}

// ValidateConditions refuses conditions an adapter cannot check: on the
// appended stream itself (that is expected's job) or without a name.
func ValidateConditions(stream string, conditions []Condition) error {
	for _, c := range conditions {
		if c.Stream == "" || c.Stream == stream {
			return fmt.Errorf("%w: condition on stream %q of an append to %q", ErrInvalidAppend, c.Stream, stream)
		}
	}
	return nil
}
