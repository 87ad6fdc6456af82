package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/eventstore"
	"backoffice/eventstore/postgres"
)

// TestRawScanMatchesScan reads the same log through the raw-value decoding
// (pgx's default binary formats) and through rows.Scan (the simple
// protocol sends every column as text, which the raw decoding refuses):
// every field of every event must agree, for payloads of every size, no
// payload, repeated and changing metadata, metadata only encoding/json
// decodes, and names outside ASCII.
func TestRawScanMatchesScan(t *testing.T) {
	ctx := context.Background()
	fast, cs := newStore(t, postgres.Options{})
	cfg, err := pgxpool.ParseConfig(cs)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	slow, err := postgres.New(ctx, pool, postgres.Options{AllowUnsafeFsync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { slow.Close() })

	at := time.Date(2026, 12, 5, 7, 40, 1, 123456000, time.UTC)
	metas := []eventstore.Metadata{
		{ActorID: "a-1", ActorRole: "client", CorrelationID: "c-1", CausationID: "k-1", OccurredAt: at},
		{ActorID: "a-1", ActorRole: "client", CorrelationID: "c-1", CausationID: "k-1", OccurredAt: at},
		{ActorID: "ä \"quoted\"\t", OccurredAt: at.Add(time.Hour)}, // escapes: encoding/json decodes it
		{},
	}
	for i := range 40 {
		var batch []eventstore.EventData
		for j := range 1 + i%4 {
			var data json.RawMessage
			switch (i + j) % 4 {
			case 0:
				data = json.RawMessage(fmt.Sprintf(`{"n":%d}`, i))
			case 1:
				data = json.RawMessage(`{"text":"` + strings.Repeat("x", 3000*(i%5)) + `"}`) // up to well past a payload block's share
			case 2:
				data = nil
			case 3:
				data = json.RawMessage(`{"naam":"Zoë","n":[1,2,3]}`)
			}
			batch = append(batch, eventstore.EventData{ID: uuid.New(), Type: fmt.Sprintf("test.type%d", j), Data: data, Metadata: metas[(i/3+j)%len(metas)]})
		}
		if _, err := fast.Append(ctx, fmt.Sprintf("stroom-ü-%d", i%7), eventstore.Any(), batch...); err != nil {
			t.Fatal(err)
		}
	}

	for _, page := range []int{1, 7, 1000} {
		a, b := readAll(t, fast, page), readAll(t, slow, page)
		if len(a) < 100 || !reflect.DeepEqual(a, b) {
			t.Fatalf("page %d: raw decoding and Scan disagree (%d and %d events)", page, len(a), len(b))
		}
	}
	types := []string{"test.type1", "test.type3"}
	for _, page := range []int{3, 1000} {
		a, b := readAllTypes(t, fast, page, types), readAllTypes(t, slow, page, types)
		if len(a) < 10 || !reflect.DeepEqual(a, b) {
			t.Fatalf("types, page %d: raw decoding and Scan disagree (%d and %d events)", page, len(a), len(b))
		}
		for _, e := range a {
			if e.Type != "test.type1" && e.Type != "test.type3" {
				t.Fatalf("ReadAllTypes returned type %q", e.Type)
			}
		}
	}
	// A command's reads: several streams, from the start and from a later
	// revision, one past its end and one that does not exist.
	reads := []eventstore.StreamRead{{Stream: "stroom-ü-0"}, {Stream: "stroom-ü-3", From: 4}, {Stream: "geen-stroom"},
		{Stream: "stroom-ü-6", From: 1000}, {Stream: "stroom-ü-1"}}
	a, err := fast.ReadStreams(ctx, reads...)
	if err != nil {
		t.Fatal(err)
	}
	b, err := slow.ReadStreams(ctx, reads...)
	if err != nil {
		t.Fatal(err)
	}
	if len(a[0].Events) < 5 || !a[3].Exists || len(a[3].Events) != 0 || a[2].Exists || !reflect.DeepEqual(a, b) {
		t.Fatalf("ReadStreams: raw decoding and Scan disagree:\n%+v\n%+v", a, b)
	}
	// Again, with the decoded metadata cached by the first read.
	if a, err = fast.ReadStreams(ctx, reads...); err != nil || !reflect.DeepEqual(a, b) {
		t.Fatalf("ReadStreams from the metadata cache: err %v, disagrees with Scan:\n%+v\n%+v", err, a, b)
	}
}

func readAll(t *testing.T, s *postgres.Store, page int) []eventstore.RecordedEvent {
	t.Helper()
	var out []eventstore.RecordedEvent
	for evs, err := range eventstore.Pages(context.Background(), s, eventstore.Start, page) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, evs...)
	}
	return out
}

func readAllTypes(t *testing.T, s *postgres.Store, page int, types []string) []eventstore.RecordedEvent {
	t.Helper()
	var out []eventstore.RecordedEvent
	for from := eventstore.Start; ; {
		evs, scanned, n, err := s.ReadAllTypes(context.Background(), from, page, types)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return out
		}
		out = append(out, evs...)
		from = scanned
	}
}
