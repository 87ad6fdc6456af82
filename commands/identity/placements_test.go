package identity_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"backoffice/commands"
	"backoffice/commands/identity"
	"backoffice/domain"
	"backoffice/domain/placement"
	ts "backoffice/domain/timesheet"
	it "backoffice/internal/identitytest"
)

// placedWorker registers an intermediary, a client and a worker placed
// from start (through the API, as the bureau would) and returns the
// client, worker and placement IDs.
func placedWorker(t *testing.T, e *it.Env, start ts.Date) (clientID, workerID, placementID string) {
	t.Helper()
	bo := e.Login(t, it.BackofficeEmail, it.BackofficePassword)
	inter := it.Want(t, e.Do(t, http.MethodPost, "/intermediaries", bo, map[string]any{"name": "Flex", "kvk": "12345678",
		"contact": map[string]any{"name": "Anna de Boer", "email": "anna@flex.test"}}), http.StatusCreated).Str(t, "id")
	clientID = it.Want(t, e.Do(t, http.MethodPost, "/clients", bo, map[string]any{"intermediary_id": inter, "name": "Bakkerij",
		"kvk": "87654321", "address": map[string]any{"street": "Dorpsstraat", "house_number": "1", "postal_code": "1234 AB", "city": "Utrecht"},
		"contact":        map[string]any{"name": "Kees Bakker", "email": "kees@bakkerij.test", "mobile": "06-12345678"},
		"agreement_from": "2025-01-06",
		"agreement": map[string]any{"hour_types": []map[string]any{{"code": "100", "name": "Normale uren", "percentage": 100}},
			"normal_hour_type": "100", "entered_by": "worker", "approval_chain": []string{"client"}}}), http.StatusCreated).Str(t, "id")
	r := it.Want(t, e.Do(t, http.MethodPost, "/workers", bo, map[string]any{"client_id": clientID,
		"name": map[string]any{"first": "Jan", "last": "Berg"}, "email": "jan@bakkerij.test", "function": "Bakker",
		"bsn": "111222333", "iban": "NL91ABNA0417164300", "date_of_birth": "1990-05-17",
		"address": map[string]any{"street": "Kerkstraat", "house_number": "1", "postal_code": "3511 AB", "city": "Utrecht"},
		"mobile":  "0687654321", "start": start.String()}), http.StatusCreated)
	return clientID, r.Str(t, "worker_id"), r.Str(t, "placement_id")
}

// TestStartPlacementUnderKey: under one idempotency key StartPlacement
// names the same placement every time and appends it once; a retry
// answers the first attempt instead of placement_exists.
func TestStartPlacementUnderKey(t *testing.T) {
	e := it.New(t)
	today := ts.Today(time.Now())
	clientID, workerID, first := placedWorker(t, e, today.AddDays(-14))
	ctx := t.Context()
	bo := commands.Meta{Actor: domain.Actor{AccountID: "bo", Role: domain.RoleBackoffice}}
	if _, err := e.Identity.Tenants.EndPlacement(ctx, bo, first, day(today.AddDays(-1)), ""); err != nil {
		t.Fatal(err)
	}
	e.WaitForProjections(t)
	keyed := bo
	keyed.IdempotencyKey, keyed.Command = "terug", "POST /workers/"+workerID+"/placements"
	cmd := identity.StartPlacement{WorkerID: workerID, ClientID: clientID, Function: "Banketbakker", Start: day(today)}
	res1, p1, err := e.Identity.Tenants.StartPlacement(ctx, keyed, cmd)
	if err != nil {
		t.Fatal(err)
	}
	keyed.Retry = true
	res2, p2, err := e.Identity.Tenants.StartPlacement(ctx, keyed, cmd)
	if err != nil || p2.PlacementID != p1.PlacementID || res2.Position != res1.Position || p2.Function != "Banketbakker" {
		t.Fatalf("retry: %v, placement %s (first %s), position %v (first %v)", err, p2.PlacementID, p1.PlacementID, res2.Position, res1.Position)
	}
	if evs := e.History(t, placement.Stream(p1.PlacementID), placement.Events); len(evs) != 1 {
		t.Fatalf("%d events, want 1", len(evs))
	}
	// Another request (no key) for the same days overlaps the new one.
	e.WaitForProjections(t)
	if _, _, err := e.Identity.Tenants.StartPlacement(ctx, bo, cmd); !errors.Is(err, &domain.Error{Code: "placement_overlaps"}) {
		t.Fatalf("a second placement on the same days: %v", err)
	}
}

