package projections_test

import (
	"context"
	"slices"
	"testing"

	"backoffice/eventstore/memory"
	"backoffice/projections"
)

// TestRebuildPagesRampUp: a rebuild reads a small first page and doubles
// the pages up to CatchUpBatchSize, so the projector starts writing before
// a whole page is read; every event is applied once.
func TestRebuildPagesRampUp(t *testing.T) {
	store, pool := memory.New(), newPool(t)
	appendEvents(t, store, 9000, 7, 0)
	rt := newRuntime(t, store, pool, projections.Config{CatchUpBatchSize: 2500}, &sums{})
	var done []int
	if err := rt.Rebuild(context.Background(), "test_sums", func(d, _ int) { done = append(done, d) }); err != nil {
		t.Fatal(err)
	}
	assertSums(t, pool, store)
	// Pages of 1000, 2000, 2500, 2500 and the last 1000.
	if want := []int{0, 1000, 3000, 5500, 8000, 9000, 9000}; !slices.Equal(done, want) {
		t.Fatalf("events done after each page %v, want %v", done, want)
	}
}
