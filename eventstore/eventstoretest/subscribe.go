package eventstoretest

import (
	"context"
	"errors"
	"fmt"

	"backoffice/eventstore"
)

// subReader reads a subscription and checks the rules every message obeys:
// exactly one field set, events strictly after everything before them,
// checkpoints never going back, CaughtUp at most once.
type subReader struct {
	sub      eventstore.Subscription
	from     eventstore.Position
	last     eventstore.Position // of the last event or checkpoint
	caughtUp int
}

func newSubReader(sub eventstore.Subscription, from eventstore.Position) *subReader {
	return &subReader{sub: sub, from: from, last: from}
}

// next returns the next event, or caughtUp true; it skips checkpoints.
func (r *subReader) next(ctx context.Context) (eventstore.RecordedEvent, bool, error) {
	for {
		msg, err := r.sub.Recv(ctx)
		if err != nil {
			return eventstore.RecordedEvent{}, false, err
		}
		set := 0
		if msg.Event != nil {
			set++
		}
		if msg.CaughtUp {
			set++
		}
		if msg.Checkpoint != nil {
			set++
		}
		if set != 1 {
			return eventstore.RecordedEvent{}, false, fmt.Errorf("subscription message %+v has %d of Event, CaughtUp, Checkpoint set, want exactly one", msg, set)
		}
		switch {
		case msg.CaughtUp:
			r.caughtUp++
			if r.caughtUp > 1 {
				return eventstore.RecordedEvent{}, false, errors.New("subscription sent CaughtUp twice")
			}
			return eventstore.RecordedEvent{}, true, nil
		case msg.Checkpoint != nil:
			// A checkpoint is a resume point: resuming after it must not
			// skip an event, so it may not lie before what was delivered,
			// and what follows must lie after it.
			if msg.Checkpoint.Before(r.last) {
				return eventstore.RecordedEvent{}, false, fmt.Errorf("checkpoint %s goes back before %s", msg.Checkpoint, r.last)
			}
			r.last = *msg.Checkpoint
		default:
			e := *msg.Event
			if !e.Position.After(r.last) {
				return eventstore.RecordedEvent{}, false, fmt.Errorf("event %s at %s delivered after %s (subscribed from %s): positions must strictly increase", e.ID, e.Position, r.last, r.from)
			}
			r.last = e.Position
			return e, false, nil
		}
	}
}

// fxSub is a subReader bound to a subtest's goroutine.
type fxSub struct {
	*subReader
	f *fx
}

func (f *fx) subscribe(from eventstore.Position) *fxSub {
	f.t.Helper()
	return f.subscribeIn(f.ctx, from)
}

// subscribeIn subscribes under ctx, the subscription's own context.
func (f *fx) subscribeIn(ctx context.Context, from eventstore.Position) *fxSub {
	f.t.Helper()
	sub, err := f.s.SubscribeAll(ctx, from)
	if err != nil {
		f.t.Fatalf("SubscribeAll(%s): %v", from, err)
	}
	f.t.Cleanup(func() { sub.Close() })
	return &fxSub{newSubReader(sub, from), f}
}

// caughtUp appends two events to a new stream and subscribes from the
// start under ctx; the subscription has delivered both and its caught-up
// mark, so its next Recv waits for news (the tests that end it there).
func (f *fx) caughtUp(ctx context.Context) *fxSub {
	f.t.Helper()
	f.waitHead(f.mustAppend(stream("timesheet"), eventstore.NoStream(), newEvents(2)...).Position)
	sub := f.subscribeIn(ctx, eventstore.Start)
	sub.mustEvent()
	sub.mustEvent()
	sub.mustCaughtUp()
	return sub
}

func (s *fxSub) mustNext() (eventstore.RecordedEvent, bool) {
	s.f.t.Helper()
	e, caughtUp, err := s.next(s.f.ctx)
	if err != nil {
		s.f.t.Fatalf("Recv: %v", err)
	}
	return e, caughtUp
}

func (s *fxSub) mustEvent() eventstore.RecordedEvent {
	s.f.t.Helper()
	e, caughtUp := s.mustNext()
	if caughtUp {
		s.f.t.Fatal("Recv: got CaughtUp, want an event")
	}
	return e
}

func (s *fxSub) mustCaughtUp() {
	s.f.t.Helper()
	e, caughtUp := s.mustNext()
	if !caughtUp {
		s.f.t.Fatalf("Recv: got event %s %q rev %d at %s, want CaughtUp", e.ID, e.Stream, e.Revision, e.Position)
	}
}

