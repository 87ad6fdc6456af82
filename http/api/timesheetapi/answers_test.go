package timesheetapi_test

import (
	"testing"
)

// TestIdempotencyKeyComparesCanonicalJSON: the same JSON with other
// whitespace or key order under one Idempotency-Key is a retry (the first
// answer, replayed); other content is 422 idempotency_key_reused
// (issue 11 §9).
func TestIdempotencyKeyComparesCanonicalJSON(t *testing.T) {
	e := newEnv(t)
	e.must(200, "PUT", w05+"/lines/100", "worker1", map[string]any{"minutes": []int{480, 0, 0, 0, 0, 0, 0}})
	first := e.must(201, "POST", w05+"/remarks", "worker1", `{"text":"ws"}`, "Idempotency-Key", "k-ws")
	again := e.must(201, "POST", w05+"/remarks", "worker1", "{ \"text\" :\n \"ws\" }", "Idempotency-Key", "k-ws")
	if again.header.Get("Idempotent-Replayed") != "true" || string(again.body) != string(first.body) {
		t.Fatalf("retry with other whitespace answered %s (%v), first %s", again.body, again.header, first.body)
	}
	r := e.must(422, "POST", w05+"/remarks", "worker1", `{"text":"ws2"}`, "Idempotency-Key", "k-ws")
	if code, _ := r.errorCode(t); code != "idempotency_key_reused" {
		t.Fatalf("other content under the key: %s", r.body)
	}
	// Key order does not matter either.
	e.must(200, "PUT", w05+"/lines/125", "worker1", `{"minutes":[60,0,0,0,0,0,0]}`, "Idempotency-Key", "k-line")
	if r := e.must(200, "PUT", w05+"/lines/125", "worker1", `{ "minutes" : [60, 0,0,0,0,0,0] }`, "Idempotency-Key", "k-line"); r.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("not replayed: %v", r.header)
	}
	d := e.detail("worker1", w05, first.position(t))
	if len(d.Remarks) != 1 {
		t.Fatalf("%d remarks, want 1", len(d.Remarks))
	}
}
