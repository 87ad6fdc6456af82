package esdbfake_test

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"

	"backoffice/internal/esdbfake"
)

// client connects the real v4 client to a fresh fake.
func client(t *testing.T) (*esdb.Client, *esdbfake.Server) {
	t.Helper()
	srv := esdbfake.Start(t)
	return connect(t, srv, ""), srv
}

// connect connects the real v4 client to srv, with extra connection
// string settings ("&name=value...").
func connect(t *testing.T, srv *esdbfake.Server, settings string) *esdb.Client {
	t.Helper()
	conf, err := esdb.ParseConnectionString(srv.URL() + settings)
	if err != nil {
		t.Fatal(err)
	}
	conf.Logger = esdb.NoopLogging()
	c, err := esdb.NewClient(conf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestWireFacts(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	c, srv := client(t)

	v, err := c.GetServerVersion()
	if err != nil || v.Major != 23 {
		t.Fatalf("server version = %+v, %v", v, err)
	}

	id := uuid.New()
	res, err := c.AppendToStream(ctx, "s-1", esdb.AppendToStreamOptions{ExpectedRevision: esdb.NoStream{}},
		esdb.EventData{EventID: id, EventType: "x.happened", ContentType: esdb.ContentTypeJson, Data: []byte(`{}`)})
	if err != nil || res.NextExpectedVersion != 0 || res.CommitPosition == 0 {
		t.Fatalf("append = %+v, %v", res, err)
	}

	// Wrong expected version is an append response variant, mapped by the client.
	_, err = c.AppendToStream(ctx, "s-1", esdb.AppendToStreamOptions{ExpectedRevision: esdb.NoStream{}},
		esdb.EventData{EventID: uuid.New(), EventType: "x.other", ContentType: esdb.ContentTypeJson, Data: []byte(`{}`)})
	var e *esdb.Error
	if !errors.As(err, &e) || e.Code() != esdb.ErrorCodeWrongExpectedVersion {
		t.Fatalf("conflicting append = %v, want ErrorCodeWrongExpectedVersion", err)
	}

	// An exact repeat succeeds with the position of the last event it
	// repeats, as EventStoreDB's does.
	first := res
	res, err = c.AppendToStream(ctx, "s-1", esdb.AppendToStreamOptions{ExpectedRevision: esdb.NoStream{}},
		esdb.EventData{EventID: id, EventType: "x.happened", ContentType: esdb.ContentTypeJson, Data: []byte(`{}`)})
	if err != nil || res.CommitPosition != first.CommitPosition || res.NextExpectedVersion != 0 {
		t.Fatalf("repeat = %+v, %v; want the first append's %+v", res, err, first)
	}

	// Reads: the event with its created time; a missing stream on the first Recv.
	rs, err := c.ReadStream(ctx, "s-1", esdb.ReadStreamOptions{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	got, err := rs.Recv()
	if err != nil || got.Event.EventID != id || got.Event.CreatedDate.IsZero() {
		t.Fatalf("read = %+v, %v", got, err)
	}
	if _, err := rs.Recv(); !errors.Is(err, io.EOF) {
		t.Fatalf("end of stream = %v, want io.EOF", err)
	}
	rs.Close()
	rs, err = c.ReadStream(ctx, "missing", esdb.ReadStreamOptions{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rs.Recv(); !errors.As(err, &e) || e.Code() != esdb.ErrorCodeResourceNotFound {
		t.Fatalf("missing stream = %v, want ErrorCodeResourceNotFound", err)
	}
	rs.Close()

	// A subscription: confirmation (inside SubscribeToAll), the event, caught up.
	srv.AppendSystemEvent("$stats", "$statsCollected")
	sub, err := c.SubscribeToAll(ctx, esdb.SubscribeToAllOptions{From: esdb.Start{}, Filter: esdb.ExcludeSystemEventsFilter()})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	if m := sub.Recv(); m.EventAppeared == nil || m.EventAppeared.Event.EventID != id {
		t.Fatalf("first subscription message = %+v", m)
	}
	// A filtered catch-up ends with a checkpoint at the last scanned event
	// (the system event), then CaughtUp.
	if m := sub.Recv(); m.CheckPointReached == nil || m.CheckPointReached.Commit <= first.CommitPosition {
		t.Fatalf("second subscription message = %+v, want a checkpoint past the event", m)
	}
	if m := sub.Recv(); m.CaughtUp == nil {
		t.Fatalf("third subscription message = %+v, want CaughtUp", m)
	}
	if n := srv.ConsumerTooSlow(); n != 1 {
		t.Fatalf("dropped %d subscriptions", n)
	}
	if m := sub.Recv(); m.SubscriptionDropped == nil {
		t.Fatalf("after drop = %+v, want SubscriptionDropped", m)
	}
}

// TestAllPositions: $all positions are (commit, prepare) pairs, and a
// backwards read from a position starts before it, as on EventStoreDB.
func TestAllPositions(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	c, _ := client(t)
	var ids []uuid.UUID
	for range 3 {
		id := uuid.New()
		if _, err := c.AppendToStream(ctx, "s-1", esdb.AppendToStreamOptions{},
			esdb.EventData{EventID: id, EventType: "x.happened", ContentType: esdb.ContentTypeJson, Data: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	read := func(opts esdb.ReadAllOptions) []*esdb.RecordedEvent {
		t.Helper()
		rs, err := c.ReadAll(ctx, opts, 10)
		if err != nil {
			t.Fatal(err)
		}
		defer rs.Close()
		var out []*esdb.RecordedEvent
		for {
			ev, err := rs.Recv()
			if errors.Is(err, io.EOF) {
				return out
			}
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, ev.OriginalEvent())
		}
	}
	all := read(esdb.ReadAllOptions{From: esdb.Start{}})
	if len(all) != 3 {
		t.Fatalf("read %d events, want 3", len(all))
	}
	mid := all[1].Position

	back := read(esdb.ReadAllOptions{Direction: esdb.Backwards, From: esdb.Position{Commit: mid.Commit, Prepare: mid.Prepare}})
	if len(back) != 1 || back[0].EventID != ids[0] {
		t.Fatalf("backwards from the second event = %d events starting %v, want only the first", len(back), back)
	}
	// A position with the same commit but a later prepare lies after the
	// event: a forwards read from it does not include the event.
	fwd := read(esdb.ReadAllOptions{From: esdb.Position{Commit: mid.Commit, Prepare: mid.Prepare + 1}})
	if len(fwd) != 1 || fwd[0].EventID != ids[2] {
		t.Fatalf("forwards from just after the second event = %d events, want only the third", len(fwd))
	}
}

// TestKeepalivePingsAccepted: the v4 client pings an idle connection every
// 10 s (the least gRPC allows). EventStoreDB accepts that; gRPC's default
// server policy would answer the third ping with GOAWAY "too_many_pings"
// and drop the connection. The wait is the time the pings need, not a
// timing assertion.
func TestKeepalivePingsAccepted(t *testing.T) {
	t.Parallel()
	srv := esdbfake.Start(t)
	c := connect(t, srv, "&keepAliveInterval=10000&keepAliveTimeout=10000")
	if _, err := c.GetServerVersion(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(35 * time.Second) // idle: three pings
	if _, err := c.GetServerVersion(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	rs, err := c.ReadStream(ctx, "s-1", esdb.ReadStreamOptions{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	rs.Close()
	if n := srv.Connections(); n != 1 {
		t.Fatalf("the client connected %d times, want 1: the server dropped the idle connection", n)
	}
}
