package eventstoretest

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"backoffice/eventstore"
)

var appendTests = []test{
	{"NoStreamOnNewStream", firstAppend(eventstore.NoStream())},
	{"NoStreamOnExistingStream", func(f *fx) {
		name := stream("timesheet")
		first := newEvents(2)
		f.mustAppend(name, eventstore.NoStream(), first...)
		_, err := f.s.Append(f.ctx, name, eventstore.NoStream(), newEvent("test.again", 0))
		wantWrongRevision(f.t, err, name, eventstore.NoStream(), true, 1)
		f.wantOnlyStream(name, first...)
	}},
	{"StreamExistsOnMissingStream", refusedOnMissing(eventstore.StreamExists())},
	{"StreamExistsOnExistingStream", func(f *fx) {
		name := stream("timesheet")
		a, b := newEvent("test.a", 0), newEvent("test.b", 1)
		f.mustAppend(name, eventstore.NoStream(), a)
		res := f.mustAppend(name, eventstore.StreamExists(), b)
		if res.NextExpectedRevision != 1 {
			f.t.Errorf("NextExpectedRevision = %d, want 1", res.NextExpectedRevision)
		}
		f.wantStream(name, a, b)
	}},
	{"ExactRight", func(f *fx) {
		name := stream("timesheet")
		first := newEvents(3)
		res := f.mustAppend(name, eventstore.NoStream(), first...)
		if res.NextExpectedRevision != 2 {
			f.t.Fatalf("NextExpectedRevision = %d, want 2", res.NextExpectedRevision)
		}
		next := newEvent("test.next", 3)
		res2 := f.mustAppend(name, eventstore.Exact(res.NextExpectedRevision), next)
		if res2.NextExpectedRevision != 3 {
			f.t.Errorf("NextExpectedRevision = %d, want 3", res2.NextExpectedRevision)
		}
		if !res2.Position.After(res.Position) {
			f.t.Errorf("second append at %s is not after first at %s", res2.Position, res.Position)
		}
		f.wantStream(name, append(first, next)...)
	}},
	{"ExactStale", exactRefused(0, 1)},
	{"ExactAhead", exactRefused(3, 4, 1000)},
	// Exact(0) means "the stream has one event", not "the stream is new".
	{"ExactOnMissingStream", refusedOnMissing(eventstore.Exact(0), eventstore.Exact(1))},
	{"AnyOnMissingStream", firstAppend(eventstore.Any())},
	{"AnyOnExistingStream", func(f *fx) {
		name := stream("timesheet")
		first := newEvents(2)
		f.mustAppend(name, eventstore.NoStream(), first...)
		more := []eventstore.EventData{newEvent("test.any", 2), newEvent("test.any", 3)}
		res := f.mustAppend(name, eventstore.Any(), more...)
		if res.NextExpectedRevision != 3 {
			f.t.Errorf("NextExpectedRevision = %d, want 3", res.NextExpectedRevision)
		}
		f.wantStream(name, append(first, more...)...)
	}},
	{"BatchIsConsecutive", func(f *fx) {
		name, other := stream("timesheet"), stream("other")
		b1, b2 := newEvents(5), newEvents(3)
		o := newEvent("test.other", 0)
		r1 := f.mustAppend(name, eventstore.NoStream(), b1...)
		ro := f.mustAppend(other, eventstore.NoStream(), o)
		r2 := f.mustAppend(name, eventstore.Exact(r1.NextExpectedRevision), b2...)
		if r1.NextExpectedRevision != 4 || r2.NextExpectedRevision != 7 {
			f.t.Errorf("NextExpectedRevision = %d then %d, want 4 then 7", r1.NextExpectedRevision, r2.NextExpectedRevision)
		}
		got := f.wantStream(name, concat(b1, b2)...)
		if got[4].Position != r1.Position {
			f.t.Errorf("first AppendResult.Position = %s, its last event is at %s", r1.Position, got[4].Position)
		}
		if got[7].Position != r2.Position {
			f.t.Errorf("second AppendResult.Position = %s, its last event is at %s", r2.Position, got[7].Position)
		}
		if !ro.Position.After(r1.Position) || !r2.Position.After(ro.Position) {
			f.t.Errorf("positions of sequential appends %s, %s, %s do not increase", r1.Position, ro.Position, r2.Position)
		}
		f.wantLog(concat2(inStream(name, b1...), inStream(other, o), inStream(name, b2...))...)
	}},
	{"InvalidAppendsAreRefused", func(f *fx) {
		name := stream("timesheet")
		valid := func() eventstore.EventData { return newEvent("test.valid", 0) }
		with := func(change func(*eventstore.EventData)) eventstore.EventData {
			e := valid()
			change(&e)
			return e
		}
		dup := valid()
		cases := []struct {
			what   string
			stream string
			events []eventstore.EventData
		}{
			{"no events", name, nil},
			{"empty stream name", "", []eventstore.EventData{valid()}},
			{"the $all stream", eventstore.AllStream, []eventstore.EventData{valid()}},
			{"a $-reserved stream name", "$timesheet-1", []eventstore.EventData{valid()}},
			{"nil event ID", name, []eventstore.EventData{with(func(e *eventstore.EventData) { e.ID = uuid.Nil })}},
			{"empty event type", name, []eventstore.EventData{with(func(e *eventstore.EventData) { e.Type = "" })}},
			{"same event ID twice in the batch", name, []eventstore.EventData{dup, valid(), dup}},
			{"unterminated JSON", name, []eventstore.EventData{with(func(e *eventstore.EventData) { e.Data = json.RawMessage(`{"a":1`) })}},
			{"plain text data", name, []eventstore.EventData{with(func(e *eventstore.EventData) { e.Data = json.RawMessage(`not json`) })}},
			{"JSON followed by garbage", name, []eventstore.EventData{with(func(e *eventstore.EventData) { e.Data = json.RawMessage(`{"a":1} x`) })}},
			{"one bad event among good ones", name, []eventstore.EventData{valid(), valid(), with(func(e *eventstore.EventData) { e.Type = "" })}},
		}
		for _, c := range cases {
			for _, exp := range []eventstore.ExpectedRevision{eventstore.Any(), eventstore.NoStream()} {
				_, err := f.s.Append(f.ctx, c.stream, exp, c.events...)
				if !errors.Is(err, eventstore.ErrInvalidAppend) {
					f.t.Errorf("append with %s (%s) = %v, want errors.Is ErrInvalidAppend", c.what, exp, err)
				}
			}
		}
		// The refused appends must not have stored anything or created a stream.
		_, err := f.s.ReadStream(f.ctx, name, eventstore.ReadStreamOptions{})
		wantIs(f.t, err, eventstore.ErrStreamNotFound, "ReadStream after invalid appends")
		f.wantLog()
	}},
	{"InvalidAppendToExistingStream", func(f *fx) {
		name := stream("timesheet")
		first := newEvents(2)
		res := f.mustAppend(name, eventstore.NoStream(), first...)
		bad := newEvent("test.bad", 2)
		bad.Data = json.RawMessage(`{"hours":`)
		_, err := f.s.Append(f.ctx, name, eventstore.Exact(res.NextExpectedRevision), newEvent("test.good", 2), bad)
		if !errors.Is(err, eventstore.ErrInvalidAppend) {
			f.t.Fatalf("append with bad data = %v, want errors.Is ErrInvalidAppend", err)
		}
		f.wantOnlyStream(name, first...)
	}},
	{"WrongRevisionStoresNothing", func(f *fx) {
		name := stream("timesheet")
		first := newEvents(2)
		f.mustAppend(name, eventstore.NoStream(), first...)
		refused := []eventstore.ExpectedRevision{eventstore.NoStream(), eventstore.Exact(0), eventstore.Exact(2)}
		for _, exp := range refused {
			_, err := f.s.Append(f.ctx, name, exp, newEvents(3)...)
			wantWrongRevision(f.t, err, name, exp, true, 1)
		}
		missing := stream("missing")
		_, err := f.s.Append(f.ctx, missing, eventstore.StreamExists(), newEvents(2)...)
		wantWrongRevision(f.t, err, missing, eventstore.StreamExists(), false, 0)
		f.wantOnlyStream(name, first...)
		// A refused append leaves its IDs free: the same events go through
		// once the condition holds.
		retry := newEvents(2)
		if _, err := f.s.Append(f.ctx, name, eventstore.Exact(5), retry...); err == nil {
			f.t.Fatal("append with Exact(5) on a stream at revision 1 succeeded")
		}
		f.mustAppend(name, eventstore.Exact(1), retry...)
		f.wantStream(name, concat(first, retry)...)
	}},
	{"StreamNames", func(f *fx) {
		// Names are opaque strings compared exactly: case, spaces, prefixes
		// and non-ASCII characters all matter.
		base := stream("Timesheet")
		names := []string{
			base,
			strings.ToLower(base),
			base + "-1",
			base + "-10",
			base + " ",
			base + "_%",
			"urenbriefje wk 12/2026 — café ☕ " + base,
			base + "-" + strings.Repeat("x", 200),
		}
		want := map[string]eventstore.EventData{}
		for i, n := range names {
			e := newEvent("test.named", i)
			f.mustAppend(n, eventstore.NoStream(), e)
			want[n] = e
		}
		for _, n := range names {
			f.wantStream(n, want[n])
		}
		_, err := f.s.ReadStream(f.ctx, base+"-", eventstore.ReadStreamOptions{})
		wantIs(f.t, err, eventstore.ErrStreamNotFound, fmt.Sprintf("ReadStream(%q)", base+"-"))
		_, err = f.s.ReadStream(f.ctx, strings.ToUpper(base), eventstore.ReadStreamOptions{})
		wantIs(f.t, err, eventstore.ErrStreamNotFound, fmt.Sprintf("ReadStream(%q)", strings.ToUpper(base)))
	}},
	{"CreatedIsSet", func(f *fx) {
		name := stream("timesheet")
		evs := newEvents(2)
		f.mustAppend(name, eventstore.NoStream(), evs...)
		got := f.wantStream(name, evs...) // checks Created is sane
		for _, e := range got {
			if e.Created.Equal(e.Metadata.OccurredAt) {
				f.t.Errorf("Created = OccurredAt = %s: the store must record its own time, not the business time", e.Created)
			}
		}
	}},
}

