package eventstoretest

import (
	"backoffice/eventstore"
)

// readStreamsTests hold ReadStreams to the rule of the port: one slice per
// read in the reads' order, the events ReadStream returns from each From to
// the end, the stream's last revision whatever From was, and a missing
// stream as Exists false.
var readStreamsTests = []test{
	{"SeveralStreams", func(f *fx) {
		name, evs := f.tenEventStream()
		other := name + "-1"
		missing := stream("missing")
		reads := []eventstore.StreamRead{
			{Stream: name, From: 4},
			{Stream: missing},
			{Stream: other},
			{Stream: name},
			{Stream: name, From: 10}, // past the end
			{Stream: missing, From: 3},
		}
		got, err := f.s.ReadStreams(f.ctx, reads...)
		if err != nil {
			f.t.Fatal(err)
		}
		if len(got) != len(reads) {
			f.t.Fatalf("ReadStreams returned %d slices for %d reads", len(got), len(reads))
		}
		want := []struct {
			exists bool
			rev    uint64
			revs   []uint64
		}{
			{true, 9, revRange(4, 9)},
			{false, 0, nil},
			{true, 0, []uint64{0}},
			{true, 9, revRange(0, 9)},
			{true, 9, nil},
			{false, 0, nil},
		}
		for i, w := range want {
			sl := got[i]
			if sl.Stream != reads[i].Stream || sl.Exists != w.exists || (w.exists && sl.Revision != w.rev) {
				f.t.Errorf("read %d (%+v): stream %q exists %v revision %d; want exists %v revision %d",
					i, reads[i], sl.Stream, sl.Exists, sl.Revision, w.exists, w.rev)
			}
			if len(sl.Events) != len(w.revs) {
				f.t.Errorf("read %d (%+v): %d events, want revisions %v:\n%s", i, reads[i], len(sl.Events), w.revs, describe(sl.Events))
				continue
			}
			for j, rev := range w.revs {
				if sl.Stream == name {
					if err := checkRecorded(sl.Events[j], name, rev, evs[rev]); err != nil {
						f.t.Errorf("read %d event %d: %v", i, j, err)
					}
				}
			}
		}
		// The same events as ReadStream, field by field.
		byStream := f.mustReadStream(name, rso{From: 4})
		for j := range byStream {
			if err := sameEvent(got[0].Events[j], byStream[j]); err != nil {
				f.t.Errorf("ReadStreams and ReadStream disagree on revision %d: %v", byStream[j].Revision, err)
			}
		}
	}},
	{"NoReads", func(f *fx) {
		got, err := f.s.ReadStreams(f.ctx)
		if err != nil || len(got) != 0 {
			f.t.Fatalf("ReadStreams() = %v, %v; want nothing", got, err)
		}
	}},
	{"SeesAppendAtOnce", func(f *fx) {
		name := stream("fresh")
		f.mustAppend(name, eventstore.NoStream(), newEvents(2)...)
		got, err := f.s.ReadStreams(f.ctx, eventstore.StreamRead{Stream: name, From: 1})
		if err != nil {
			f.t.Fatal(err)
		}
		if len(got) != 1 || !got[0].Exists || got[0].Revision != 1 || len(got[0].Events) != 1 || got[0].Events[0].Revision != 1 {
			f.t.Fatalf("ReadStreams right after the append = %+v", got)
		}
	}},
}
