package projections

import (
	"context"
	"fmt"

	"backoffice/eventstore"
)

// pageReader reads the log in ReadAll pages one page ahead of its consumer,
// so that reading the next page overlaps with applying the current one
// (catch-up and rebuild). It stops after the first empty page.
type pageReader struct {
	pages  chan page
	cancel context.CancelFunc
}

type page struct {
	events []eventstore.RecordedEvent
	err    error
}

func (w *worker) readPages(ctx context.Context, from eventstore.Position) *pageReader {
	ctx, cancel := context.WithCancel(ctx)
	r := &pageReader{pages: make(chan page, 1), cancel: cancel}
	go func() {
		defer close(r.pages)
		for {
			events, err := w.rt.cfg.Store.ReadAll(ctx, from, w.rt.cfg.CatchUpBatchSize)
			if err != nil {
				err = fmt.Errorf("projections: %s: read log: %w", w.name, err)
			}
			select {
			case r.pages <- page{events, err}:
			case <-ctx.Done():
				return
			}
			if err != nil || len(events) == 0 {
				return
			}
			from = events[len(events)-1].Position
		}
	}()
	return r
}

// next returns the next page; an empty one at the end of the log.
func (r *pageReader) next(ctx context.Context) ([]eventstore.RecordedEvent, error) {
	select {
	case p, ok := <-r.pages:
		if !ok {
			return nil, ctx.Err()
		}
		return p.events, p.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// stop ends the read-ahead.
func (r *pageReader) stop() { r.cancel() }
