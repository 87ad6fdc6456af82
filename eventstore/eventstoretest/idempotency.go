package eventstoretest

import (
	"sync"

	"github.com/google/uuid"

	"backoffice/eventstore"
)

// wantRepeat repeats an append and wants the original result back.
func (f *fx) wantRepeat(name string, exp eventstore.ExpectedRevision, original eventstore.AppendResult, evs ...eventstore.EventData) {
	f.t.Helper()
	res, err := f.s.Append(f.ctx, name, exp, evs...)
	if err != nil {
		f.t.Fatalf("repeating an append to %q with %s: %v, want the original result", name, exp, err)
	}
	if res != original {
		f.t.Fatalf("repeating an append to %q with %s returned %+v, want the original %+v", name, exp, res, original)
	}
}

var idempotencyTests = []test{
	{"RepeatWithSameExpected", func(f *fx) {
		name := stream("timesheet")
		evs := newEvents(2)
		res := f.mustAppend(name, eventstore.NoStream(), evs...)
		f.wantRepeat(name, eventstore.NoStream(), res, evs...)
		f.wantRepeat(name, eventstore.NoStream(), res, evs...)
		f.wantOnlyStream(name, evs...)
	}},
	{"RepeatWithAny", func(f *fx) {
		name := stream("timesheet")
		evs := newEvents(3)
		res := f.mustAppend(name, eventstore.NoStream(), evs...)
		f.wantRepeat(name, eventstore.Any(), res, evs...)
		f.wantOnlyStream(name, evs...)
	}},
	{"RepeatWithStaleExact", func(f *fx) {
		name := stream("timesheet")
		first := newEvent("test.first", 0)
		f.mustAppend(name, eventstore.NoStream(), first)
		evs := newEvents(2)
		res := f.mustAppend(name, eventstore.Exact(0), evs...)
		// Exact(0) is stale now (the stream is at 2): a retry of the same
		// command must still get the original answer, not a conflict.
		f.wantRepeat(name, eventstore.Exact(0), res, evs...)
		f.wantRepeat(name, eventstore.StreamExists(), res, evs...)
		f.wantOnlyStream(name, concat([]eventstore.EventData{first}, evs)...)
	}},
	{"RepeatSingleEvent", func(f *fx) {
		name := stream("timesheet")
		e := newEvent("test.single", 0)
		res := f.mustAppend(name, eventstore.NoStream(), e)
		f.wantRepeat(name, eventstore.NoStream(), res, e)
		f.wantRepeat(name, eventstore.Any(), res, e)
		f.wantStream(name, e)
	}},
	{"RepeatAfterLaterAppends", func(f *fx) {
		name, other := stream("timesheet"), stream("other")
		evs := newEvents(2)
		res := f.mustAppend(name, eventstore.NoStream(), evs...)
		later := newEvents(2)
		f.mustAppend(name, eventstore.Exact(1), later[0])
		o := newEvent("test.other", 0)
		f.mustAppend(other, eventstore.NoStream(), o)
		f.mustAppend(name, eventstore.Exact(2), later[1])
		f.wantRepeat(name, eventstore.NoStream(), res, evs...)
		f.wantRepeat(name, eventstore.Any(), res, evs...)
		// The later appends are repeats too.
		f.wantStream(name, concat(evs, later)...)
		f.wantLog(concat2(inStream(name, evs...), inStream(name, later[0]), inStream(other, o), inStream(name, later[1]))...)
	}},
	{"RepeatOfMiddleAppend", func(f *fx) {
		name := stream("timesheet")
		a, b, c := newEvents(1), newEvents(3), newEvents(2)
		f.mustAppend(name, eventstore.NoStream(), a...)
		rb := f.mustAppend(name, eventstore.Exact(0), b...)
		f.mustAppend(name, eventstore.Exact(3), c...)
		f.wantRepeat(name, eventstore.Exact(0), rb, b...)
		f.wantRepeat(name, eventstore.Any(), rb, b...)
		f.wantStream(name, concat(a, b, c)...)
	}},
	{"PartialOverlap", func(f *fx) {
		name := stream("timesheet")
		evs := newEvents(2)
		res := f.mustAppend(name, eventstore.NoStream(), evs...)
		fresh := newEvents(2)
		cases := []struct {
			what   string
			events []eventstore.EventData
		}{
			{"a stored ID then a new one", []eventstore.EventData{evs[1], fresh[0]}},
			{"a new ID then a stored one", []eventstore.EventData{fresh[0], evs[0]}},
			{"the stored IDs plus a new one", []eventstore.EventData{evs[0], evs[1], fresh[1]}},
			{"the stored IDs in another order", []eventstore.EventData{evs[1], evs[0]}},
		}
		for _, c := range cases {
			for _, exp := range []eventstore.ExpectedRevision{eventstore.Any(), eventstore.Exact(res.NextExpectedRevision)} {
				_, err := f.s.Append(f.ctx, name, exp, c.events...)
				wantIs(f.t, err, eventstore.ErrDuplicateEventID, "append of "+c.what+" with "+exp.String())
			}
		}
		f.wantOnlyStream(name, evs...)
		// The new IDs were not consumed by the refused appends.
		f.mustAppend(name, eventstore.Exact(1), fresh...)
		f.wantStream(name, concat(evs, fresh)...)
	}},
	{"SameIDInAnotherStream", func(f *fx) {
		a, b := stream("timesheet"), stream("document")
		e := newEvent("test.shared_id", 0)
		ra := f.mustAppend(a, eventstore.NoStream(), e)
		f.mustAppend(b, eventstore.NoStream(), newEvent("test.first", 0))
		// The same ID in b is a new event there, not a repeat of a's.
		rb := f.mustAppend(b, eventstore.Exact(0), e)
		if rb.NextExpectedRevision != 1 {
			f.t.Errorf("NextExpectedRevision = %d, want 1", rb.NextExpectedRevision)
		}
		if !rb.Position.After(ra.Position) {
			f.t.Errorf("second stream's copy at %s is not after the first's at %s", rb.Position, ra.Position)
		}
		f.wantStream(a, e)
		got := f.mustReadStream(b, eventstore.ReadStreamOptions{})
		if len(got) != 2 || got[1].ID != e.ID || got[1].Revision != 1 {
			f.t.Fatalf("stream %q:\n%s", b, describe(got))
		}
		f.waitHead(rb.Position)
		var copies int
		for _, ev := range f.readAll() {
			if ev.ID == e.ID {
				copies++
			}
		}
		if copies != 2 {
			f.t.Fatalf("$all holds event ID %s %d times, want once per stream (2)", e.ID, copies)
		}
		// And repeating either append still answers for its own stream.
		f.wantRepeat(a, eventstore.NoStream(), ra, e)
		f.wantRepeat(b, eventstore.Exact(0), rb, e)
	}},
	{"ConcurrentRepeats", func(f *fx) {
		// A double-submitted command: the same append races with itself.
		// Every copy gets the one result; the events are stored once.
		name := stream("timesheet")
		evs := newEvents(3)
		const n = 10
		results := make([]eventstore.AppendResult, n)
		errs := make([]error, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				<-start
				exp := eventstore.NoStream()
				if i%2 == 1 {
					exp = eventstore.Any()
				}
				results[i], errs[i] = f.s.Append(f.ctx, name, exp, evs...)
			})
		}
		close(start)
		wg.Wait()
		for i := range n {
			if errs[i] != nil {
				f.t.Fatalf("copy %d of a repeated append: %v", i, errs[i])
			}
			if results[i] != results[0] {
				f.t.Fatalf("copies of one append got different results: %+v and %+v", results[0], results[i])
			}
		}
		f.wantOnlyStream(name, evs...)
	}},
	{"NewIDsAreNotRepeats", func(f *fx) {
		// The same payloads with new IDs are new events.
		name := stream("timesheet")
		evs := newEvents(2)
		f.mustAppend(name, eventstore.NoStream(), evs...)
		again := make([]eventstore.EventData, len(evs))
		copy(again, evs)
		for i := range again {
			again[i].ID = uuid.New()
		}
		res := f.mustAppend(name, eventstore.Any(), again...)
		if res.NextExpectedRevision != 3 {
			f.t.Errorf("NextExpectedRevision = %d, want 3", res.NextExpectedRevision)
		}
		f.wantStream(name, concat(evs, again)...)
	}},
}
