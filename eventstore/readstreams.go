package eventstore

import (
	"context"
	"errors"
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
