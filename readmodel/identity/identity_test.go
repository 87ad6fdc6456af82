package identity_test

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"testing"

	"backoffice/domain"
	it "backoffice/internal/identitytest"
	"backoffice/internal/pgtest"
	rm "backoffice/readmodel/identity"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestRebuildGivesTheSameReadModels: the projectors are idempotent and
// depend only on the log: a rebuild from position 0 reproduces every row,
// and scopes filter as the policy says.
func TestRebuildGivesTheSameReadModels(t *testing.T) {
	e, bo := asBackoffice(t)
	ctx := context.Background()
	r := registerIntermediary(t, e, bo, "Flex", "A", "a@flex.test")
	interID := r.Str(t, "id")
	r = registerClient(t, e, bo, interID, "Bakkerij", "K", "k@bakkerij.test")
	clientID := r.Str(t, "id")
	r = registerWorker(t, e, bo, clientID, map[string]string{"first": "Jan", "last": "Berg"}, "jan@bakkerij.test", "111222333")
	workerID, pos := r.Str(t, "worker_id"), r.Str(t, "position")
	it.Want(t, e.Do(t, http.MethodGet, "/placements?min_position="+pos, bo, nil), http.StatusOK)
	it.Want(t, e.Do(t, http.MethodGet, "/intermediaries?min_position="+pos, bo, nil), http.StatusOK)
	// Every projector up to the head: the worker's account may be appended
	// after the position the registration answers with.
	head, err := e.Store.HeadPosition(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Runtime.WaitFor(ctx, head); err != nil {
		t.Fatal(err)
	}

	backoffice := domain.Actor{Role: domain.RoleBackoffice}
	snapshot := func() string {
		var out []any
		is, err := e.Queries.Intermediaries(ctx, backoffice)
		out = append(out, is, err)
		cs, err := e.Queries.Clients(ctx, backoffice)
		out = append(out, cs, err)
		w, err := e.Queries.Worker(ctx, backoffice, workerID)
		out = append(out, w, err)
		ps, err := e.Queries.Placements(ctx, backoffice, rm.PlacementFilter{})
		out = append(out, ps, err)
		as, err := e.Queries.Accounts(ctx, backoffice)
		out = append(out, as, err)
		b, _ := json.Marshal(out)
		return string(b)
	}
	before := snapshot()
	for _, name := range rm.AllProjectors {
		if err := e.Runtime.Rebuild(ctx, name, nil); err != nil {
			t.Fatal(err)
		}
	}
	if after := snapshot(); after != before {
		t.Fatalf("rebuild changed the read models:\n%s\n%s", before, after)
	}

	// Scopes.
	other := domain.Actor{Role: domain.RoleClient, ClientID: "someone-else"}
	if cs, _ := e.Queries.Clients(ctx, other); len(cs) != 0 {
		t.Fatal("other client sees clients")
	}
	if _, err := e.Queries.Worker(ctx, other, workerID); err != domain.ErrNotFound {
		t.Fatalf("other client sees the worker: %v", err)
	}
	own := domain.Actor{Role: domain.RoleClient, ClientID: clientID}
	if ps, _ := e.Queries.Placements(ctx, own, rm.PlacementFilter{Status: rm.StatusActive}); len(ps) != 1 || ps[0].WorkerName != "Jan Berg" {
		t.Fatalf("own placements: %+v", ps)
	}
	half := domain.Actor{Role: domain.RoleIntermediary}
	if ps, _ := e.Queries.Placements(ctx, half, rm.PlacementFilter{}); len(ps) != 0 {
		t.Fatal("an actor without tenant ID sees placements")
	}
	if !reflect.DeepEqual(rm.AllProjectors, names(rm.Projectors())) {
		t.Fatal("AllProjectors and Projectors differ")
	}
}

func names[T interface{ Name() string }](ps []T) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name()
	}
	return out
}
