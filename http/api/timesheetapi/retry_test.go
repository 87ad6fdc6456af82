package timesheetapi_test

import (
	"context"
	"fmt"
	"testing"

	"backoffice/domain/timesheet"
	"backoffice/eventstore"
	"backoffice/internal/apitest"
)

// crashed makes it look as if the process that ran the key's request died
// after the append and before it stored the answer, age ago.
func (e *env) crashed(actorID, key, age string) {
	e.t.Helper()
	if _, err := e.pool.Exec(context.Background(), `UPDATE idempotency_keys
		SET status = NULL, response = NULL, position = NULL, created_at = now() - $3::interval
		WHERE actor_id = $1 AND key = $2`, actorID, key, age); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) events(stream string) []eventstore.RecordedEvent {
	e.t.Helper()
	return apitest.Recorded(e.t, e.store, stream)
}

// TestRetryOfACrashedUpdateKeepsTheNewerValue: hour line set to A under K1,
// the process dies before the answer is stored; B is set under K2 and
// acknowledged; K1's retry, after the claim went stale, must answer K1's
// original result and leave B in place. Before event IDs came from the key
// alone, the retry ran again and A overwrote the acknowledged B.
func TestRetryOfACrashedUpdateKeepsTheNewerValue(t *testing.T) {
	e := newEnv(t)
	line := w05 + "/lines/100"
	a := map[string]any{"minutes": []int{60, 0, 0, 0, 0, 0, 0}}
	b := map[string]any{"minutes": []int{120, 0, 0, 0, 0, 0, 0}}
	first := e.must(200, "PUT", line, "worker1", a, "Idempotency-Key", "K1")
	e.crashed("acc-w1", "K1", "10 minutes")
	pos := e.must(200, "PUT", line, "worker1", b, "Idempotency-Key", "K2").Position(t)
	stream := timesheet.StreamName("p1", timesheet.ISOWeek{Year: 2026, Week: 5})
	before := len(e.events(stream))

	again := e.must(200, "PUT", line, "worker1", a, "Idempotency-Key", "K1")
	if again.Position(t) != first.Position(t) {
		t.Fatalf("retry answered position %s, the first attempt %s", again.Position(t), first.Position(t))
	}
	if after := len(e.events(stream)); after != before {
		t.Fatalf("the retry appended %d events: it ran twice", after-before)
	}
	if d := e.detail("worker1", w05, pos); d.TotalMinutes != 120 {
		t.Fatalf("total after the retry = %d minutes, want B's 120", d.TotalMinutes)
	}
	// The retry's answer is stored now: a further retry replays it.
	if r := e.must(200, "PUT", line, "worker1", a, "Idempotency-Key", "K1"); r.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("third attempt was not replayed: %v", r.Header)
	}
}

// TestRetryOfACrashedAddAnswersTheOriginal: a crashed add-expense and
// add-remark retried after the claim went stale answer the first attempt
// (the same expense ID) and add nothing.
func TestRetryOfACrashedAddAnswersTheOriginal(t *testing.T) {
	e := newEnv(t)
	w06 := "/timesheets/p1/2026-W06"
	stream := timesheet.StreamName("p1", timesheet.ISOWeek{Year: 2026, Week: 6})
	expense := map[string]any{"type": "parking", "date": "2026-02-02", "amount_cents": 450}
	remark := map[string]any{"text": "eerste"}
	first := e.must(201, "POST", w06+"/expenses", "worker1", expense, "Idempotency-Key", "E1")
	e.must(201, "POST", w06+"/remarks", "worker1", remark, "Idempotency-Key", "R1")
	e.crashed("acc-w1", "E1", "10 minutes")
	e.crashed("acc-w1", "R1", "10 minutes")
	// Newer, acknowledged appends in between.
	e.must(201, "POST", w06+"/expenses", "worker1", expense, "Idempotency-Key", "E2")
	e.must(201, "POST", w06+"/remarks", "worker1", map[string]any{"text": "tweede"}, "Idempotency-Key", "R2")
	before := len(e.events(stream))

	again := e.must(201, "POST", w06+"/expenses", "worker1", expense, "Idempotency-Key", "E1")
	if string(again.Body) != string(first.Body) {
		t.Fatalf("retried expense answered %s, the first attempt %s", again.Body, first.Body)
	}
	e.must(201, "POST", w06+"/remarks", "worker1", remark, "Idempotency-Key", "R1")
	if after := len(e.events(stream)); after != before {
		t.Fatalf("the retries appended %d events: they ran twice", after-before)
	}
}

// TestConcurrentRemarksAndExpensesAllLand: remarks and expenses commute, so
// concurrent ones are retried on the server instead of answering 409 (57 %
// of them did before).
func TestConcurrentRemarksAndExpensesAllLand(t *testing.T) {
	e := newEnv(t)
	w06 := "/timesheets/p1/2026-W06"
	const n = 8
	statuses := make([]int, 2*n)
	bodies := make([]string, 2*n)
	atOnce(2*n, func(i int) {
		var r response
		if i < n {
			r = e.do("POST", w06+"/remarks", "worker1", map[string]any{"text": fmt.Sprintf("opmerking %d", i)})
		} else {
			r = e.do("POST", w06+"/expenses", "worker1", map[string]any{"type": "parking", "date": "2026-02-02", "amount_cents": 100 + i - n})
		}
		statuses[i], bodies[i] = r.Status, string(r.Body)
	})
	for i, s := range statuses {
		if s != 201 {
			t.Errorf("request %d: %d %s, want 201", i, s, bodies[i])
		}
	}
	stream := timesheet.StreamName("p1", timesheet.ISOWeek{Year: 2026, Week: 6})
	var remarks, expenses int
	for _, ev := range e.events(stream) {
		switch ev.Type {
		case timesheet.TypeRemarkAdded:
			remarks++
		case timesheet.TypeExpenseAdded:
			expenses++
		}
	}
	if remarks != n || expenses != n {
		t.Fatalf("%d remarks and %d expenses stored, want %d of each", remarks, expenses, n)
	}
}
