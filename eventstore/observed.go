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

func (o *observed) Append(ctx context.Context, stream string, expected ExpectedRevision, events ...EventData) (AppendResult, error) {
	start := time.Now()
	res, err := o.Store.Append(ctx, stream, expected, events...)
	o.observe("append", time.Since(start), err)
	return res, err
}

func (o *observed) AppendIf(ctx context.Context, stream string, expected ExpectedRevision, conditions []Condition, events ...EventData) (AppendResult, error) {
	start := time.Now()
	res, err := o.Store.AppendIf(ctx, stream, expected, conditions, events...)
	o.observe("append", time.Since(start), err)
	return res, err
}

func (o *observed) ReadStream(ctx context.Context, stream string, opts ReadStreamOptions) ([]RecordedEvent, error) {
	start := time.Now()
	evs, err := o.Store.ReadStream(ctx, stream, opts)
	o.observe("read_stream", time.Since(start), err)
	return evs, err
}

func (o *observed) ReadStreams(ctx context.Context, reads ...StreamRead) ([]StreamSlice, error) {
	start := time.Now()
	out, err := o.Store.ReadStreams(ctx, reads...)
	o.observe("read_streams", time.Since(start), err)
	return out, err
}

func (o *observed) ReadAll(ctx context.Context, from Position, max int) ([]RecordedEvent, error) {
	start := time.Now()
	evs, err := o.Store.ReadAll(ctx, from, max)
	o.observe("read_all", time.Since(start), err)
	return evs, err
}

func (o *observed) HeadPosition(ctx context.Context) (Position, error) {
	start := time.Now()
	p, err := o.Store.HeadPosition(ctx)
	o.observe("head", time.Since(start), err)
	return p, err
}
