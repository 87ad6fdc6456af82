package esdb_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/grpc/codes"

	"backoffice/eventstore"
	"backoffice/eventstore/esdb"
	"backoffice/internal/esdbfake"
)

// testCtx bounds a test's waits; nothing is timed.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func ev(n int) eventstore.EventData {
	return eventstore.EventData{
		ID:       uuid.New(),
		Type:     "test.happened",
		Data:     json.RawMessage(fmt.Sprintf(`{"n":%d}`, n)),
		Metadata: eventstore.Metadata{ActorID: "tester", OccurredAt: time.Date(2026, 3, 16, 9, 0, 0, 0, time.UTC)},
	}
}

func appendN(t *testing.T, ctx context.Context, s eventstore.Store, stream string, n int) []eventstore.EventData {
	t.Helper()
	var evs []eventstore.EventData
	for i := range n {
		e := ev(i)
		if _, err := s.Append(ctx, stream, eventstore.Any(), e); err != nil {
			t.Fatalf("Append %d: %v", i, err)
		}
		evs = append(evs, e)
	}
	return evs
}

// recvEvents receives until it has n events, skipping CaughtUp and
// checkpoints.
func recvEvents(t *testing.T, ctx context.Context, sub eventstore.Subscription, n int) []eventstore.RecordedEvent {
	t.Helper()
	var out []eventstore.RecordedEvent
	for len(out) < n {
		m, err := sub.Recv(ctx)
		if err != nil {
			t.Fatalf("Recv after %d events: %v", len(out), err)
		}
		if m.Event != nil {
			out = append(out, *m.Event)
		}
	}
	return out
}

// subscribeAll subscribes to all events from the start, closed when the
// test ends.
func subscribeAll(t *testing.T, ctx context.Context, s eventstore.Store) eventstore.Subscription {
	t.Helper()
	sub, err := s.SubscribeAll(ctx, eventstore.Start)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sub.Close() })
	return sub
}

func recvCaughtUp(t *testing.T, ctx context.Context, sub eventstore.Subscription) []eventstore.RecordedEvent {
	t.Helper()
	var out []eventstore.RecordedEvent
	for {
		m, err := sub.Recv(ctx)
		if err != nil {
			t.Fatalf("Recv: %v", err)
		}
		if m.CaughtUp {
			return out
		}
		if m.Event != nil {
			out = append(out, *m.Event)
		}
	}
}

// wantStream reads the stream and checks it holds want, in order.
func wantStream(t *testing.T, ctx context.Context, s eventstore.Store, stream string, want []eventstore.EventData) []eventstore.RecordedEvent {
	t.Helper()
	got, err := s.ReadStream(ctx, stream, eventstore.ReadStreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantIDs(t, got, want)
	return got
}

func wantIDs(t *testing.T, got []eventstore.RecordedEvent, want []eventstore.EventData) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d events, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].ID != want[i].ID {
			t.Fatalf("event %d = %s, want %s", i, got[i].ID, want[i].ID)
		}
		if i > 0 && !got[i].Position.After(got[i-1].Position) {
			t.Fatalf("event %d at %s is not after %s", i, got[i].Position, got[i-1].Position)
		}
	}
}

// waitFor polls cond until it holds or ctx ends: a bounded wait for a
// condition, not a timing assertion.
func waitFor(t *testing.T, ctx context.Context, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("gave up waiting for %s", what)
		case <-time.After(time.Millisecond):
		}
	}
}

// TestSubscriptionRecovers drops the subscription (node gone, consumer too
// slow) while it catches up and while it is live, and checks every event
// arrives exactly once, in order.
func TestSubscriptionRecovers(t *testing.T) {
	for _, tc := range []struct {
		name string
		drop func(*esdbfake.Server) int
	}{
		{"Dropped", (*esdbfake.Server).DropSubscriptions},
		{"ConsumerTooSlow", (*esdbfake.Server).ConsumerTooSlow},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := testCtx(t)
			s, srv := newFakeStore(t, esdb.Config{})
			before := appendN(t, ctx, s, "timesheet-1", 20)
			sub := subscribeAll(t, ctx, s)

			// Drop during catch-up, after a few events.
			got := recvEvents(t, ctx, sub, 5)
			if n := tc.drop(srv); n != 1 {
				t.Fatalf("dropped %d subscriptions, want 1", n)
			}
			got = append(got, recvCaughtUp(t, ctx, sub)...)
			wantIDs(t, got, before)

			// Drop while live. Receiving one live event makes sure the
			// subscription has been re-established after the first drop.
			after := appendN(t, ctx, s, "timesheet-2", 1)
			got = append(got, recvEvents(t, ctx, sub, 1)...)
			waitFor(t, ctx, "a live subscription", func() bool { return srv.Subscriptions() == 1 })
			tc.drop(srv)
			after = append(after, appendN(t, ctx, s, "timesheet-2", 5)...)
			got = append(got, recvEvents(t, ctx, sub, 5)...)
			wantIDs(t, got, append(before, after...))
			if srv.Calls(esdbfake.MethodSubscribe) < 3 {
				t.Errorf("server saw %d subscribe calls, want at least 3", srv.Calls(esdbfake.MethodSubscribe))
			}
		})
	}
}

