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
	eventstoretest.ReadEachWay(t, ctx, s, "s-1")
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

// typeFiltered is a memory store that also filters by type, as the
// PostgreSQL adapter does.
type typeFiltered struct {
	*memory.Store
	calls int
}

func (s *typeFiltered) ReadAllTypes(ctx context.Context, from eventstore.Position, max int, types []string) ([]eventstore.RecordedEvent, eventstore.Position, int, error) {
	s.calls++
	evs, err := s.ReadAll(ctx, from, max)
	return evs, from, len(evs), err
}

// TestObservedKeepsTheTypeFilter: serve wraps the PostgreSQL store for
// metrics; the projectors' type filter must survive the wrapper, and a
// store without one must not seem to have one.
func TestObservedKeepsTheTypeFilter(t *testing.T) {
	inner := &typeFiltered{Store: memory.New()}
	var ops []string
	s := eventstore.Observed(inner, func(op string, _ time.Duration, _ error) { ops = append(ops, op) })
	f, ok := s.(eventstore.TypeFilteredReader)
	if !ok {
		t.Fatal("the wrapper of a type-filtering store is no TypeFilteredReader")
	}
	if _, _, _, err := f.ReadAllTypes(context.Background(), eventstore.Start, 10, []string{"x"}); err != nil {
		t.Fatal(err)
	}
	if inner.calls != 1 || len(ops) != 1 || ops[0] != "read_all" {
		t.Fatalf("inner calls %d, observed %v", inner.calls, ops)
	}
	if _, ok := eventstore.Observed(memory.New(), func(string, time.Duration, error) {}).(eventstore.TypeFilteredReader); ok {
		t.Fatal("the wrapper of a memory store claims a type filter")
	}
}
