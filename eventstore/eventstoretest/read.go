package eventstoretest

import (
	"slices"

	"backoffice/eventstore"
)

// tenEventStream stores ten events in one stream in two appends, with events
// of other streams in between so its positions are not dense.
func (f *fx) tenEventStream() (string, []eventstore.EventData) {
	f.t.Helper()
	name := stream("timesheet")
	evs := newEvents(10)
	f.mustAppend(stream("before"), eventstore.NoStream(), newEvents(2)...)
	r := f.mustAppend(name, eventstore.NoStream(), evs[:6]...)
	f.mustAppend(stream("between"), eventstore.NoStream(), newEvents(3)...)
	f.mustAppend(name, eventstore.Exact(r.NextExpectedRevision), evs[6:]...)
	f.mustAppend(name+"-1", eventstore.NoStream(), newEvents(1)...)
	return name, evs
}

// readStreamCase reads a slice of the ten-event stream and wants these revisions.
func readStreamCase(opts eventstore.ReadStreamOptions, revs ...uint64) func(f *fx) {
	return func(f *fx) {
		name, evs := f.tenEventStream()
		got := f.mustReadStream(name, opts)
		if len(got) != len(revs) {
			f.t.Fatalf("ReadStream(%+v) returned %d events, want revisions %v:\n%s", opts, len(got), revs, describe(got))
		}
		for i, rev := range revs {
			if err := checkRecorded(got[i], name, rev, evs[rev]); err != nil {
				f.t.Errorf("ReadStream(%+v)[%d]: %v", opts, i, err)
			}
		}
	}
}

func revRange(from, to uint64) []uint64 {
	var out []uint64
	if from <= to {
		for r := from; r <= to; r++ {
			out = append(out, r)
		}
		return out
	}
	for r := from; ; r-- {
		out = append(out, r)
		if r == to {
			return out
		}
	}
}

type rso = eventstore.ReadStreamOptions

var readStreamTests = []test{
	{"ForwardsFromStart", readStreamCase(rso{}, revRange(0, 9)...)},
	{"ForwardsFromK", readStreamCase(rso{From: 4}, revRange(4, 9)...)},
	{"ForwardsFromLast", readStreamCase(rso{From: 9}, 9)},
	{"ForwardsMax", readStreamCase(rso{From: 2, Max: 3}, 2, 3, 4)},
	{"ForwardsMaxBeyondEnd", readStreamCase(rso{From: 7, Max: 10}, 7, 8, 9)},
	{"ForwardsMaxOne", readStreamCase(rso{Max: 1}, 0)},
	{"ForwardsPastEnd", readStreamCase(rso{From: 10})},
	{"ForwardsFarPastEnd", readStreamCase(rso{From: 1 << 40})},
	{"BackwardsFromEnd", readStreamCase(rso{Direction: eventstore.Backwards, FromEnd: true}, revRange(9, 0)...)},
	{"BackwardsFromEndMax", readStreamCase(rso{Direction: eventstore.Backwards, FromEnd: true, Max: 3}, 9, 8, 7)},
	{"BackwardsFromEndMaxOne", readStreamCase(rso{Direction: eventstore.Backwards, FromEnd: true, Max: 1}, 9)},
	{"BackwardsFromK", readStreamCase(rso{Direction: eventstore.Backwards, From: 4}, revRange(4, 0)...)},
	{"BackwardsFromKMax", readStreamCase(rso{Direction: eventstore.Backwards, From: 6, Max: 2}, 6, 5)},
	{"BackwardsFromZero", readStreamCase(rso{Direction: eventstore.Backwards, From: 0}, 0)},
	{"BackwardsFromPastEnd", readStreamCase(rso{Direction: eventstore.Backwards, From: 100}, revRange(9, 0)...)},
	{"MissingStream", func(f *fx) {
		f.tenEventStream()
		name := stream("missing")
		for _, opts := range []rso{
			{},
			{From: 3, Max: 2},
			{Direction: eventstore.Backwards, FromEnd: true},
			{Direction: eventstore.Backwards, From: 5},
		} {
			_, err := f.s.ReadStream(f.ctx, name, opts)
			wantIs(f.t, err, eventstore.ErrStreamNotFound, "ReadStream of a missing stream")
		}
	}},
	{"MissingStreamInEmptyStore", func(f *fx) {
		_, err := f.s.ReadStream(f.ctx, stream("missing"), rso{})
		wantIs(f.t, err, eventstore.ErrStreamNotFound, "ReadStream in an empty store")
	}},
	{"OnlyOwnEvents", func(f *fx) {
		name, evs := f.tenEventStream()
		f.wantStream(name, evs...)
		got := f.mustReadStream(name+"-1", rso{})
		if len(got) != 1 || got[0].Stream != name+"-1" {
			f.t.Fatalf("ReadStream(%q) = \n%s", name+"-1", describe(got))
		}
	}},
	{"SameEventsAsReadAll", func(f *fx) {
		name, _ := f.tenEventStream()
		byStream := f.mustReadStream(name, rso{})
		backwards := f.mustReadStream(name, rso{Direction: eventstore.Backwards, FromEnd: true})
		slices.Reverse(backwards)
		f.waitHead(byStream[9].Position)
		var byAll []eventstore.RecordedEvent
		for _, e := range f.readAll() {
			if e.Stream == name {
				byAll = append(byAll, e)
			}
		}
		if len(byAll) != 10 || len(backwards) != 10 {
			f.t.Fatalf("ReadAll has %d events of %q, backwards ReadStream %d; want 10", len(byAll), name, len(backwards))
		}
		for i := range byStream {
			if err := sameEvent(byStream[i], byAll[i]); err != nil {
				f.t.Errorf("ReadStream and ReadAll disagree on revision %d: %v", i, err)
			}
			if err := sameEvent(byStream[i], backwards[i]); err != nil {
				f.t.Errorf("forwards and backwards ReadStream disagree on revision %d: %v", i, err)
			}
		}
	}},
}

