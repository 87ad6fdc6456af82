package postgres_test

import (
	"errors"
	"testing"

	"backoffice/eventstore"
	"backoffice/eventstore/postgres"
)

// TestAppendLinkedInGo: appends of several events link their chain in Go
// from the head this process remembers (a new stream, its own last append,
// a read to the end); when another process moved the stream on, the
// remembered head is stale, the linked statement writes nothing and the
// ordinary one appends. Either way the stream is one valid chain with
// consecutive revisions, a wrong expected revision is still refused and a
// repeat still answers the original result.
func TestAppendLinkedInGo(t *testing.T) {
	ctx := t.Context()
	a, b := twoProcesses(t)
	counts := func(wantLinked, wantStale uint64) { t.Helper(); wantLinkedAppends(t, a, wantLinked, wantStale) }
	mustAppend := func(s *postgres.Store, exp eventstore.ExpectedRevision, evs []eventstore.EventData, wantRev uint64) eventstore.AppendResult {
		t.Helper()
		res, err := s.Append(ctx, "s", exp, evs...)
		if err != nil || res.NextExpectedRevision != wantRev {
			t.Fatalf("append: revision %d, %v; want %d", res.NextExpectedRevision, err, wantRev)
		}
		return res
	}

	mustAppend(a, eventstore.NoStream(), events(3), 2) // new stream: linked onto the zero hash
	counts(1, 0)
	mustAppend(a, eventstore.Exact(2), events(3), 5) // its own last append
	counts(2, 0)
	mustAppend(b, eventstore.Exact(5), events(2), 7) // another process: a's head is stale
	last := events(3)
	first := mustAppend(a, eventstore.Any(), last, 10)
	counts(2, 1)
	// A repeat answers the original result, a stale expectation is refused.
	if again, err := a.Append(ctx, "s", eventstore.Exact(7), last...); err != nil || again != first {
		t.Fatalf("repeat: %+v, %v; want %+v", again, err, first)
	}
	_, err := a.Append(ctx, "s", eventstore.Exact(5), events(2)...)
	var wrong *eventstore.WrongExpectedRevisionError
	if !errors.As(err, &wrong) || wrong.Actual != 10 {
		t.Fatalf("stale expectation: %v", err)
	}
	// A read to the end teaches a the head b wrote.
	mustAppend(b, eventstore.Exact(10), events(2), 12)
	if _, err := a.ReadStream(ctx, "s", eventstore.ReadStreamOptions{}); err != nil {
		t.Fatal(err)
	}
	linkedBefore, staleBefore := a.LinkedAppends()
	mustAppend(a, eventstore.Exact(12), events(4), 16)
	counts(linkedBefore+1, staleBefore)

	all, err := a.ReadStream(ctx, "s", eventstore.ReadStreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 17 {
		t.Fatalf("%d events, want 17", len(all))
	}
	for i, e := range all {
		if e.Revision != uint64(i) {
			t.Fatalf("event %d has revision %d", i, e.Revision)
		}
	}
	if err := eventstore.VerifyStream(all); err != nil {
		t.Fatalf("chain: %v", err)
	}
}

// TestAppendOneLinkedInGo: single events (what a command appends) are hashed
// in Go from the remembered head as well, so the server hashes nothing, also
// under AppendIf's conditions; with a stale head the ordinary statement
// hashes on the server. Both paths, and
// an event without payload, must give the chain the memory and EventStoreDB
// adapters would compute (VerifyStream recomputes every hash in Go).
func TestAppendOneLinkedInGo(t *testing.T) {
	ctx := t.Context()
	a, b := twoProcesses(t)
	counts := func(wantLinked, wantStale uint64) { t.Helper(); wantLinkedAppends(t, a, wantLinked, wantStale) }
	appendOne := func(s *postgres.Store, exp eventstore.ExpectedRevision, e eventstore.EventData, wantRev uint64) eventstore.AppendResult {
		t.Helper()
		res, err := s.Append(ctx, "one", exp, e)
		if err != nil || res.NextExpectedRevision != wantRev {
			t.Fatalf("append: revision %d, %v; want %d", res.NextExpectedRevision, err, wantRev)
		}
		return res
	}

	appendOne(a, eventstore.NoStream(), events(1)[0], 0) // new stream
	counts(1, 0)
	noData := events(1)[0]
	noData.Data = nil
	appendOne(a, eventstore.Exact(0), noData, 1) // its own last append
	counts(2, 0)
	appendOne(b, eventstore.Exact(1), events(1)[0], 2) // another process
	last := events(1)[0]
	first := appendOne(a, eventstore.StreamExists(), last, 3) // stale: hashed on the server
	counts(2, 1)
	if again, err := a.Append(ctx, "one", eventstore.Exact(2), last); err != nil || again != first {
		t.Fatalf("repeat: %+v, %v; want %+v", again, err, first)
	}
	_, err := a.Append(ctx, "one", eventstore.Exact(1), events(1)...)
	var wrong *eventstore.WrongExpectedRevisionError
	if !errors.As(err, &wrong) || wrong.Actual != 3 {
		t.Fatalf("stale expectation: %v", err)
	}
	linkedBefore, _ := a.LinkedAppends()
	appendOne(a, eventstore.Exact(3), events(1)[0], 4)
	counts(linkedBefore+1, 1)

	// AppendIf's conditions are decided by the linked statements as well,
	// for one event and for several.
	if _, err := b.Append(ctx, "other", eventstore.NoStream(), events(1)...); err != nil {
		t.Fatal(err)
	}
	holds := []eventstore.Condition{{Stream: "other", Expected: eventstore.Exact(0)}}
	if res, err := a.AppendIf(ctx, "one", eventstore.Exact(4), holds, events(1)...); err != nil || res.NextExpectedRevision != 5 {
		t.Fatalf("append if, one event: %+v, %v", res, err)
	}
	if res, err := a.AppendIf(ctx, "one", eventstore.Exact(5), holds, events(2)...); err != nil || res.NextExpectedRevision != 7 {
		t.Fatalf("append if, two events: %+v, %v", res, err)
	}
	counts(linkedBefore+3, 1)
	fails := []eventstore.Condition{{Stream: "other", Expected: eventstore.NoStream()}}
	_, err = a.AppendIf(ctx, "one", eventstore.Exact(7), fails, events(1)...)
	if !errors.As(err, &wrong) || wrong.Stream != "other" {
		t.Fatalf("failed condition: %v, want a wrong revision of stream other", err)
	}

	all, err := a.ReadStream(ctx, "one", eventstore.ReadStreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 8 || all[1].Data != nil {
		t.Fatalf("%d events (payload of revision 1: %q), want 8 and none", len(all), all[1].Data)
	}
	if err := eventstore.VerifyStream(all); err != nil {
		t.Fatalf("chain: %v", err)
	}
}

// twoProcesses opens two stores on one database, as two processes would:
// each remembers only its own stream heads.
func twoProcesses(t *testing.T) (a, b *postgres.Store) {
	t.Helper()
	a, cs := newStore(t, postgres.Options{})
	return a, openStore(t, newPool(t, cs), postgres.Options{})
}

// wantLinkedAppends checks how many appends s linked in Go and how many
// found their remembered head stale.
func wantLinkedAppends(t *testing.T, s *postgres.Store, wantLinked, wantStale uint64) {
	t.Helper()
	if linked, stale := s.LinkedAppends(); linked != wantLinked || stale != wantStale {
		t.Fatalf("linked in Go %d, stale heads %d; want %d and %d", linked, stale, wantLinked, wantStale)
	}
}