func concat2(parts ...[]recorded) []recorded {
	var out []recorded
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// exactRefused: appends expecting a revision other than the stream's last
// (2) are refused with the stream's real revision and change nothing.
func exactRefused(revs ...uint64) func(f *fx) {
	return func(f *fx) {
		name := stream("timesheet")
		first := newEvents(3)
		f.mustAppend(name, eventstore.NoStream(), first...)
		for _, rev := range revs {
			_, err := f.s.Append(f.ctx, name, eventstore.Exact(rev), newEvent("test.wrong", 0))
			wantWrongRevision(f.t, err, name, eventstore.Exact(rev), true, 2)
		}
		f.wantOnlyStream(name, first...)
	}
}

// firstAppend: an append to a new stream with expected (NoStream, Any)
// records the stream's first event, at the position it answers.
func firstAppend(expected eventstore.ExpectedRevision) func(f *fx) {
	return func(f *fx) {
		name := stream("timesheet")
		e := newEvent("test.created", 0)
		res := f.mustAppend(name, expected, e)
		if res.NextExpectedRevision != 0 {
			f.t.Errorf("NextExpectedRevision = %d, want 0", res.NextExpectedRevision)
		}
		got := f.wantStream(name, e)
		if got[0].Position != res.Position {
			f.t.Errorf("AppendResult.Position = %s, event recorded at %s", res.Position, got[0].Position)
		}
	}
}

// refusedOnMissing: appends to a missing stream expecting an existing one
// are refused and create nothing.
func refusedOnMissing(expected ...eventstore.ExpectedRevision) func(f *fx) {
	return func(f *fx) {
		name := stream("timesheet")
		for _, exp := range expected {
			_, err := f.s.Append(f.ctx, name, exp, newEvent("test.x", 0))
			wantWrongRevision(f.t, err, name, exp, false, 0)
		}
		_, err := f.s.ReadStream(f.ctx, name, eventstore.ReadStreamOptions{})
		wantIs(f.t, err, eventstore.ErrStreamNotFound, "ReadStream after refused appends")
		f.wantLog()
	}
}
