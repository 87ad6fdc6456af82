package asof_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"backoffice/domain"
	"backoffice/eventstore"
	"backoffice/eventstore/memory"
	"backoffice/readmodel/asof"
)

func TestParse(t *testing.T) {
	for _, s := range []string{"752-3", "2026-02-03T09:00:00+01:00", "2026-02-03T08:00:00.123456Z"} {
		m, err := asof.Parse(s)
		if err != nil || m.IsZero() {
			t.Fatalf("Parse(%q) = %v, %v", s, m, err)
		}
	}
	if m, err := asof.Parse(""); err != nil || !m.IsZero() {
		t.Fatalf("Parse(\"\") = %v, %v; want now", m, err)
	}
	for _, s := range []string{"gisteren", "752", "2026-02-03", "2026-02-03T09:00", "-1-3", "752-3:"} {
		_, err := asof.Parse(s)
		var v *domain.Error
		if !errors.As(err, &v) || v.Code != "as_of_invalid" {
			t.Fatalf("Parse(%q) = %v, want as_of_invalid", s, err)
		}
	}
}

// TestStreamIsAPrefix: a stream is folded up to the moment and no further,
// by position and by time; a missing stream folds nothing.
func TestStreamIsAPrefix(t *testing.T) {
	ctx := context.Background()
	store := memory.New()
	var recs []eventstore.AppendResult
	for range 3 {
		res, err := store.Append(ctx, "s", eventstore.Any(), eventstore.EventData{ID: uuid.New(), Type: "t", Data: []byte(`{}`)})
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, res)
		time.Sleep(2 * time.Millisecond) // distinct recording times
	}
	all, err := store.ReadStream(ctx, "s", eventstore.ReadStreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	count := func(m asof.Moment, stream string) int {
		t.Helper()
		seen := 0
		last, n, err := asof.Stream(ctx, store, stream, m, func(eventstore.RecordedEvent) error { seen++; return nil })
		if err != nil || n != seen || (n > 0 && last.Revision != uint64(n-1)) {
			t.Fatalf("Stream: n %d, seen %d, last %d, %v", n, seen, last.Revision, err)
		}
		return n
	}
	if n := count(asof.AtPosition(recs[1].Position), "s"); n != 2 {
		t.Fatalf("as of the second event's position: %d events, want 2", n)
	}
	at, _ := asof.Parse(all[0].Created.Format(time.RFC3339Nano))
	if n := count(at, "s"); n != 1 {
		t.Fatalf("as of the first event's time: %d events, want 1", n)
	}
	if n := count(asof.Moment{}, "s"); n != 3 {
		t.Fatalf("now: %d events, want 3", n)
	}
	if n := count(asof.Moment{}, "nope"); n != 0 {
		t.Fatalf("a missing stream: %d events", n)
	}
}
