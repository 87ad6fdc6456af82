package identity_test

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
	"time"

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
	e := it.New(t)
	ctx := context.Background()
	bo := e.Login(t, it.BackofficeEmail, it.BackofficePassword)
	r := it.Want(t, e.Do(t, http.MethodPost, "/intermediaries", bo, map[string]any{"name": "Flex", "contact": map[string]string{"name": "A", "email": "a@flex.test"}}), http.StatusCreated)
	interID := r.Str(t, "id")
	r = it.Want(t, e.Do(t, http.MethodPost, "/clients", bo, map[string]any{
		"intermediary_id": interID, "name": "Bakkerij", "kvk": "12345678",
		"address":        map[string]string{"street": "Dorpsstraat", "house_number": "1", "postal_code": "1234 AB", "city": "Utrecht"},
		"contact":        map[string]string{"name": "K", "email": "k@bakkerij.test", "mobile": "0612345678"},
		"agreement_from": "2025-01-06",
		"agreement": map[string]any{"hour_types": []map[string]any{{"code": "100", "name": "Normaal", "percentage": 100}},
			"normal_hour_type": "100", "entered_by": "client", "approval_chain": []string{"intermediary"}},
	}), http.StatusCreated)
	clientID := r.Str(t, "id")
	r = it.Want(t, e.Do(t, http.MethodPost, "/workers", bo, map[string]any{
		"client_id": clientID, "name": map[string]string{"first": "Jan", "last": "Berg"}, "email": "jan@bakkerij.test",
		"function": "Bakker", "bsn": "111222333", "iban": "NL91ABNA0417164300", "date_of_birth": "1990-01-01",
		"address": map[string]string{"street": "K", "house_number": "1", "postal_code": "1234 AB", "city": "U"},
		"mobile":  "0612345678", "start": time.Now().Format(time.DateOnly),
	}), http.StatusCreated)
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
