package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/eventstore"
	"backoffice/eventstore/postgres"
)

// TestReadAllTypes: reading the log page by page with a type filter yields
// exactly the events of those types that ReadAll yields, in order, and the
// scanned positions let a reader resume without skipping any.
func TestReadAllTypes(t *testing.T) {
	store, _ := newStore(t, postgres.Options{})
	ctx := context.Background()
	types := []string{"t.a", "t.b", "t.c"}
	for i := range 50 {
		batch := []eventstore.EventData{{ID: uuid.New(), Type: types[i%3], Data: []byte(fmt.Sprintf(`{"i":%d}`, i))}}
		if i%7 == 0 { // some appends hold two events
			batch = append(batch, eventstore.EventData{ID: uuid.New(), Type: "t.b", Data: []byte(`{}`)})
		}
		if _, err := store.Append(ctx, fmt.Sprintf("s-%d", i%4), eventstore.Any(), batch...); err != nil {
			t.Fatal(err)
		}
	}
	all, err := store.ReadAll(ctx, eventstore.Start, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var want []eventstore.RecordedEvent
	for _, e := range all {
		if e.Type == "t.b" || e.Type == "t.c" {
			want = append(want, e)
		}
	}
	var got []eventstore.RecordedEvent
	from, looked := eventstore.Start, 0
	for {
		events, scanned, n, err := store.ReadAllTypes(ctx, from, 4, []string{"t.b", "t.c"})
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			if scanned != from {
				t.Fatalf("empty page moved the position from %s to %s", from, scanned)
			}
			break
		}
		if n > 4 || len(events) > n || !scanned.After(from) {
			t.Fatalf("page after %s: %d events, %d looked at, scanned to %s", from, len(events), n, scanned)
		}
		for _, e := range events {
			if e.Position.After(scanned) {
				t.Fatalf("event %s after the scanned position %s", e.Position, scanned)
			}
		}
		got = append(got, events...)
		from, looked = scanned, looked+n
	}
	if looked != len(all) {
		t.Fatalf("looked at %d events, the log holds %d", looked, len(all))
	}
	if !slices.EqualFunc(got, want, func(a, b eventstore.RecordedEvent) bool {
		return a.ID == b.ID && a.Position == b.Position && a.Stream == b.Stream && a.Revision == b.Revision &&
			a.Type == b.Type && string(a.Data) == string(b.Data) && a.Created.Equal(b.Created) && a.Metadata == b.Metadata
	}) {
		t.Fatalf("filtered read differs:\n got %d events\nwant %d events", len(got), len(want))
	}
}

// queryCounter counts the statements that read the events table (not the
// store's asynchronous NOTIFY after an append).
type queryCounter struct{ n atomic.Int64 }

func (c *queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	if strings.Contains(d.SQL, "eventstore_events") {
		c.n.Add(1)
	}
	return ctx
}
func (c *queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TestReadStreamOfNoStreamIsOneQuery: reading a stream that does not exist
// from its start (what every command does for a new timesheet or an empty
// neighbouring week) costs one statement, not a second existence check.
func TestReadStreamOfNoStreamIsOneQuery(t *testing.T) {
	cs := newMigratedDB(t)
	cfg, err := pgxpool.ParseConfig(cs)
	if err != nil {
		t.Fatal(err)
	}
	counter := &queryCounter{}
	cfg.ConnConfig.Tracer = counter
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	store := openStore(t, pool, postgres.Options{})
	ctx := context.Background()
	if _, err := store.Append(ctx, "there", eventstore.NoStream(), event("t.a", 1)); err != nil {
		t.Fatal(err)
	}
	for _, opts := range []eventstore.ReadStreamOptions{
		{}, {Max: 10}, {Direction: eventstore.Backwards, FromEnd: true}, {Direction: eventstore.Backwards, From: 3},
	} {
		before := counter.n.Load()
		if _, err := store.ReadStream(ctx, "nowhere", opts); !errors.Is(err, eventstore.ErrStreamNotFound) {
			t.Fatalf("%+v: %v", opts, err)
		}
		if n := counter.n.Load() - before; n != 1 {
			t.Fatalf("%+v: %d statements for a missing stream, want 1", opts, n)
		}
	}
	// Past the end of an existing stream: empty, not "not found".
	if evs, err := store.ReadStream(ctx, "there", eventstore.ReadStreamOptions{From: 5}); err != nil || len(evs) != 0 {
		t.Fatalf("past the end: %v %v", evs, err)
	}
	if _, err := store.ReadStream(ctx, "nowhere", eventstore.ReadStreamOptions{From: 5}); !errors.Is(err, eventstore.ErrStreamNotFound) {
		t.Fatalf("missing stream from 5: %v", err)
	}
}