// mustEvents reads n events and checks them against want (in stream order,
// by ID and stream) and against the positions given by ReadAll, if any.
func (s *fxSub) mustEvents(want []recorded) []eventstore.RecordedEvent {
	s.f.t.Helper()
	var got []eventstore.RecordedEvent
	for i, w := range want {
		e := s.mustEvent()
		if e.ID != w.id || e.Stream != w.stream {
			s.f.t.Fatalf("subscription event %d = %s in %q, want %s in %q", i, e.ID, e.Stream, w.id, w.stream)
		}
		got = append(got, e)
	}
	return got
}

// recvAsync runs one Recv in its own goroutine, so the test can act while
// it blocks.
func recvAsync(ctx context.Context, sub eventstore.Subscription) <-chan error {
	done := make(chan error, 1)
	go func() {
		msg, err := sub.Recv(ctx)
		if err == nil {
			err = fmt.Errorf("Recv returned a message %+v, want an error", msg)
			if msg.Event != nil {
				err = fmt.Errorf("Recv returned event %s, want an error", msg.Event.ID)
			}
			done <- &unexpected{err}
			return
		}
		done <- err
	}()
	return done
}

// unexpected marks a Recv that returned a message instead of an error.
type unexpected struct{ error }

// recvWhile blocks a Recv on sub (with ctx), does act while it blocks (a
// failing act fails the test) and returns the error the Recv ended with.
func (f *fx) recvWhile(ctx context.Context, sub eventstore.Subscription, act func() error) error {
	f.t.Helper()
	done := recvAsync(ctx, sub)
	if err := act(); err != nil {
		f.t.Errorf("while Recv blocked: %v", err)
	}
	return f.awaitRecvErr(done)
}

// cancelled is cancel as an act of recvWhile.
func cancelled(cancel context.CancelFunc) func() error {
	return func() error { cancel(); return nil }
}

func (f *fx) awaitRecvErr(done <-chan error) error {
	f.t.Helper()
	select {
	case err := <-done:
		var u *unexpected
		if errors.As(err, &u) {
			f.t.Fatal(u.error)
		}
		return err
	case <-f.ctx.Done():
		f.t.Fatalf("Recv did not return within %s", patience)
		return nil
	}
}