// TestSubscriptionResubscribeBacksOff: while the node refuses new
// subscriptions the adapter keeps trying, and then resumes without loss.
func TestSubscriptionResubscribeBacksOff(t *testing.T) {
	ctx := testCtx(t)
	s, srv := newFakeStore(t, esdb.Config{})
	before := appendN(t, ctx, s, "timesheet-1", 3)
	sub := subscribeAll(t, ctx, s)
	got := recvCaughtUp(t, ctx, sub)
	wantIDs(t, got, before)
	waitFor(t, ctx, "a live subscription", func() bool { return srv.Subscriptions() == 1 })
	for range 3 {
		srv.InjectFault(esdbfake.MethodSubscribe, esdbfake.Unavailable())
	}
	srv.DropSubscriptions()
	after := appendN(t, ctx, s, "timesheet-2", 2)
	got = append(got, recvEvents(t, ctx, sub, 2)...)
	wantIDs(t, got, append(before, after...))
	if n := srv.Calls(esdbfake.MethodSubscribe); n < 5 {
		t.Errorf("server saw %d subscribe calls, want 5 (first, 3 refused, resumed)", n)
	}
}

// TestSubscriptionGivesUp: with ResubscribeAttempts set, Recv reports the
// failure once the attempts are spent.
func TestSubscriptionGivesUp(t *testing.T) {
	ctx := testCtx(t)
	s, srv := newFakeStore(t, esdb.Config{ResubscribeAttempts: 2})
	sub := subscribeAll(t, ctx, s)
	if m, err := sub.Recv(ctx); err != nil || !m.CaughtUp {
		t.Fatalf("first Recv on an empty log = %+v, %v; want CaughtUp", m, err)
	}
	waitFor(t, ctx, "a live subscription", func() bool { return srv.Subscriptions() == 1 })
	srv.SetUnavailable(true)
	srv.DropSubscriptions()
	_, err := sub.Recv(ctx)
	if !errors.Is(err, eventstore.ErrUnavailable) {
		t.Fatalf("Recv = %v, want ErrUnavailable", err)
	}
}

// TestCheckpointsSkipSystemEvents: the server-side filter hides system
// events, and the checkpoints it sends while scanning them come through.
func TestCheckpointsSkipSystemEvents(t *testing.T) {
	ctx := testCtx(t)
	s, srv := newFakeStore(t, esdb.Config{MaxSearchWindow: 4, CheckpointInterval: 1})
	first := appendN(t, ctx, s, "timesheet-1", 1)
	for range 10 {
		srv.AppendSystemEvent("$stats-127.0.0.1:2113", "$statsCollected")
	}
	last := appendN(t, ctx, s, "timesheet-1", 1)

	sub := subscribeAll(t, ctx, s)
	var events []eventstore.RecordedEvent
	var checkpoints []eventstore.Position
	prev := eventstore.Start
	for caughtUp := false; !caughtUp; {
		m, err := sub.Recv(ctx)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case m.Event != nil:
			if strings.HasPrefix(m.Event.Type, "$") {
				t.Fatalf("system event %q delivered", m.Event.Type)
			}
			if !m.Event.Position.After(prev) {
				t.Fatalf("event at %s not after %s", m.Event.Position, prev)
			}
			prev = m.Event.Position
			events = append(events, *m.Event)
		case m.Checkpoint != nil:
			if !m.Checkpoint.After(prev) {
				t.Fatalf("checkpoint %s not after %s", m.Checkpoint, prev)
			}
			prev = *m.Checkpoint
			checkpoints = append(checkpoints, *m.Checkpoint)
		case m.CaughtUp:
			caughtUp = true
		}
	}
	wantIDs(t, events, append(first, last...))
	if len(checkpoints) == 0 {
		t.Fatal("no checkpoint while scanning 10 system events")
	}

	// Resuming from the last checkpoint yields exactly what follows it.
	sub2, err := s.SubscribeAll(ctx, checkpoints[len(checkpoints)-1])
	if err != nil {
		t.Fatal(err)
	}
	defer sub2.Close()
	wantIDs(t, recvEvents(t, ctx, sub2, 1), last)

	// ReadAll and HeadPosition skip system events too.
	all, err := s.ReadAll(ctx, eventstore.Start, 100)
	if err != nil {
		t.Fatal(err)
	}
	wantIDs(t, all, append(first, last...))
	srv.AppendSystemEvent("$stats-127.0.0.1:2113", "$statsCollected")
	head, err := s.HeadPosition(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if head != all[1].Position {
		t.Errorf("HeadPosition = %s, want the last user event at %s", head, all[1].Position)
	}
}

