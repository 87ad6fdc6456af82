package readmodel_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"backoffice/domain"
	"backoffice/domain/placement"
	"backoffice/eventstore"
	"backoffice/internal/apitest"
	"backoffice/internal/pgtest"
)

// TestPlacementCorrectedInEveryReadModel: every projector that keeps a
// placement's start keeps its correction too (placement.corrected): the
// identity list (function, start), the week colours (ts_placements) and
// the missing-hours overview (mw_placements). An older event delivered
// again after it changes nothing.
func TestPlacementCorrectedInEveryReadModel(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t, pgtest.NewDBFromTemplate(t, "readmodel-storable", apitest.Migrate))
	at := time.Date(2026, 2, 2, 8, 0, 0, 0, time.UTC)
	rec := func(revision uint64, ev domain.Event) eventstore.RecordedEvent {
		data, err := domain.Encode(ev)
		if err != nil {
			t.Fatal(err)
		}
		return eventstore.RecordedEvent{ID: uuid.New(), Stream: placement.Stream("p1"), Revision: revision, Type: ev.EventType(),
			Data: data, Metadata: eventstore.Metadata{OccurredAt: at}, Created: at}
	}
	started := rec(0, &placement.Started{PlacementID: "p1", WorkerID: "w1", ClientID: "c1", IntermediaryID: "i1", Function: "Bakker",
		Start: time.Date(2026, 1, 12, 0, 0, 0, 0, time.UTC)})
	ended := rec(1, &placement.Ended{PlacementID: "p1", End: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)})
	corrected := rec(2, &placement.Corrected{PlacementID: "p1", Function: "Banketbakker", Start: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)})

	var keepers int
	for _, p := range readModelProjectors() {
		if !p.Handles(placement.TypeStarted) {
			continue
		}
		keepers++
		if !p.Handles(placement.TypeCorrected) {
			t.Errorf("projector %s keeps placement.started but not placement.corrected", p.Name())
			continue
		}
		if err := project(ctx, pool, p, []eventstore.RecordedEvent{started, ended, corrected, started}); err != nil {
			t.Fatalf("projector %s: %v", p.Name(), err)
		}
	}
	if keepers < 3 {
		t.Fatalf("%d projectors keep placements, want the identity, timesheet and missing-weeks ones", keepers)
	}
	for _, q := range []struct{ name, sql, want string }{
		{"placements", `SELECT function || ' ' || start_date::text || ' ' || end_date::text FROM placements WHERE placement_id = 'p1'`,
			"Banketbakker 2026-01-05 2026-03-31"},
		{"ts_placements", `SELECT start_date::text || ' ' || end_date::text FROM ts_placements WHERE placement_id = 'p1'`, "2026-01-05 2026-03-31"},
		{"mw_placements", `SELECT start_date::text || ' ' || end_date::text FROM mw_placements WHERE placement_id = 'p1'`, "2026-01-05 2026-03-31"},
	} {
		var got string
		if err := pool.QueryRow(ctx, q.sql).Scan(&got); err != nil {
			t.Fatalf("%s: %v", q.name, err)
		}
		if got != q.want {
			t.Errorf("%s holds %q, want %q", q.name, got, q.want)
		}
	}
}