var subscribeTests = []test{
	{"FromStartCatchesUpThenGoesLive", func(f *fx) {
		a, b := stream("timesheet"), stream("placement")
		ea, eb := newEvents(3), newEvents(2)
		f.mustAppend(a, eventstore.NoStream(), ea[:2]...)
		f.mustAppend(b, eventstore.NoStream(), eb...)
		last := f.mustAppend(a, eventstore.Exact(1), ea[2:]...)
		f.waitHead(last.Position)
		stored := f.readAll()

		sub := f.subscribe(eventstore.Start)
		got := sub.mustEvents(concat2(inStream(a, ea[:2]...), inStream(b, eb...), inStream(a, ea[2:]...)))
		for i := range got {
			if err := sameEvent(got[i], stored[i]); err != nil {
				f.t.Errorf("subscription and ReadAll disagree on event %d: %v", i, err)
			}
		}
		sub.mustCaughtUp()

		live := newEvents(3)
		f.mustAppend(a, eventstore.Exact(2), live[:2]...)
		f.mustAppend(b, eventstore.Exact(1), live[2])
		liveGot := sub.mustEvents(concat2(inStream(a, live[:2]...), inStream(b, live[2])))
		if liveGot[0].Revision != 3 || liveGot[1].Revision != 4 || liveGot[2].Revision != 2 {
			f.t.Errorf("live revisions = %d, %d, %d; want 3, 4, 2", liveGot[0].Revision, liveGot[1].Revision, liveGot[2].Revision)
		}
		for i, e := range liveGot {
			want := live[i]
			name := a
			if i == 2 {
				name = b
			}
			if err := checkRecorded(e, name, e.Revision, want); err != nil {
				f.t.Errorf("live event: %v", err)
			}
		}
	}},
	{"FromMiddle", func(f *fx) {
		name := stream("timesheet")
		evs := newEvents(5)
		for i, e := range evs {
			exp := eventstore.Exact(uint64(i) - 1)
			if i == 0 {
				exp = eventstore.NoStream()
			}
			f.mustAppend(name, exp, e)
		}
		stored := f.wantStream(name, evs...)
		f.waitHead(stored[4].Position)
		sub := f.subscribe(stored[1].Position)
		sub.mustEvents(inStream(name, evs[2:]...))
		sub.mustCaughtUp()
		more := newEvent("test.live", 5)
		f.mustAppend(name, eventstore.Exact(4), more)
		sub.mustEvents(inStream(name, more))
	}},
	{"FromHead", func(f *fx) {
		name := stream("timesheet")
		res := f.mustAppend(name, eventstore.NoStream(), newEvents(3)...)
		f.waitHead(res.Position)
		sub := f.subscribe(f.mustHead())
		sub.mustCaughtUp()
		more := newEvent("test.live", 3)
		f.mustAppend(name, eventstore.Exact(2), more)
		sub.mustEvents(inStream(name, more))
	}},
	{"EmptyStore", func(f *fx) {
		sub := f.subscribe(eventstore.Start)
		sub.mustCaughtUp()
		name := stream("timesheet")
		evs := newEvents(2)
		f.mustAppend(name, eventstore.NoStream(), evs...)
		got := sub.mustEvents(inStream(name, evs...))
		for i, e := range got {
			if err := checkRecorded(e, name, uint64(i), evs[i]); err != nil {
				f.t.Error(err)
			}
		}
	}},
	{"LiveBatchesInOrder", func(f *fx) {
		sub := f.subscribe(eventstore.Start)
		sub.mustCaughtUp()
		var want []recorded
		names := []string{stream("a"), stream("b"), stream("c")}
		revs := map[string]uint64{}
		for i := range 12 {
			name := names[i%len(names)]
			evs := newEvents(1 + i%3)
			exp := eventstore.NoStream()
			if i >= len(names) {
				exp = eventstore.Exact(revs[name])
			}
			res := f.mustAppend(name, exp, evs...)
			revs[name] = res.NextExpectedRevision
			want = append(want, inStream(name, evs...)...)
		}
		sub.mustEvents(want)
	}},
	{"ManySubscribersSeeTheSame", func(f *fx) {
		name := stream("timesheet")
		first := newEvents(3)
		f.waitHead(f.mustAppend(name, eventstore.NoStream(), first...).Position)
		early := f.subscribe(eventstore.Start)
		early.mustEvents(inStream(name, first...))
		early.mustCaughtUp()
		more := newEvents(3)
		f.waitHead(f.mustAppend(name, eventstore.Exact(2), more...).Position)
		late := f.subscribe(eventstore.Start)
		a := early.mustEvents(inStream(name, more...))
		b := late.mustEvents(inStream(name, concat(first, more)...))[3:]
		for i := range a {
			if err := sameEvent(a[i], b[i]); err != nil {
				f.t.Errorf("subscribers disagree: %v", err)
			}
		}
	}},
	{"CancelRecvContext", func(f *fx) {
		sub := f.caughtUp(f.ctx)
		ctx, cancel := context.WithCancel(f.ctx)
		if err := f.recvWhile(ctx, sub.sub, cancelled(cancel)); !errors.Is(err, context.Canceled) {
			f.t.Fatalf("Recv with a cancelled context = %v, want errors.Is context.Canceled", err)
		}
	}},
	{"CancelSubscriptionContext", func(f *fx) {
		subCtx, cancel := context.WithCancel(f.ctx)
		sub := f.caughtUp(subCtx)
		if err := f.recvWhile(f.ctx, sub.sub, cancelled(cancel)); !errors.Is(err, context.Canceled) && !errors.Is(err, eventstore.ErrClosed) {
			f.t.Fatalf("Recv after the subscription's context ended = %v, want context.Canceled or ErrClosed", err)
		}
	}},
	{"CloseEndsRecv", func(f *fx) {
		sub := f.caughtUp(f.ctx)
		if err := f.recvWhile(f.ctx, sub.sub, sub.sub.Close); !errors.Is(err, eventstore.ErrClosed) {
			f.t.Fatalf("Recv after Close = %v, want errors.Is ErrClosed", err)
		}
		if err := f.awaitRecvErr(recvAsync(f.ctx, sub.sub)); !errors.Is(err, eventstore.ErrClosed) {
			f.t.Fatalf("second Recv after Close = %v, want errors.Is ErrClosed", err)
		}
	}},
	{"CloseWhileCatchingUp", func(f *fx) {
		res := f.mustAppend(stream("timesheet"), eventstore.NoStream(), newEvents(5)...)
		f.waitHead(res.Position)
		sub := f.subscribe(eventstore.Start)
		sub.mustEvent()
		if err := sub.sub.Close(); err != nil {
			f.t.Errorf("Close: %v", err)
		}
		// Messages already buffered may still come out, but no more than
		// were stored, and then ErrClosed.
		for range 6 {
			_, _, err := sub.next(f.ctx)
			if errors.Is(err, eventstore.ErrClosed) {
				return
			}
			if err != nil {
				f.t.Fatalf("Recv after Close = %v, want errors.Is ErrClosed", err)
			}
		}
		f.t.Fatal("Recv kept delivering after Close")
	}},
}
