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
	if again.Header.Get("Idempotent-Replayed") != "true" || string(again.Body) != string(first.Body) {
		t.Fatalf("retry with other whitespace answered %s (%v), first %s", again.Body, again.Header, first.Body)
	}
	r := e.must(422, "POST", w05+"/remarks", "worker1", `{"text":"ws2"}`, "Idempotency-Key", "k-ws")
	if code, _ := r.ErrorCode(t); code != "idempotency_key_reused" {
		t.Fatalf("other content under the key: %s", r.Body)
	}
	// Key order does not matter either.
	e.must(200, "PUT", w05+"/lines/125", "worker1", `{"minutes":[60,0,0,0,0,0,0]}`, "Idempotency-Key", "k-line")
	if r := e.must(200, "PUT", w05+"/lines/125", "worker1", `{ "minutes" : [60, 0,0,0,0,0,0] }`, "Idempotency-Key", "k-line"); r.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("not replayed: %v", r.Header)
	}
	d := e.detail("worker1", w05, first.Position(t))
	if len(d.Remarks) != 1 {
		t.Fatalf("%d remarks, want 1", len(d.Remarks))
	}
}

// TestUntouchedWeekShowsItsTerms: the detail of a week without events
// shows who enters the hours and the bookable hour types of the agreement
// (issue 11 §5), like a week with events.
func TestUntouchedWeekShowsItsTerms(t *testing.T) {
	e := newEnv(t)
	type detail struct {
		Status           string `json:"status"`
		EnteredBy        string `json:"entered_by"`
		TimeRegistration bool   `json:"time_registration"`
		HourTypes        []struct {
			Code string `json:"code"`
		} `json:"hour_types"`
	}
	read := func(path, pos string) detail {
		var d detail
		e.must(200, "GET", path+"?min_position="+pos, "client1", nil).Decode(t, &d)
		return d
	}
	untouched := read(w05, e.seeded)
	if untouched.Status != "none" || untouched.EnteredBy != "worker" || len(untouched.HourTypes) != 2 ||
		untouched.HourTypes[0].Code != "100" || untouched.HourTypes[1].Code != "125" {
		t.Fatalf("untouched week: %+v", untouched)
	}
	pos := e.must(200, "PUT", w05+"/lines/100", "worker1", map[string]any{"minutes": []int{480, 0, 0, 0, 0, 0, 0}}).Position(t)
	if touched := read(w05, pos); touched.EnteredBy != untouched.EnteredBy || touched.TimeRegistration != untouched.TimeRegistration ||
		len(touched.HourTypes) != len(untouched.HourTypes) {
		t.Fatalf("the terms changed with the first event: %+v, then %+v", untouched, touched)
	}
}

// TestWeekOutsidePlacementAgrees: the detail of a week outside the
// placement answers what a command on it answers (422
// week_outside_placement); another tenant's placement stays 404
// (issue 11 §10).
func TestWeekOutsidePlacementAgrees(t *testing.T) {
	e := newEnv(t)
	const before = "/timesheets/p1/2025-W50"
	get := e.do("GET", before+"?min_position="+e.seeded, "worker1", nil)
	put := e.do("PUT", before+"/lines/100", "worker1", map[string]any{"minutes": []int{60, 0, 0, 0, 0, 0, 0}})
	for _, r := range []response{get, put} {
		if code, field := r.ErrorCode(t); r.Status != 422 || code != "week_outside_placement" || field != "week" {
			t.Fatalf("status %d: %s, want 422 week_outside_placement", r.Status, r.Body)
		}
	}
	if r := e.do("GET", before+"?min_position="+e.seeded, "worker2", nil); r.Status != 404 {
		t.Fatalf("another tenant: status %d: %s, want 404", r.Status, r.Body)
	}
}

// TestRacingApprovalsWithoutStep: approvals of the client's step that name
// no step, sent at once: one approves, every other is 409 (the step was
// just approved), none is 403 not_your_step (issue 11 §6).
func TestRacingApprovalsWithoutStep(t *testing.T) {
	e := newEnv(t)
	e.offered()
	const n = 12
	statuses := make([]int, n)
	codes := make([]string, n)
	atOnce(n, func(i int) {
		r := e.do("POST", w05+"/approve", "client1", nil)
		statuses[i] = r.Status
		if r.Status != 200 {
			codes[i], _ = r.ErrorCode(t)
		}
	})
	ok := 0
	for i, s := range statuses {
		switch s {
		case 200:
			ok++
		case 409:
		default:
			t.Fatalf("approval %d: %d %s, want 200 or 409", i, s, codes[i])
		}
	}
	if ok != 1 {
		t.Fatalf("%d approvals succeeded, want 1: %v %v", ok, statuses, codes)
	}
	// Sequentially, too: the client's second approval is a conflict.
	if r := e.do("POST", w05+"/approve", "client1", nil); r.Status != 409 {
		t.Fatalf("repeated approval: %d %s, want 409", r.Status, r.Body)
	} else if code, _ := r.ErrorCode(t); code != "step_already_approved" {
		t.Fatalf("repeated approval: %s, want step_already_approved", r.Body)
	}
}