// TestCorrectPlacementRetried: a retried correction whose first attempt
// appended answers that attempt, not nothing_to_correct; the stream holds
// one correction after the start, which keeps the first values.
func TestCorrectPlacementRetried(t *testing.T) {
	e := it.New(t)
	today := ts.Today(time.Now())
	_, _, id := placedWorker(t, e, today.AddDays(-14))
	ctx := t.Context()
	meta := commands.Meta{Actor: domain.Actor{AccountID: "bo", Role: domain.RoleBackoffice}, IdempotencyKey: "typefout",
		Command: "POST /placements/" + id + "/correction"}
	cmd := identity.CorrectPlacement{PlacementID: id, Function: "Banketbakker", Start: day(today.AddDays(-13)), Reason: "typefout"}
	res1, err := e.Identity.Tenants.CorrectPlacement(ctx, meta, cmd)
	if err != nil {
		t.Fatal(err)
	}
	meta.Retry = true
	res2, err := e.Identity.Tenants.CorrectPlacement(ctx, meta, cmd)
	if err != nil || res2.Position != res1.Position {
		t.Fatalf("retry: %v, position %v, first %v", err, res2.Position, res1.Position)
	}
	evs := e.History(t, placement.Stream(id), placement.Events)
	if len(evs) != 2 {
		t.Fatalf("%d events, want started and corrected", len(evs))
	}
	s, c := evs[0].(*placement.Started), evs[1].(*placement.Corrected)
	if s.Function != "Bakker" || !s.Start.Equal(day(today.AddDays(-14))) || c.Function != "Banketbakker" || !c.Start.Equal(day(today.AddDays(-13))) {
		t.Fatalf("history %+v %+v", s, c)
	}
	// Without the key it is a new request: nothing left to correct.
	meta.IdempotencyKey, meta.Retry = "", false
	if _, err := e.Identity.Tenants.CorrectPlacement(ctx, meta, cmd); !errors.Is(err, &domain.Error{Code: "nothing_to_correct"}) {
		t.Fatalf("the same correction again: %v", err)
	}
}

func day(d ts.Date) time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// TestPlacementsBeforeTheRosterCount: a placement started before the
// worker's roster existed (no placement.claimed) still refuses an
// overlapping start: the read model names it, its stream gives the dates.
func TestPlacementsBeforeTheRosterCount(t *testing.T) {
	e := it.New(t)
	today := ts.Today(time.Now())
	clientID, workerID, first := placedWorker(t, e, today.AddDays(-14))
	ctx := t.Context()
	bo := commands.Meta{Actor: domain.Actor{AccountID: "bo", Role: domain.RoleBackoffice}}
	if _, err := e.Identity.Tenants.EndPlacement(ctx, bo, first, day(today.AddDays(-1)), ""); err != nil {
		t.Fatal(err)
	}
	// As the previous release appended it: the placement stream only.
	old := "legacy-1"
	if _, err := commands.Save(ctx, e.Store, commands.Stream{Name: placement.Stream(old)}, bo, time.Now(), &placement.Started{
		PlacementID: old, WorkerID: workerID, ClientID: clientID, IntermediaryID: "i", Function: "Bakker",
		Start: day(today.AddDays(30)), End: new(day(today.AddDays(60)))}); err != nil {
		t.Fatal(err)
	}
	e.WaitForProjections(t)
	over := identity.StartPlacement{WorkerID: workerID, ClientID: clientID, Start: day(today.AddDays(50))}
	if _, _, err := e.Identity.Tenants.StartPlacement(ctx, bo, over); !errors.Is(err, &domain.Error{Code: "placement_overlaps"}) {
		t.Fatalf("a start on the old placement's days: %v", err)
	}
	before := identity.StartPlacement{WorkerID: workerID, ClientID: clientID, Start: day(today), End: new(day(today.AddDays(29)))}
	if _, _, err := e.Identity.Tenants.StartPlacement(ctx, bo, before); err != nil {
		t.Fatalf("a start before the old placement: %v", err)
	}
}
