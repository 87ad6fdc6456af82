package eventstoretest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"

	"github.com/google/uuid"

	"backoffice/eventstore"
)

// raceOutcome is what one of several racing appends got.
type raceOutcome struct {
	events []eventstore.EventData
	res    eventstore.AppendResult
	err    error
}

// race runs n appends at once, all released by one channel close.
func race(ctx context.Context, s eventstore.Store, name string, n int, exp func(i int) eventstore.ExpectedRevision) []raceOutcome {
	out := make([]raceOutcome, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		out[i].events = newEvents(1 + i%3)
		wg.Go(func() {
			<-start
			out[i].res, out[i].err = s.Append(ctx, name, exp(i), out[i].events...)
		})
	}
	close(start)
	wg.Wait()
	return out
}

// wantOneWinner checks that exactly one racer won and the others got a
// conflict naming the winner's revision; the stream holds base plus the
// winner's events.
func (f *fx) wantOneWinner(name string, out []raceOutcome, base []eventstore.EventData, exp func(i int) eventstore.ExpectedRevision) {
	f.t.Helper()
	winner := -1
	for i, o := range out {
		if o.err == nil {
			if winner >= 0 {
				f.t.Fatalf("racers %d and %d both appended with %s; want exactly one winner", winner, i, exp(i))
			}
			winner = i
		}
	}
	if winner < 0 {
		f.t.Fatalf("no racer won; first error: %v", out[0].err)
	}
	won := out[winner].res
	if want := uint64(len(base) + len(out[winner].events) - 1); won.NextExpectedRevision != want {
		f.t.Errorf("winner's NextExpectedRevision = %d, want %d", won.NextExpectedRevision, want)
	}
	baseRev, baseExists := uint64(len(base))-1, len(base) > 0
	for i, o := range out {
		if i == winner {
			continue
		}
		// A loser whose condition held before the race can only have
		// seen the winner's state; the others may have seen either.
		var wrong *eventstore.WrongExpectedRevisionError
		if !exp(i).Satisfied(baseRev, baseExists) && errors.As(o.err, &wrong) && wrong.StreamExists == baseExists && (!baseExists || wrong.Actual == baseRev) {
			continue
		}
		wantWrongRevision(f.t, o.err, name, exp(i), true, won.NextExpectedRevision)
	}
	stored := f.wantStream(name, concat(base, out[winner].events)...)
	if last := stored[len(stored)-1].Position; last != won.Position {
		f.t.Errorf("winner's AppendResult.Position = %s, its last event is at %s", won.Position, last)
	}
	f.wantLog(inStream(name, concat(base, out[winner].events)...)...)
}

var concurrencyTests = []test{
	{"ExactRevisionRace", func(f *fx) {
		name := stream("timesheet")
		base := newEvents(2)
		f.mustAppend(name, eventstore.NoStream(), base...)
		exp := func(int) eventstore.ExpectedRevision { return eventstore.Exact(1) }
		f.wantOneWinner(name, race(f.ctx, f.s, name, 20, exp), base, exp)
	}},
	{"NoStreamRace", func(f *fx) {
		name := stream("timesheet")
		exp := func(int) eventstore.ExpectedRevision { return eventstore.NoStream() }
		f.wantOneWinner(name, race(f.ctx, f.s, name, 20, exp), nil, exp)
	}},
	{"MixedConditionRace", func(f *fx) {
		// NoStream and Exact(0) racers on a one-event stream: none may
		// win but the Exact ones, and only one of them.
		name := stream("timesheet")
		base := newEvents(1)
		f.mustAppend(name, eventstore.NoStream(), base...)
		exp := func(i int) eventstore.ExpectedRevision {
			if i%2 == 0 {
				return eventstore.NoStream()
			}
			return eventstore.Exact(0)
		}
		out := race(f.ctx, f.s, name, 16, exp)
		for i, o := range out {
			if i%2 == 0 && o.err == nil {
				f.t.Fatalf("racer %d appended with NoStream to an existing stream", i)
			}
		}
		f.wantOneWinner(name, out, base, exp)
	}},
	{"WritersAndReaders", writersAndReaders},
}

// stress sizes the writers-and-readers test.
const (
	stressWriters = 8
	stressAppends = 50 // per writer
	ownStreams    = 3  // per writer, appended with Exact
	hotStreams    = 2  // shared by all writers, appended with Any or StreamExists
)

// batch is one append the stress writers made.
type batch struct {
	stream string
	ids    []uuid.UUID
	res    eventstore.AppendResult
}

