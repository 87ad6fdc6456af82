package projections

import (
	"context"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"backoffice/eventstore"
	"backoffice/projections/eventsub"
)

// hub is the process's one reader of $all: a single Watermill router
// handler whose events it fans out to the projectors this process runs.
// Each projector keeps its own checkpoint, lock session and batches; the
// log is read and decoded once per process instead of once per projector.
type hub struct {
	mu    sync.Mutex
	pos   eventstore.Position // last event handed out
	sinks map[*sink]struct{}
}

// sinkBuffer is how many events a projector may be behind the hub before
// the hub drops it from the feed (it then catches up from the store and
// joins again), so that a slow or hung projector never holds up the others.
const sinkBuffer = 1024

// sink is one projector's feed from the hub.
type sink struct {
	ch     chan item
	done   chan struct{} // closed when the projector leaves
	lagged chan struct{} // closed when the hub dropped it for being too far behind
	once   sync.Once
}

type item struct {
	e    eventstore.RecordedEvent
	more bool // the hub had the next event waiting already
}

func newHub(from eventstore.Position) *hub {
	return &hub{pos: from, sinks: map[*sink]struct{}{}}
}

// handle is the router handler: it hands the event to every projector that
// joined. A projector whose buffer is full is dropped from the feed (its
// lagged channel closes): it catches up from the store on its own.
func (h *hub) handle(msg *message.Message) error {
	e, err := eventsub.EventFromMessage(msg)
	if err != nil {
		return err
	}
	more := eventsub.MoreReady(msg)
	h.mu.Lock()
	defer h.mu.Unlock()
	if !e.Position.After(h.pos) {
		return nil // redelivered
	}
	h.pos = e.Position
	for s := range h.sinks {
		select {
		case s.ch <- item{e: e, more: more}:
		default:
			delete(h.sinks, s)
			close(s.lagged)
		}
	}
	return nil
}

// join adds a projector. Every event after the returned position will be
// sent to it; the projector reads what lies between its checkpoint and that
// position from the store itself.
func (h *hub) join() (*sink, eventstore.Position) {
	s := &sink{ch: make(chan item, sinkBuffer), done: make(chan struct{}), lagged: make(chan struct{})}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.sinks[s] = struct{}{}
	return s, h.pos
}

// leave removes a projector; the hub never blocks on it again.
func (h *hub) leave(s *sink) {
	s.once.Do(func() { close(s.done) })
	h.mu.Lock()
	delete(h.sinks, s)
	h.mu.Unlock()
}

// hubStart is where the hub starts reading: the head of the log, or with
// RouterCatchUp the lowest checkpoint, so that backlogs go through the
// router too. It retries while the database is away.
func (r *Runtime) hubStart(ctx context.Context) (eventstore.Position, error) {
	for {
		var from eventstore.Position
		var err error
		if r.cfg.RouterCatchUp {
			from, err = r.lowestCheckpoint(ctx)
		} else {
			from, err = r.cfg.Store.HeadPosition(ctx)
		}
		if err == nil {
			return from, nil
		}
		r.log.Warn("projections: cannot find where to start reading the log; retrying", "err", err)
		select {
		case <-ctx.Done():
			return eventstore.Start, ctx.Err()
		case <-time.After(r.cfg.LockRetry):
		}
	}
}

func (r *Runtime) lowestCheckpoint(ctx context.Context) (eventstore.Position, error) {
	names := make([]string, len(r.order))
	for i, w := range r.order {
		names[i] = w.name
	}
	cps, err := readCheckpoints(ctx, r.cfg.Pool, names)
	if err != nil {
		return eventstore.Start, err
	}
	var low *eventstore.Position
	for _, n := range names {
		cp, ok := cps[n]
		if !ok {
			return eventstore.Start, nil
		}
		if low == nil || cp.Before(*low) {
			low = &cp
		}
	}
	if low == nil {
		return eventstore.Start, nil
	}
	return *low, nil
}