// TestRebuildsClientAfterFailedConnect: the v4 client closes itself for good
// when discovery fails; the store reports ErrUnavailable and the next call
// works on a new client.
func TestRebuildsClientAfterFailedConnect(t *testing.T) {
	ctx := testCtx(t)
	srv := esdbfake.Start(t)
	s, err := esdb.New(esdb.Config{URL: srv.URL() + "&maxDiscoverAttempts=2&discoveryInterval=1", Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	srv.SetUnavailable(true)
	_, err = s.Append(ctx, "timesheet-1", eventstore.NoStream(), ev(0))
	if !errors.Is(err, eventstore.ErrUnavailable) {
		t.Fatalf("Append while down = %v, want ErrUnavailable", err)
	}
	err = s.Ping(ctx)
	if !errors.Is(err, eventstore.ErrUnavailable) || !strings.Contains(err.Error(), srv.Addr()) {
		t.Fatalf("Ping while down = %v, want ErrUnavailable naming %s", err, srv.Addr())
	}
	gen := s.ClientGeneration()
	srv.SetUnavailable(false)
	if _, err := s.Append(ctx, "timesheet-1", eventstore.NoStream(), ev(0)); err != nil {
		t.Fatalf("Append after recovery: %v", err)
	}
	if s.ClientGeneration() <= gen {
		t.Errorf("client generation %d, want a new client after %d", s.ClientGeneration(), gen)
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping after recovery: %v", err)
	}
}

// TestRebuildsClosedClient: a client that was closed under the store is
// replaced transparently, also under a live subscription.
func TestRebuildsClosedClient(t *testing.T) {
	ctx := testCtx(t)
	s, srv := newFakeStore(t, esdb.Config{})
	before := appendN(t, ctx, s, "timesheet-1", 2)
	sub := subscribeAll(t, ctx, s)
	wantIDs(t, recvCaughtUp(t, ctx, sub), before)
	gen := s.ClientGeneration()
	s.CloseClientForTest()
	after := appendN(t, ctx, s, "timesheet-1", 2)
	if s.ClientGeneration() <= gen {
		t.Fatalf("client generation %d, want a new client after %d", s.ClientGeneration(), gen)
	}
	wantIDs(t, recvEvents(t, ctx, sub, 2), after)
	_ = srv
}

// TestOpenUnreachable: Open fails with a clear error when nothing listens.
func TestOpenUnreachable(t *testing.T) {
	srv := esdbfake.Start(t)
	url := srv.URL() + "&maxDiscoverAttempts=1&discoveryInterval=1&gossipTimeout=1"
	srv.Stop()
	_, err := esdb.Open(testCtx(t), esdb.Config{URL: url, Logger: quiet})
	if !errors.Is(err, eventstore.ErrUnavailable) || !strings.Contains(err.Error(), "not reachable") {
		t.Fatalf("Open = %v, want ErrUnavailable saying not reachable", err)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, url := range []string{"", "http://localhost:2113", "esdb://"} {
		if _, err := esdb.New(esdb.Config{URL: url, Logger: quiet}); err == nil {
			t.Errorf("New(%q) succeeded", url)
		}
	}
}

// TestNotLeader: a follower answers not-leader with the leader's address
// to every call that needs the leader (all of them). Each client of the
// store (the shared one for reads, an exclusive one for an append) is
// answered on its own, reconnects there, and the adapter repeats the call.
func TestNotLeader(t *testing.T) {
	ctx := testCtx(t)
	follower, leader := esdbfake.Start(t), esdbfake.Start(t)
	follower.SetFollowerOf(leader)
	s, err := esdb.Open(ctx, esdb.Config{URL: follower.URL(), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e := ev(0)
	if _, err := s.Append(ctx, "timesheet-1", eventstore.NoStream(), e); err != nil {
		t.Fatalf("Append: %v", err)
	}
	if follower.EventCount() != 0 || leader.EventCount() != 1 {
		t.Fatalf("follower holds %d events, leader %d; want 0 and 1", follower.EventCount(), leader.EventCount())
	}
	wantStream(t, ctx, s, "timesheet-1", []eventstore.EventData{e})
	if n := follower.LeaderCalls(esdbfake.MethodRead); n < 2 {
		t.Errorf("%d reads reached the follower, want the shared client's and the append's", n)
	}
}

// TestNotLeaderOnAppend: the write itself is answered not-leader (the read
// before it was served); the client moves to the named leader and the
// adapter sends the append there.
func TestNotLeaderOnAppend(t *testing.T) {
	ctx := testCtx(t)
	old, leader := esdbfake.Start(t), esdbfake.Start(t)
	s, err := esdb.Open(ctx, esdb.Config{URL: old.URL(), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	old.InjectFault(esdbfake.MethodAppend, esdbfake.NotLeader("127.0.0.1", leader.Port()))
	if _, err := s.Append(ctx, "timesheet-1", eventstore.NoStream(), ev(0)); err != nil {
		t.Fatalf("Append: %v", err)
	}
	if old.EventCount() != 0 || leader.EventCount() != 1 {
		t.Fatalf("old leader holds %d events, new leader %d; want 0 and 1", old.EventCount(), leader.EventCount())
	}
	if n := old.Calls(esdbfake.MethodAppend); n != 1 {
		t.Fatalf("%d appends reached the old leader, want the one answered not-leader", n)
	}
}

func TestStreamDeleted(t *testing.T) {
	ctx := testCtx(t)
	s, srv := newFakeStore(t, esdb.Config{})
	appendN(t, ctx, s, "timesheet-1", 2)
	srv.Tombstone("timesheet-1")
	_, err := s.ReadStream(ctx, "timesheet-1", eventstore.ReadStreamOptions{})
	if !errors.Is(err, eventstore.ErrStreamDeleted) {
		t.Errorf("ReadStream = %v, want ErrStreamDeleted", err)
	}
	_, err = s.Append(ctx, "timesheet-1", eventstore.Exact(1), ev(2))
	if !errors.Is(err, eventstore.ErrStreamDeleted) {
		t.Errorf("Append = %v, want ErrStreamDeleted", err)
	}
	// An injected stream-deleted trailer on an append maps the same way.
	srv.InjectFault(esdbfake.MethodAppend, esdbfake.StreamDeleted("timesheet-2"))
	_, err = s.Append(ctx, "timesheet-2", eventstore.NoStream(), ev(0))
	if !errors.Is(err, eventstore.ErrStreamDeleted) {
		t.Errorf("Append with stream-deleted trailer = %v, want ErrStreamDeleted", err)
	}
}

// TestErrorsApart: not found, unavailable and a real failure are told apart.
func TestErrorsApart(t *testing.T) {
	ctx := testCtx(t)
	s, srv := newFakeStore(t, esdb.Config{})
	_, err := s.ReadStream(ctx, "nope", eventstore.ReadStreamOptions{})
	if !errors.Is(err, eventstore.ErrStreamNotFound) {
		t.Errorf("missing stream = %v, want ErrStreamNotFound", err)
	}
	// A short unavailability (a node moving) is ridden out; a lasting one
	// (more faults than the adapter's retries) is ErrUnavailable.
	srv.InjectFault(esdbfake.MethodRead, esdbfake.Unavailable())
	if _, err = s.ReadStream(ctx, "nope", eventstore.ReadStreamOptions{}); !errors.Is(err, eventstore.ErrStreamNotFound) {
		t.Errorf("after one unavailable answer = %v, want the read retried (ErrStreamNotFound)", err)
	}
	for range 9 {
		srv.InjectFault(esdbfake.MethodRead, esdbfake.Unavailable())
	}
	_, err = s.ReadStream(ctx, "nope", eventstore.ReadStreamOptions{})
	if !errors.Is(err, eventstore.ErrUnavailable) || errors.Is(err, eventstore.ErrStreamNotFound) {
		t.Errorf("unavailable = %v, want ErrUnavailable only", err)
	}
	srv.InjectFault(esdbfake.MethodRead, esdbfake.Fault{Code: codes.Internal, Message: "boom"})
	_, err = s.ReadStream(ctx, "nope", eventstore.ReadStreamOptions{})
	if err == nil || errors.Is(err, eventstore.ErrUnavailable) || errors.Is(err, eventstore.ErrStreamNotFound) || !strings.Contains(err.Error(), "boom") {
		t.Errorf("internal failure = %v, want a plain error saying boom", err)
	}
	if _, err := s.ReadStream(ctx, "nope", eventstore.ReadStreamOptions{}); !errors.Is(err, eventstore.ErrStreamNotFound) {
		t.Errorf("after failures = %v, want ErrStreamNotFound", err)
	}
}