// collector gathers what one concurrent reader saw.
type collector struct {
	name     string
	from     eventstore.Position
	mu       sync.Mutex
	events   []eventstore.RecordedEvent
	caughtUp int
	polls    bool // reads with ReadAll: no caught-up signal to wait for
	err      error
	progress chan struct{} // poked after every event, capacity 1
	done     chan struct{} // closed when the reader has stopped
}

func newCollector(name string, from eventstore.Position) *collector {
	return &collector{name: name, from: from, progress: make(chan struct{}, 1), done: make(chan struct{})}
}

func (c *collector) add(e eventstore.RecordedEvent) {
	c.mu.Lock()
	c.events = append(c.events, e)
	c.mu.Unlock()
	c.poke()
}

func (c *collector) sawCaughtUp() {
	c.mu.Lock()
	c.caughtUp++
	c.mu.Unlock()
	c.poke()
}

func (c *collector) poke() {
	select {
	case c.progress <- struct{}{}:
	default:
	}
}

func (c *collector) fail(err error) {
	c.mu.Lock()
	c.err = err
	c.mu.Unlock()
}

// waitFor waits until the reader has seen an event at or after pos and, for
// a subscription, its caught-up signal (a subscription from the head itself
// sees no event at all, and would otherwise be stopped before it could say
// it has caught up).
func (c *collector) waitFor(ctx context.Context, pos eventstore.Position) error {
	for {
		c.mu.Lock()
		reached := !c.from.Before(pos) || len(c.events) > 0 && !c.events[len(c.events)-1].Position.Before(pos)
		reached = reached && (c.polls || c.caughtUp > 0)
		n, err := len(c.events), c.err
		c.mu.Unlock()
		if err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		if reached {
			return nil
		}
		select {
		case <-c.progress:
		case <-c.done:
			c.mu.Lock()
			err := c.err
			c.mu.Unlock()
			return fmt.Errorf("%s stopped after %d events before reaching %s: %v", c.name, n, pos, err)
		case <-ctx.Done():
			return fmt.Errorf("%s saw %d events and never reached %s, the head of the log: %w", c.name, n, pos, ctx.Err())
		}
	}
}

// subscribeInto runs a subscription from `from` into c until ctx ends.
func subscribeInto(ctx context.Context, s eventstore.Store, c *collector) {
	defer close(c.done)
	sub, err := s.SubscribeAll(ctx, c.from)
	if err != nil {
		c.fail(fmt.Errorf("SubscribeAll(%s): %w", c.from, err))
		return
	}
	defer sub.Close()
	r := newSubReader(sub, c.from)
	for {
		e, caughtUp, err := r.next(ctx)
		if err != nil {
			if ctx.Err() == nil {
				c.fail(err)
			}
			return
		}
		if caughtUp {
			c.sawCaughtUp()
			continue
		}
		c.add(e)
	}
}

// pollInto pages through $all with ReadAll like a polling projector, waking
// up when poke says something may have been appended.
func pollInto(ctx context.Context, s eventstore.Store, c *collector, poke <-chan struct{}) {
	defer close(c.done)
	last := c.from
	for {
		evs, err := s.ReadAll(ctx, last, 7)
		if err != nil {
			if ctx.Err() == nil {
				c.fail(fmt.Errorf("ReadAll(%s, 7): %w", last, err))
			}
			return
		}
		for _, e := range evs {
			if !e.Position.After(last) {
				c.fail(fmt.Errorf("ReadAll(%s) returned event %s at %s", last, e.ID, e.Position))
				return
			}
			last = e.Position
			c.add(e)
		}
		if len(evs) == 0 {
			select {
			case <-poke:
			case <-ctx.Done():
				return
			}
		}
	}
}