// interleaved appends to three streams in turn, in batches of 1 to 3 events,
// and returns every event in append order (which is position order).
func (f *fx) interleaved() []recorded {
	f.t.Helper()
	names := []string{stream("a"), stream("b"), stream("c")}
	revs := map[string]uint64{}
	var want []recorded
	var last eventstore.Position
	for i := range 9 {
		name := names[i%3]
		evs := newEvents(1 + (i*2)%3)
		exp := eventstore.NoStream()
		if i >= 3 {
			exp = eventstore.Exact(revs[name])
		}
		res := f.mustAppend(name, exp, evs...)
		if !res.Position.After(last) {
			f.t.Fatalf("append %d landed at %s, not after the previous append's %s", i, res.Position, last)
		}
		last = res.Position
		revs[name] = res.NextExpectedRevision
		want = append(want, inStream(name, evs...)...)
	}
	f.waitHead(last)
	return want
}

func (f *fx) wantRecorded(what string, got []eventstore.RecordedEvent, want []recorded) {
	f.t.Helper()
	if len(got) != len(want) {
		f.t.Fatalf("%s returned %d events, want %d:\n%s", what, len(got), len(want), describe(got))
	}
	for i := range want {
		if got[i].ID != want[i].id || got[i].Stream != want[i].stream {
			f.t.Fatalf("%s[%d] = %s in %q, want %s in %q:\n%s", what, i, got[i].ID, got[i].Stream, want[i].id, want[i].stream, describe(got))
		}
		if i > 0 && !got[i].Position.After(got[i-1].Position) {
			f.t.Fatalf("%s[%d] at %s is not after [%d] at %s", what, i, got[i].Position, i-1, got[i-1].Position)
		}
	}
}

func (f *fx) mustReadAll(from eventstore.Position, max int) []eventstore.RecordedEvent {
	f.t.Helper()
	evs, err := f.s.ReadAll(f.ctx, from, max)
	if err != nil {
		f.t.Fatalf("ReadAll(%s, %d): %v", from, max, err)
	}
	return evs
}

