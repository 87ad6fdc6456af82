package app

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"backoffice/eventstore"
	"backoffice/internal/demo"
	"backoffice/projections"
)

// refusesPlacements is a projector that cannot store any placement event.
type refusesPlacements struct{}

const failingName = "test_refuses_placements"

func (refusesPlacements) Name() string          { return failingName }
func (refusesPlacements) Handles(t string) bool { return strings.HasPrefix(t, "placement.") }
func (refusesPlacements) Handle(context.Context, pgx.Tx, eventstore.RecordedEvent) error {
	return errors.New("cannot store this placement")
}
func (refusesPlacements) Reset(context.Context, pgx.Tx) error { return nil }

// TestFailingProjectorDoesNotStopTheService: with one projector failing on
// an event, the commands of the demo seed all succeed, every other
// projector passes the seed's last event, and /readyz stays 200 as
// "degraded", naming the projector, the event and the reason.
func TestFailingProjectorDoesNotStopTheService(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 2, 9, 9, 0, 0, 0, time.UTC)
	a, pool, _ := runTestApp(t, "app_full", func(o *Options) {
		o.Clock = func() time.Time { return now }
		o.Projections = projections.Config{Projectors: []projections.Projector{refusesPlacements{}},
			RetryMin: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond}
	})

	if _, err := demo.Seed(ctx, a.Identity, now, nil); err != nil {
		t.Fatalf("commands stopped working: %v", err)
	}
	var head, firstPlacement eventstore.Position
	if err := pool.QueryRow(ctx, `SELECT xid::text::bigint, seq FROM eventstore_events ORDER BY xid DESC, seq DESC LIMIT 1`).
		Scan(&head.Commit, &head.Prepare); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `SELECT xid::text::bigint, seq FROM eventstore_events WHERE type LIKE 'placement.%' ORDER BY xid, seq LIMIT 1`).
		Scan(&firstPlacement.Commit, &firstPlacement.Prepare); err != nil {
		t.Fatal(err)
	}
	var others []string
	sts, err := a.Projections.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sts {
		if s.Name != failingName {
			others = append(others, s.Name)
		}
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := a.Projections.WaitFor(wctx, head, others...); err != nil {
		t.Fatalf("the other projectors stopped: %v", err)
	}

	var body readiness
	deadline := time.Now().Add(30 * time.Second)
	for {
		rec := httptest.NewRecorder()
		a.Ops.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		body = readiness{}
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		if rec.Code != http.StatusOK {
			t.Fatalf("readyz %d: %s", rec.Code, rec.Body)
		}
		if body.Status == "degraded" || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if body.Status != "degraded" {
		t.Fatalf("readyz status %q, want degraded", body.Status)
	}
	for _, p := range body.Projections {
		if p.Name != failingName {
			if p.State == string(projections.StateFailed) || p.Failure != nil {
				t.Errorf("healthy projector reported failed: %+v", p)
			}
			continue
		}
		f := p.Failure
		if p.State != string(projections.StateFailed) || f == nil || f.Position != firstPlacement.String() ||
			!strings.HasPrefix(f.Type, "placement.") || !strings.Contains(f.Reason, "cannot store this placement") {
			t.Fatalf("failed projector's entry: %+v (failure %+v), want it stopped at %s", p, f, firstPlacement)
		}
	}
}