// writersAndReaders is the test that catches a log whose positions are
// handed out before commit: a transaction that took an earlier position but
// commits later is skipped by every reader that already moved past it.
// Writers append batches of varying size to their own and to shared
// streams, and make appends that must fail, while subscribers and a poller
// read $all; afterwards every reader must have seen exactly the committed
// events, once each, in the order ReadAll gives.
func writersAndReaders(f *fx) {
	readCtx, stopReaders := context.WithCancel(f.ctx)
	var readers []*collector
	var mu sync.Mutex // guards readers and the writers' records below
	defer func() {
		// No reader may outlive the test and touch a closed store.
		stopReaders()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range readers {
			<-c.done
		}
	}()
	poke := make(chan struct{}, 1)
	pokePoller := func() {
		select {
		case poke <- struct{}{}:
		default:
		}
	}

	early := newCollector("subscriber from Start", eventstore.Start)
	poller := newCollector("ReadAll poller", eventstore.Start)
	poller.polls = true
	readers = []*collector{early, poller}
	go subscribeInto(readCtx, f.s, early)
	go pollInto(readCtx, f.s, poller, poke)

	hot := make([]string, hotStreams)
	for i := range hot {
		hot[i] = stream(fmt.Sprintf("hot%d", i))
	}
	f.mustAppend(hot[0], eventstore.NoStream(), newEvent("test.hot_created", 0))

	var (
		batches    []batch
		refusedIDs = map[uuid.UUID]bool{}
		midway     = make(chan struct{})
		midwayOnce sync.Once
		readersWG  sync.WaitGroup
	)
	// Half way through, two more readers join: one from Start that catches
	// up while writes go on, one from the head of that moment.
	readersWG.Go(func() {
		select {
		case <-midway:
		case <-readCtx.Done():
			return
		}
		head, err := f.s.HeadPosition(readCtx)
		if err != nil {
			f.t.Errorf("HeadPosition: %v", err)
			return
		}
		late := newCollector("subscriber from Start, joined midway", eventstore.Start)
		tail := newCollector("subscriber from the midway head "+head.String(), head)
		mu.Lock()
		readers = append(readers, late, tail)
		mu.Unlock()
		go subscribeInto(readCtx, f.s, late)
		go subscribeInto(readCtx, f.s, tail)
	})

	var writers sync.WaitGroup
	for w := range stressWriters {
		writers.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 42))
			own := make([]string, ownStreams)
			revs := make([]int64, ownStreams) // -1: not created yet
			for i := range own {
				own[i] = stream(fmt.Sprintf("w%d-%d", w, i))
				revs[i] = -1
			}
			for n := range stressAppends {
				if w == 0 && n == stressAppends/2 {
					midwayOnce.Do(func() { close(midway) })
				}
				evs := newEvents(1 + rng.IntN(3))
				var name string
				var exp eventstore.ExpectedRevision
				mustFail := false
				k := rng.IntN(ownStreams)
				switch r := rng.IntN(10); {
				case r < 4: // own stream, right condition
					name = own[k]
					exp = eventstore.NoStream()
					if revs[k] >= 0 {
						exp = eventstore.Exact(uint64(revs[k]))
					}
				case r < 6: // own stream, wrong condition
					name, mustFail = own[k], true
					exp = eventstore.Exact(uint64(revs[k] + 1 + int64(rng.IntN(3))))
					if revs[k] >= 0 && rng.IntN(2) == 0 {
						exp = eventstore.NoStream()
					}
				case r < 9: // shared stream, always allowed
					name, exp = hot[rng.IntN(hotStreams)], eventstore.Any()
					if name == hot[0] {
						exp = eventstore.StreamExists()
					}
				default: // a stream nobody creates, must exist
					name, exp, mustFail = stream("never"), eventstore.StreamExists(), true
				}
				res, err := f.s.Append(f.ctx, name, exp, evs...)
				ids := make([]uuid.UUID, len(evs))
				for i, e := range evs {
					ids[i] = e.ID
				}
				switch {
				case mustFail && err == nil:
					f.t.Errorf("writer %d: Append(%q, %s) succeeded, want ErrWrongExpectedRevision", w, name, exp)
					return
				case mustFail && !errors.Is(err, eventstore.ErrWrongExpectedRevision):
					f.t.Errorf("writer %d: Append(%q, %s) = %v, want ErrWrongExpectedRevision", w, name, exp, err)
					return
				case mustFail:
					mu.Lock()
					for _, id := range ids {
						refusedIDs[id] = true
					}
					mu.Unlock()
					continue
				case err != nil:
					f.t.Errorf("writer %d: Append(%q, %s): %v", w, name, exp, err)
					return
				}
				if name == own[k] {
					revs[k] = int64(res.NextExpectedRevision)
				}
				mu.Lock()
				batches = append(batches, batch{stream: name, ids: ids, res: res})
				mu.Unlock()
				pokePoller()
			}
		})
	}
	writers.Wait()
	midwayOnce.Do(func() { close(midway) })
	readersWG.Wait()
	if f.t.Failed() {
		return
	}

	// The head is the latest acknowledged position.
	var head eventstore.Position
	for _, b := range batches {
		if b.res.Position.After(head) {
			head = b.res.Position
		}
	}
	f.waitHead(head)
	if got := f.mustHead(); got != head {
		f.t.Fatalf("HeadPosition = %s after all writers finished, the last acknowledged append ended at %s", got, head)
	}
	pokePoller()
	mu.Lock()
	active := append([]*collector(nil), readers...)
	mu.Unlock()
	for _, c := range active {
		if err := c.waitFor(f.ctx, head); err != nil {
			f.t.Fatal(err)
		}
	}
	stopReaders()
	for _, c := range active {
		<-c.done
	}

	all := f.readAll()
	f.checkStressLog(all, batches, refusedIDs, hot[0])
	for _, c := range active {
		var want []eventstore.RecordedEvent
		for _, e := range all {
			if e.Position.After(c.from) {
				want = append(want, e)
			}
		}
		c.mu.Lock()
		got, caughtUp, err := c.events, c.caughtUp, c.err
		c.mu.Unlock()
		if err != nil {
			f.t.Errorf("%s: %v", c.name, err)
			continue
		}
		if c != poller && caughtUp != 1 {
			f.t.Errorf("%s: got CaughtUp %d times, want once", c.name, caughtUp)
		}
		if len(got) != len(want) {
			f.t.Errorf("%s saw %d events, ReadAll returns %d after %s", c.name, len(got), len(want), c.from)
		}
		for i := range min(len(got), len(want)) {
			if err := sameEvent(got[i], want[i]); err != nil {
				f.t.Errorf("%s: event %d differs from ReadAll: %v", c.name, i, err)
				break
			}
		}
	}
}

