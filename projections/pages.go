package projections

import (
	"context"
	"fmt"

	"backoffice/eventstore"
)

// pageReader reads the log in ReadAll pages ahead of its consumer, so that
// reading the next pages overlaps with applying the current one (catch-up
// and rebuild). Two stages run ahead: one goroutine reads and decodes pages
// from the store while another picks each page's handled events and runs
// the PreparingProjector's Prepare on them (decoding a page's payloads cost
// as much as reading it, and both are the projector's wait otherwise). It
// stops after the first empty page.
type pageReader struct {
	pages  chan page
	cancel context.CancelFunc
}

// page is the next stretch of the log: events (only the handled types when
// the store filtered them), the position it ends at and how many events of
// the log it covers (0 at the end of the log).
type page struct {
	events []eventstore.RecordedEvent
	end    eventstore.Position
	n      int
	err    error
	// handled are the events the projector handles, and prepared what a
	// PreparingProjector's Prepare returned for them.
	handled  []eventstore.RecordedEvent
	prepared any
}

func (w *worker) readPages(ctx context.Context, from eventstore.Position) *pageReader {
	ctx, cancel := context.WithCancel(ctx)
	r := &pageReader{pages: make(chan page, 1), cancel: cancel}
	var types []string
	filter, ok := w.rt.cfg.Store.(eventstore.TypeFilteredReader)
	if tp, typed := w.p.(TypedProjector); typed && ok {
		types = tp.EventTypes()
	}
	read := make(chan page, 1)
	// The first page is small and the next ones double up to
	// CatchUpBatchSize: the projector starts writing while the larger
	// pages are read, instead of waiting for a whole page to be read and
	// decoded first (most of a rebuild of a small log, BENCHMARKS.md §5,
	// rebuild6).
	size := min(w.rt.cfg.CatchUpBatchSize, firstPageSize)
	go func() {
		defer close(read)
		for {
			var p page
			if types != nil {
				p.events, p.end, p.n, p.err = filter.ReadAllTypes(ctx, from, size, types)
			} else {
				p.events, p.err = w.rt.cfg.Store.ReadAll(ctx, from, size)
				p.end, p.n = from, len(p.events)
				if p.n > 0 {
					p.end = p.events[p.n-1].Position
				}
			}
			if p.err != nil {
				p.err = fmt.Errorf("projections: %s: read log: %w", w.name, p.err)
			}
			select {
			case read <- p:
			case <-ctx.Done():
				return
			}
			if p.err != nil || p.n == 0 {
				return
			}
			from = p.end
			size = min(2*size, w.rt.cfg.CatchUpBatchSize)
		}
	}()
	go func() {
		defer close(r.pages)
		for p := range read {
			p.handled = handledOf(w.p, p.events)
			if w.prep != nil && len(p.handled) > 0 {
				p.prepared = w.prep.Prepare(p.handled)
			}
			select {
			case r.pages <- p:
			case <-ctx.Done():
				return
			}
		}
	}()
	return r
}

// firstPageSize is the size of the first page pageReader reads.
const firstPageSize = 1000

// handledOf returns the events p handles: events itself when it handles
// them all (no copy), else a new slice.
func handledOf(p Projector, events []eventstore.RecordedEvent) []eventstore.RecordedEvent {
	for i, e := range events {
		if p.Handles(e.Type) {
			continue
		}
		out := append([]eventstore.RecordedEvent(nil), events[:i]...)
		for _, e := range events[i+1:] {
			if p.Handles(e.Type) {
				out = append(out, e)
			}
		}
		return out
	}
	return events
}

// next returns the next page; one with n == 0 at the end of the log.
func (r *pageReader) next(ctx context.Context) (page, error) {
	select {
	case p, ok := <-r.pages:
		if !ok {
			return page{}, ctx.Err()
		}
		return p, p.err
	case <-ctx.Done():
		return page{}, ctx.Err()
	}
}

// stop ends the read-ahead.
func (r *pageReader) stop() { r.cancel() }
