package timesheetapi_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"backoffice/domain/timesheet"
)

// TestKeyRecordedInTheAppend: with the events in the API's database a
// single-timesheet command records its Idempotency-Key in its own append
// (no claim before, no answer after): the row holds the append's position
// and no answer. A retry answers again from the events, byte for byte the
// first answer, appends nothing, and keeps that answer; a retry refused on
// the state its first attempt made (line_exists) still gets the first
// answer; other content under the key is 422 and appends nothing; a refused
// command records no key.
func TestKeyRecordedInTheAppend(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	stream := timesheet.StreamName("p1", timesheet.ISOWeek{Year: 2026, Week: 5})
	row := func(key string) (response []byte, position *string, found bool) {
		t.Helper()
		err := e.pool.QueryRow(ctx, `SELECT response, position FROM idempotency_keys WHERE actor_id = 'acc-w1' AND key = $1`, key).
			Scan(&response, &position)
		return response, position, err == nil
	}

	lines := w05 + "/lines"
	first := e.must(201, "POST", lines, "worker1", map[string]any{"hour_type": "125"}, "Idempotency-Key", "add-1")
	response, position, found := row("add-1")
	if !found || response != nil || position == nil || *position != first.Position(t) {
		t.Fatalf("key row after the command: found %v, response %q, position %v; want the append's %s and no answer",
			found, response, position, first.Position(t))
	}
	before := len(e.events(stream))
	again := e.must(201, "POST", lines, "worker1", map[string]any{"hour_type": "125"}, "Idempotency-Key", "add-1")
	if again.Header.Get("Idempotent-Replayed") != "true" || string(again.Body) != string(first.Body) ||
		again.Header.Get("X-Position") != first.Header.Get("X-Position") {
		t.Fatalf("retry answered %s (%v), first %s (%v)", again.Body, again.Header, first.Body, first.Header)
	}
	if response, _, _ := row("add-1"); string(response) != string(first.Body) {
		t.Fatalf("the answer told again was not kept: %q", response)
	}
	third := e.must(201, "POST", lines, "worker1", map[string]any{"hour_type": "125"}, "Idempotency-Key", "add-1")
	if third.Header.Get("Idempotent-Replayed") != "true" || string(third.Body) != string(first.Body) {
		t.Fatalf("third attempt answered %s (%v)", third.Body, third.Header)
	}
	if code, _ := e.must(422, "POST", lines, "worker1", map[string]any{"hour_type": "150"}, "Idempotency-Key", "add-1").ErrorCode(t); code != "idempotency_key_reused" {
		t.Fatalf("other content under the key: code %q", code)
	}
	if after := len(e.events(stream)); after != before {
		t.Fatalf("retries appended %d events", after-before)
	}

	// Refused: no key is recorded, so a corrected request may use it.
	e.must(409, "POST", lines, "worker1", map[string]any{"hour_type": "125"}, "Idempotency-Key", "add-2")
	if _, _, found := row("add-2"); found {
		t.Fatal("a refused command recorded its key")
	}
	e.must(200, "PUT", w05+"/lines/125", "worker1", map[string]any{"minutes": []int{60, 0, 0, 0, 0, 0, 0}}, "Idempotency-Key", "add-2")

	// A command that changes nothing appends nothing: its answer is
	// recorded as before, and replayed.
	before = len(e.events(stream))
	put := e.must(200, "PUT", w05+"/lines/125", "worker1", map[string]any{"minutes": []int{60, 0, 0, 0, 0, 0, 0}}, "Idempotency-Key", "noop-1")
	if response, _, found := row("noop-1"); !found || string(response) != string(put.Body) {
		t.Fatalf("no-op command: key row found %v, answer %q, want %s", found, response, put.Body)
	}
	if after := len(e.events(stream)); after != before {
		t.Fatalf("the no-op command appended %d events", after-before)
	}
	if r := e.must(200, "PUT", w05+"/lines/125", "worker1", map[string]any{"minutes": []int{60, 0, 0, 0, 0, 0, 0}}, "Idempotency-Key", "noop-1"); r.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("no-op retry not replayed: %v", r.Header)
	}
}

// TestConcurrentRetriesAppendOnce: the same request under one key, sent
// eight times at once. Without a claim before the command they may run
// side by side; the key derives the event IDs and its row commits with the
// events, so exactly one appends and every answer is the first's.
func TestConcurrentRetriesAppendOnce(t *testing.T) {
	e := newEnv(t)
	stream := timesheet.StreamName("p1", timesheet.ISOWeek{Year: 2026, Week: 5})
	e.must(200, "PUT", w05+"/lines/100", "worker1", map[string]any{"minutes": []int{60, 0, 0, 0, 0, 0, 0}})
	before := len(e.events(stream))
	body := map[string]any{"text": "tegelijk"}
	var wg sync.WaitGroup
	answers := make([]response, 8)
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = e.do("POST", w05+"/remarks", "worker1", body, "Idempotency-Key", "same")
		}()
	}
	wg.Wait()
	var first string
	for _, a := range answers {
		switch {
		case a.Status == 409 && strings.Contains(string(a.Body), "idempotency_key_in_progress"):
			// Met a claim of the old way (a retry of a retry): allowed.
		case a.Status != 201:
			t.Fatalf("answer %d %s", a.Status, a.Body)
		case first == "":
			first = string(a.Body)
		case string(a.Body) != first:
			t.Fatalf("answers differ: %s and %s", a.Body, first)
		}
	}
	if after := len(e.events(stream)); after != before+1 {
		t.Fatalf("%d events appended for one request, want 1", after-before)
	}
}