// checkStressLog checks $all against what the writers were told.
func (f *fx) checkStressLog(all []eventstore.RecordedEvent, batches []batch, refused map[uuid.UUID]bool, seeded string) {
	f.t.Helper()
	type at struct {
		stream string
		id     uuid.UUID
	}
	index := map[at]int{}
	for i, e := range all {
		if i > 0 && !e.Position.After(all[i-1].Position) {
			f.t.Fatalf("$all[%d] at %s is not after [%d] at %s", i, e.Position, i-1, all[i-1].Position)
		}
		if _, dup := index[at{e.Stream, e.ID}]; dup {
			f.t.Fatalf("$all holds event %s of %q twice", e.ID, e.Stream)
		}
		index[at{e.Stream, e.ID}] = i
		if refused[e.ID] {
			f.t.Fatalf("$all holds event %s of %q from an append that was refused", e.ID, e.Stream)
		}
	}
	stored := 1 // the event that created the first hot stream
	for _, b := range batches {
		first, ok := index[at{b.stream, b.ids[0]}]
		if !ok {
			f.t.Fatalf("acknowledged event %s of %q is missing from $all", b.ids[0], b.stream)
		}
		// One append's events are contiguous in $all, with consecutive
		// revisions, and its result names its last event.
		for j, id := range b.ids {
			i := first + j
			if i >= len(all) || all[i].ID != id || all[i].Stream != b.stream {
				f.t.Fatalf("events of one append to %q are not contiguous in $all (event %d of the batch)", b.stream, j)
			}
			if j > 0 && all[i].Revision != all[i-1].Revision+1 {
				f.t.Fatalf("revisions in one append to %q: %d after %d", b.stream, all[i].Revision, all[i-1].Revision)
			}
		}
		last := all[first+len(b.ids)-1]
		if last.Position != b.res.Position || last.Revision != b.res.NextExpectedRevision {
			f.t.Fatalf("append to %q returned %+v, its last event is rev %d at %s", b.stream, b.res, last.Revision, last.Position)
		}
		stored += len(b.ids)
	}
	if len(all) != stored {
		f.t.Fatalf("$all holds %d events, the writers were acknowledged %d", len(all), stored)
	}
	// Every stream is gapless from revision 0, its events appear in $all in
	// revision order (a projector may refuse a version that goes back), and
	// ReadStream agrees with $all.
	perStream := map[string][]eventstore.RecordedEvent{}
	for _, e := range all {
		prev := perStream[e.Stream]
		if n := len(prev); n > 0 && e.Revision <= prev[n-1].Revision {
			f.t.Fatalf("stream %q: revision %d at %s follows revision %d at %s in $all; a stream's events must be in revision order in $all",
				e.Stream, e.Revision, e.Position, prev[n-1].Revision, prev[n-1].Position)
		}
		perStream[e.Stream] = append(prev, e)
	}
	for name, want := range perStream {
		got := f.mustReadStream(name, eventstore.ReadStreamOptions{})
		if len(got) != len(want) {
			f.t.Fatalf("ReadStream(%q) has %d events, $all %d", name, len(got), len(want))
		}
		for i := range got {
			if got[i].Revision != uint64(i) {
				f.t.Fatalf("stream %q: event %d has revision %d", name, i, got[i].Revision)
			}
			if err := sameEvent(got[i], want[i]); err != nil {
				f.t.Fatalf("stream %q revision %d: ReadStream and ReadAll disagree: %v", name, i, err)
			}
		}
	}
	if _, ok := perStream[seeded]; !ok {
		f.t.Fatalf("stream %q is missing from $all", seeded)
	}
}
