package eventstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"

	"backoffice/eventstore"
	"backoffice/eventstore/memory"
)

// TestPagesReadsTheWholeLogInOrder: seven events in pages of three come as
// 3, 3 and 1, each page after the last, from a position on only what
// follows it, and a stop after the first page reads no more.
func TestPagesReadsTheWholeLogInOrder(t *testing.T) {
	ctx := context.Background()
	s := memory.New()
	defer s.Close()
	for i := range 7 {
		if _, err := s.Append(ctx, "s-"+string(rune('a'+i%2)), eventstore.Any(), eventstore.EventData{ID: uuid.New(), Type: "test.happened", Data: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	var sizes []int
	var all []eventstore.RecordedEvent
	for page, err := range eventstore.Pages(ctx, s, eventstore.Start, 3) {
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(page))
		all = append(all, page...)
	}
	if len(sizes) != 3 || sizes[0] != 3 || sizes[1] != 3 || sizes[2] != 1 {
		t.Fatalf("page sizes %v, want [3 3 1]", sizes)
	}
	for i := 1; i < len(all); i++ {
		if !all[i].Position.After(all[i-1].Position) {
			t.Fatalf("event %d at %s is not after %s", i, all[i].Position, all[i-1].Position)
		}
	}
	n := 0
	for page, err := range eventstore.Pages(ctx, s, all[4].Position, 3) {
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 && page[0].ID != all[5].ID {
			t.Fatalf("from the fifth event: first page starts with %s, want the sixth %s", page[0].ID, all[5].ID)
		}
		n += len(page)
	}
	if n != 2 {
		t.Fatalf("from the fifth event: read %d events, want 2", n)
	}
	reads := 0
	for range eventstore.Pages(ctx, countingReader{s, &reads}, eventstore.Start, 3) {
		break
	}
	if reads != 1 {
		t.Fatalf("a stop after the first page read %d pages, want 1", reads)
	}
}

// TestPagesEndsOnAReadError: the error comes once, with no page, and
// nothing is read after it.
func TestPagesEndsOnAReadError(t *testing.T) {
	boom := errors.New("boom")
	reads, errs := 0, 0
	for page, err := range eventstore.Pages(context.Background(), failingReader{&reads, boom}, eventstore.Start, 3) {
		if !errors.Is(err, boom) || page != nil {
			t.Fatalf("got page %v, error %v; want no page and %v", page, err, boom)
		}
		errs++
	}
	if errs != 1 || reads != 1 {
		t.Fatalf("%d errors after %d reads, want 1 after 1", errs, reads)
	}
}

type countingReader struct {
	r     eventstore.LogReader
	reads *int
}

func (c countingReader) ReadAll(ctx context.Context, from eventstore.Position, max int) ([]eventstore.RecordedEvent, error) {
	*c.reads++
	return c.r.ReadAll(ctx, from, max)
}

type failingReader struct {
	reads *int
	err   error
}

func (f failingReader) ReadAll(context.Context, eventstore.Position, int) ([]eventstore.RecordedEvent, error) {
	*f.reads++
	return nil, f.err
}
