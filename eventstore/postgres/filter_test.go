package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/google/uuid"

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
