package eventstoretest

import (
	"encoding/json"
	"errors"

	"backoffice/eventstore"
)

// chainTests hold every adapter to the hash chain of eventstore/chain.go:
// each stored event carries its stream's previous hash and a hash anyone can
// recompute from what the store returns.
var chainTests = []test{
	{"every stream is a valid chain from its first event", func(f *fx) {
		a, b := stream("chain-a"), stream("chain-b")
		f.mustAppend(a, eventstore.NoStream(), newEvent("test.one", 0))
		f.mustAppend(b, eventstore.NoStream(), newEvents(3)...)
		f.mustAppend(a, eventstore.Exact(0), newEvents(4)...)
		f.mustAppend(b, eventstore.Any(), newEvent("test.two", 1))
		noData := newEvent("test.empty", 2)
		noData.Data = nil
		f.mustAppend(a, eventstore.StreamExists(), noData)
		for name, n := range map[string]int{a: 6, b: 4} {
			evs := f.mustReadStream(name, eventstore.ReadStreamOptions{})
			if len(evs) != n {
				f.t.Fatalf("%q holds %d events, want %d", name, len(evs), n)
			}
			if !evs[0].PrevHash.IsZero() {
				f.t.Fatalf("%q: first event's prev_hash is %s, want zero", name, evs[0].PrevHash)
			}
			if err := eventstore.VerifyStream(evs); err != nil {
				f.t.Fatalf("%q: %v", name, err)
			}
			seen := map[eventstore.Hash]bool{}
			for _, e := range evs {
				if e.Hash.IsZero() || seen[e.Hash] {
					f.t.Fatalf("%q revision %d: hash %s is zero or repeated", name, e.Revision, e.Hash)
				}
				seen[e.Hash] = true
				if !e.Created.Equal(eventstore.RecordedTime(e.Created)) {
					f.t.Fatalf("%q revision %d: Created %s is not a recorded time (UTC, microseconds)", name, e.Revision, e.Created)
				}
			}
		}
	}},
	{"the hash covers every field", func(f *fx) {
		name := stream("chain-fields")
		f.mustAppend(name, eventstore.NoStream(), newEvents(2)...)
		evs := f.mustReadStream(name, eventstore.ReadStreamOptions{})
		changes := map[string]func(e *eventstore.RecordedEvent){
			"stream":      func(e *eventstore.RecordedEvent) { e.Stream += "x" },
			"revision":    func(e *eventstore.RecordedEvent) { e.Revision++ },
			"type":        func(e *eventstore.RecordedEvent) { e.Type += "x" },
			"id":          func(e *eventstore.RecordedEvent) { e.ID[0] ^= 1 },
			"data":        func(e *eventstore.RecordedEvent) { e.Data = json.RawMessage(`{"n":1}`) },
			"actor":       func(e *eventstore.RecordedEvent) { e.Metadata.ActorID += "x" },
			"role":        func(e *eventstore.RecordedEvent) { e.Metadata.ActorRole += "x" },
			"correlation": func(e *eventstore.RecordedEvent) { e.Metadata.CorrelationID += "x" },
			"causation":   func(e *eventstore.RecordedEvent) { e.Metadata.CausationID += "x" },
			"occurred":    func(e *eventstore.RecordedEvent) { e.Metadata.OccurredAt = e.Metadata.OccurredAt.Add(1) },
			"recorded":    func(e *eventstore.RecordedEvent) { e.Created = e.Created.Add(1000) },
			"prev_hash":   func(e *eventstore.RecordedEvent) { e.PrevHash[5] ^= 1 },
		}
		for what, change := range changes {
			e := evs[1]
			change(&e)
			if e.ComputeHash() == evs[1].Hash {
				f.t.Errorf("changing %s leaves the hash unchanged", what)
			}
		}
	}},
	{"every read path returns the hashes", func(f *fx) {
		name := stream("chain-paths")
		res := f.mustAppend(name, eventstore.NoStream(), newEvents(3)...)
		f.waitHead(res.Position)
		byStream := f.mustReadStream(name, eventstore.ReadStreamOptions{})
		backwards := f.mustReadStream(name, eventstore.ReadStreamOptions{Direction: eventstore.Backwards, FromEnd: true, Max: 1})
		if err := sameEvent(backwards[0], byStream[2]); err != nil {
			f.t.Fatalf("backwards read: %v", err)
		}
		var all []eventstore.RecordedEvent
		for _, e := range f.readAll() {
			if e.Stream == name {
				all = append(all, e)
			}
		}
		if len(all) != 3 {
			f.t.Fatalf("$all holds %d events of %q, want 3", len(all), name)
		}
		for i := range all {
			if err := sameEvent(all[i], byStream[i]); err != nil {
				f.t.Fatalf("ReadAll vs ReadStream, revision %d: %v", i, err)
			}
		}
	}},
	{"an idempotent repeat leaves the chain as it was", func(f *fx) {
		name := stream("chain-repeat")
		evs := newEvents(2)
		f.mustAppend(name, eventstore.NoStream(), evs...)
		f.mustAppend(name, eventstore.NoStream(), evs...)
		f.mustAppend(name, eventstore.Exact(1), newEvent("test.after", 9))
		got := f.mustReadStream(name, eventstore.ReadStreamOptions{})
		if len(got) != 3 {
			f.t.Fatalf("%q holds %d events, want 3", name, len(got))
		}
		if err := eventstore.VerifyStream(got); err != nil {
			f.t.Fatal(err)
		}
	}},
	{"verification names the first broken event", func(f *fx) {
		name := stream("chain-broken")
		f.mustAppend(name, eventstore.NoStream(), newEvents(4)...)
		evs := f.mustReadStream(name, eventstore.ReadStreamOptions{})
		evs[2].Data = json.RawMessage(`{"n":600}`)
		err := eventstore.VerifyStream(evs)
		var ie *eventstore.IntegrityError
		if !errors.As(err, &ie) || !errors.Is(err, eventstore.ErrIntegrity) {
			f.t.Fatalf("VerifyStream of a changed event = %v, want an IntegrityError", err)
		}
		if ie.Stream != name || ie.Revision != 2 || ie.EventID != evs[2].ID || ie.Found != evs[2].Hash {
			f.t.Fatalf("IntegrityError names %q revision %d event %s found %s; want revision 2, event %s, found %s",
				ie.Stream, ie.Revision, ie.EventID, ie.Found, evs[2].ID, evs[2].Hash)
		}
		// Without the event, the next one no longer follows.
		err = eventstore.VerifyStream(append(evs[:2:2], evs[3]))
		if !errors.As(err, &ie) || ie.Revision != 3 {
			f.t.Fatalf("VerifyStream without revision 2 = %v, want revision 3 named", err)
		}
	}},
}
