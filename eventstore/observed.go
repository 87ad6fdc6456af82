package eventstore

import (
	"context"
	"time"
)

// ObserveFunc receives the duration and outcome of one store operation
// ("append", "read_stream", "read_all", "head").
type ObserveFunc func(op string, d time.Duration, err error)

// Observed wraps a store so every call is reported to observe (metrics).
// Subscriptions are passed through untouched. A store that filters the
// log by type (TypeFilteredReader) keeps doing so through the wrapper:
// without it every projector would read and skip every event.
func Observed(s Store, observe ObserveFunc) Store {
	o := &observed{Store: s, observe: observe}
	if f, ok := s.(TypeFilteredReader); ok {
		return &observedFiltered{observed: o, filter: f}
	}
	return o
}

// observedFiltered is observed for a store that is a TypeFilteredReader.
type observedFiltered struct {
	*observed
	filter TypeFilteredReader
}

func (o *observedFiltered) ReadAllTypes(ctx context.Context, from Position, max int, types []string) ([]RecordedEvent, Position, int, error) {
	start := time.Now()
	evs, scanned, n, err := o.filter.ReadAllTypes(ctx, from, max, types)
	o.observe("read_all", time.Since(start), err)
	return evs, scanned, n, err
}

type observed struct {
	Store
	observe ObserveFunc
}

// timed runs call and reports its duration and error as op.
func timed[T any](o *observed, op string, call func() (T, error)) (T, error) {
	start := time.Now()
	v, err := call()
	o.observe(op, time.Since(start), err)
	return v, err
}

func (o *observed) Append(ctx context.Context, stream string, expected ExpectedRevision, events ...EventData) (AppendResult, error) {
	return timed(o, "append", func() (AppendResult, error) { return o.Store.Append(ctx, stream, expected, events...) })
}

func (o *observed) AppendIf(ctx context.Context, stream string, expected ExpectedRevision, conditions []Condition, events ...EventData) (AppendResult, error) {
	return timed(o, "append", func() (AppendResult, error) { return o.Store.AppendIf(ctx, stream, expected, conditions, events...) })
}

func (o *observed) ReadStream(ctx context.Context, stream string, opts ReadStreamOptions) ([]RecordedEvent, error) {
	return timed(o, "read_stream", func() ([]RecordedEvent, error) { return o.Store.ReadStream(ctx, stream, opts) })
}

func (o *observed) ReadStreams(ctx context.Context, reads ...StreamRead) ([]StreamSlice, error) {
	return timed(o, "read_streams", func() ([]StreamSlice, error) { return o.Store.ReadStreams(ctx, reads...) })
}

func (o *observed) ReadAll(ctx context.Context, from Position, max int) ([]RecordedEvent, error) {
	return timed(o, "read_all", func() ([]RecordedEvent, error) { return o.Store.ReadAll(ctx, from, max) })
}

func (o *observed) HeadPosition(ctx context.Context) (Position, error) {
	return timed(o, "head", func() (Position, error) { return o.Store.HeadPosition(ctx) })
}
