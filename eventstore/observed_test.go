package eventstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"backoffice/eventstore"
	"backoffice/eventstore/eventstoretest"
	"backoffice/eventstore/memory"
)

func TestObservedPassesTheConformanceSuite(t *testing.T) {
	eventstoretest.Run(t, func(t *testing.T) eventstore.Store {
		return eventstore.Observed(memory.New(), func(string, time.Duration, error) {})
	})
}

func TestObservedReportsOperationsAndErrors(t *testing.T) {
	var mu sync.Mutex
	seen := map[string][]error{}
	s := eventstore.Observed(memory.New(), func(op string, _ time.Duration, err error) {
		mu.Lock()
		defer mu.Unlock()
		seen[op] = append(seen[op], err)
	})
	ctx := context.Background()
	ev := eventstore.EventData{ID: uuid.New(), Type: "test.happened", Data: []byte(`{}`)}
	if _, err := s.Append(ctx, "s-1", eventstore.NoStream(), ev); err != nil {
		t.Fatal(err)
	}
	_, err := s.Append(ctx, "s-1", eventstore.NoStream(), eventstore.EventData{ID: uuid.New(), Type: "test.happened"})
	if !errors.Is(err, eventstore.ErrWrongExpectedRevision) {
		t.Fatalf("want wrong revision, got %v", err)
	}
	_, _ = s.ReadStream(ctx, "s-1", eventstore.ReadStreamOptions{})
	_, _ = s.ReadAll(ctx, eventstore.Start, 10)
	_, _ = s.HeadPosition(ctx)
	mu.Lock()
	defer mu.Unlock()
	if len(seen["append"]) != 2 || seen["append"][0] != nil || seen["append"][1] == nil {
		t.Fatalf("append observations: %v", seen["append"])
	}
	for _, op := range []string{"read_stream", "read_all", "head"} {
		if len(seen[op]) != 1 {
			t.Errorf("%s observed %d times", op, len(seen[op]))
		}
	}
}
