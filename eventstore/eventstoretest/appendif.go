package eventstoretest

import (
	"errors"

	"backoffice/eventstore"
)

// appendIfTests hold AppendIf to the port's rule: the append happens only
// when its own stream and every condition's stream stand where expected;
// a failed condition stores nothing and names its stream.
var appendIfTests = []test{
	{"ConditionsHold", func(f *fx) {
		terms, sheet := stream("placement"), stream("timesheet")
		r := f.mustAppend(terms, eventstore.NoStream(), newEvents(2)...)
		evs := newEvents(3)
		for i, batch := range [][]eventstore.EventData{evs[:1], evs[1:]} { // one event, then several
			exp := eventstore.NoStream()
			if i > 0 {
				exp = eventstore.Exact(0)
			}
			if _, err := f.s.AppendIf(f.ctx, sheet, exp, []eventstore.Condition{
				{Stream: terms, Expected: eventstore.Exact(r.NextExpectedRevision)},
				{Stream: stream("client"), Expected: eventstore.NoStream()},
			}, batch...); err != nil {
				f.t.Fatalf("AppendIf with conditions that hold: %v", err)
			}
		}
		f.wantStream(sheet, evs...)
	}},
	{"ConditionStreamMoved", func(f *fx) {
		terms, sheet := stream("placement"), stream("timesheet")
		r := f.mustAppend(terms, eventstore.NoStream(), newEvents(2)...)
		f.mustAppend(sheet, eventstore.NoStream(), newEvents(1)...)
		f.mustAppend(terms, eventstore.Exact(r.NextExpectedRevision), newEvents(1)...) // moved on: revision 2
		for _, n := range []int{1, 3} {
			_, err := f.s.AppendIf(f.ctx, sheet, eventstore.Exact(0), []eventstore.Condition{
				{Stream: terms, Expected: eventstore.Exact(r.NextExpectedRevision)},
			}, newEvents(n)...)
			wantWrongRevision(f.t, err, terms, eventstore.Exact(r.NextExpectedRevision), true, 2)
		}
		missing := stream("client")
		_, err := f.s.AppendIf(f.ctx, sheet, eventstore.Exact(0), []eventstore.Condition{
			{Stream: missing, Expected: eventstore.Exact(0)},
		}, newEvents(1)...)
		wantWrongRevision(f.t, err, missing, eventstore.Exact(0), false, 0)
		_, err = f.s.AppendIf(f.ctx, sheet, eventstore.Exact(0), []eventstore.Condition{
			{Stream: terms, Expected: eventstore.NoStream()},
		}, newEvents(1)...)
		wantWrongRevision(f.t, err, terms, eventstore.NoStream(), true, 2)
		if got := f.mustReadStream(sheet, eventstore.ReadStreamOptions{}); len(got) != 1 {
			f.t.Fatalf("a failed condition stored events: %s", describe(got))
		}
	}},
	{"OwnStreamStillChecked", func(f *fx) {
		terms, sheet := stream("placement"), stream("timesheet")
		f.mustAppend(terms, eventstore.NoStream(), newEvents(1)...)
		f.mustAppend(sheet, eventstore.NoStream(), newEvents(2)...)
		_, err := f.s.AppendIf(f.ctx, sheet, eventstore.Exact(0), []eventstore.Condition{
			{Stream: terms, Expected: eventstore.Exact(0)},
		}, newEvents(1)...)
		wantWrongRevision(f.t, err, sheet, eventstore.Exact(0), true, 1)
	}},
	{"RefusesConditionOnOwnStream", func(f *fx) {
		sheet := stream("timesheet")
		_, err := f.s.AppendIf(f.ctx, sheet, eventstore.NoStream(), []eventstore.Condition{
			{Stream: sheet, Expected: eventstore.NoStream()},
		}, newEvents(1)...)
		if !errors.Is(err, eventstore.ErrInvalidAppend) {
			f.t.Fatalf("condition on the appended stream: %v, want ErrInvalidAppend", err)
		}
	}},
}