var readAllTests = []test{
	{"EmptyStore", func(f *fx) {
		if evs := f.mustReadAll(eventstore.Start, 10); len(evs) != 0 {
			f.t.Fatalf("ReadAll of an empty store:\n%s", describe(evs))
		}
		if head := f.mustHead(); !head.IsStart() {
			f.t.Fatalf("HeadPosition of an empty store = %s, want Start", head)
		}
	}},
	{"FromStartInPositionOrder", func(f *fx) {
		want := f.interleaved()
		f.wantRecorded("ReadAll(Start)", f.mustReadAll(eventstore.Start, 1000), want)
	}},
	{"StrictlyAfter", func(f *fx) {
		want := f.interleaved()
		all := f.mustReadAll(eventstore.Start, 1000)
		for k := range all {
			got := f.mustReadAll(all[k].Position, 1000)
			f.wantRecorded("ReadAll(after event "+all[k].Position.String()+")", got, want[k+1:])
		}
	}},
	{"Max", func(f *fx) {
		want := f.interleaved()
		f.wantRecorded("ReadAll(Start, 1)", f.mustReadAll(eventstore.Start, 1), want[:1])
		f.wantRecorded("ReadAll(Start, 4)", f.mustReadAll(eventstore.Start, 4), want[:4])
		all := f.mustReadAll(eventstore.Start, 1000)
		f.wantRecorded("ReadAll(event 2, 3)", f.mustReadAll(all[2].Position, 3), want[3:6])
		n := len(want)
		f.wantRecorded("ReadAll(third last, 10)", f.mustReadAll(all[n-3].Position, 10), want[n-2:])
		f.wantRecorded("ReadAll(Start, len)", f.mustReadAll(eventstore.Start, n), want)
	}},
	{"MaxMustBePositive", func(f *fx) {
		f.interleaved()
		for _, max := range []int{0, -1} {
			if evs, err := f.s.ReadAll(f.ctx, eventstore.Start, max); err == nil {
				f.t.Errorf("ReadAll(Start, %d) = %d events and no error, want an error", max, len(evs))
			}
		}
	}},
	{"PagingVisitsEveryEventOnce", func(f *fx) {
		want := f.interleaved()
		var got []eventstore.RecordedEvent
		from := eventstore.Start
		for pages := 0; ; pages++ {
			if pages > len(want) {
				f.t.Fatalf("paging did not end after %d pages", pages)
			}
			page := f.mustReadAll(from, 3)
			if len(page) > 3 {
				f.t.Fatalf("ReadAll(%s, 3) returned %d events", from, len(page))
			}
			if len(page) == 0 {
				break
			}
			got = append(got, page...)
			from = page[len(page)-1].Position
		}
		f.wantRecorded("paging with max 3", got, want)
	}},
	{"FromHeadIsEmpty", func(f *fx) {
		f.interleaved()
		head := f.mustHead()
		if evs := f.mustReadAll(head, 10); len(evs) != 0 {
			f.t.Fatalf("ReadAll(head %s) returned:\n%s", head, describe(evs))
		}
	}},
	{"HeadPosition", func(f *fx) {
		if head := f.mustHead(); !head.IsStart() {
			f.t.Fatalf("HeadPosition of an empty store = %s, want Start", head)
		}
		names := []string{stream("a"), stream("b")}
		var prev eventstore.Position
		for i := range 4 {
			res := f.mustAppend(names[i%2], eventstore.Any(), newEvents(1+i%3)...)
			f.waitHead(res.Position)
			head := f.mustHead()
			if head != res.Position {
				f.t.Fatalf("HeadPosition = %s after an append that ended at %s", head, res.Position)
			}
			if !head.After(prev) {
				f.t.Fatalf("HeadPosition %s is not after the previous head %s", head, prev)
			}
			prev = head
			all := f.readAll()
			if last := all[len(all)-1].Position; last != head {
				f.t.Fatalf("HeadPosition = %s, last event of ReadAll at %s", head, last)
			}
		}
	}},
}
