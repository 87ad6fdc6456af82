package timesheetapi_test

import (
	"context"
	"testing"

	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	"backoffice/internal/apitest"
)

// offered prepares p1's W05 offered by the worker and returns its hash.
func (e *env) offered() string {
	e.t.Helper()
	e.must(200, "PUT", w05+"/lines/100", "worker1", map[string]any{"minutes": []int{480, 480, 480, 480, 480, 0, 0}})
	pos := e.must(200, "POST", w05+"/offer", "worker1", nil).Position(e.t)
	return e.detail("client1", w05, pos).Hash
}

// TestConcurrentApprovals: 50 approvals of one offered timesheet at once
// yield exactly one approval event; every loser gets 409.
func TestConcurrentApprovals(t *testing.T) {
	e := newEnv(t)
	hash := e.offered()
	const n = 50
	statuses := make([]int, n)
	atOnce(n, func(i int) {
		statuses[i] = e.do("POST", w05+"/approve", "client1", map[string]any{"hash": hash, "step": 0}).Status
	})
	counts := map[int]int{}
	for _, s := range statuses {
		counts[s]++
	}
	if counts[200] != 1 || counts[409] != n-1 {
		t.Fatalf("statuses = %v, want one 200 and %d × 409", counts, n-1)
	}
	evs := apitest.Recorded(t, e.store, ts.StreamName("p1", ts.ISOWeek{Year: 2026, Week: 5}), ts.TypeStepApproved)
	if approvals := len(evs); approvals != 1 {
		t.Fatalf("%d step_approved events, want exactly 1", approvals)
	}
}

// TestIdempotencyKey: a retried command with the same Idempotency-Key
// returns the first answer and appends nothing.
func TestIdempotencyKey(t *testing.T) {
	e := newEnv(t)
	hash := e.offered()
	body := map[string]any{"hash": hash, "step": 0}
	first := e.must(200, "POST", w05+"/approve", "client1", body, "Idempotency-Key", "k-1")
	again := e.must(200, "POST", w05+"/approve", "client1", body, "Idempotency-Key", "k-1")
	if string(first.Body) != string(again.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry answered %s (%v), first %s", again.Body, again.Header, first.Body)
	}
	evs, err := e.store.ReadStream(context.Background(), ts.StreamName("p1", ts.ISOWeek{Year: 2026, Week: 5}), eventstore.ReadStreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if last := evs[len(evs)-1]; last.Type != ts.TypeStepApproved || len(evs) != 4 {
		t.Fatalf("stream has %d events, last %s; want 4 ending in one step_approved", len(evs), last.Type)
	}
	// Without the key the same approval is a conflict: already approved.
	e.must(409, "POST", w05+"/approve", "client1", body)
}
