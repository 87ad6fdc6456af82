package eventstore

import (
	"context"
	"iter"
)

// LogReader is the part of a Store that reads the global log.
type LogReader interface {
	ReadAll(ctx context.Context, from Position, max int) ([]RecordedEvent, error)
}

// Pages reads the global log strictly after from, in pages of at most max
// events, until a read comes back empty: a whole pass over the log (a
// check's, a benchmark's) without writing the paging loop again. A read
// error is yielded once and ends the sequence.
func Pages(ctx context.Context, r LogReader, from Position, max int) iter.Seq2[[]RecordedEvent, error] {
	return func(yield func([]RecordedEvent, error) bool) {
		for {
			page, err := r.ReadAll(ctx, from, max)
			if err != nil {
				yield(nil, err)
				return
			}
			if len(page) == 0 || !yield(page, nil) {
				return
			}
			from = page[len(page)-1].Position
		}
	}
}
