package timesheetapi_test

import (
	"context"
	"testing"

	"backoffice/domain/timesheet"
	rm "backoffice/readmodel/timesheets"
)

// TestAddLine is toevoegen over HTTP: POST .../lines adds an empty line of
// another agreed hour type (201 with the position), never touches a line
// that exists (409), refuses hour types outside the week's agreement (422)
// and answers outsiders 404.
func TestAddLine(t *testing.T) {
	e := newEnv(t)
	lines := w05 + "/lines"

	r := e.must(201, "POST", lines, "worker1", map[string]any{"hour_type": "125"})
	pos := r.Position(t)
	var body struct {
		HourType string `json:"hour_type"`
	}
	r.Decode(t, &body)
	if body.HourType != "125" {
		t.Fatalf("answer %s", r.Body)
	}
	d := e.detail("worker1", w05, pos)
	if d.Status != "open" || len(d.Lines) != 1 || d.Lines[0].HourType != "125" || d.Lines[0].Minutes != [7]int{} || d.Lines[0].Name != "Overuren 125%" {
		t.Fatalf("detail after adding the line = %+v", d)
	}

	// Fill it; adding it again is a conflict and keeps the hours.
	pos = e.must(200, "PUT", lines+"/125", "worker1", map[string]any{"minutes": []int{0, 0, 120, 0, 0, 0, 0}}).Position(t)
	for _, tc := range []struct {
		name, actor string
		Body        any
		Status      int
		code        string
	}{
		{"exists", "worker1", map[string]any{"hour_type": "125"}, 409, "line_exists"},
		{"not agreed", "worker1", map[string]any{"hour_type": "999"}, 422, "hour_type_not_agreed"},
		{"no hour type", "worker1", map[string]any{}, 400, "hour_type_required"},
		{"no body", "worker1", nil, 400, "empty_body"},
		{"unknown field", "worker1", map[string]any{"uursoort": "125"}, 400, "unknown_field"},
		{"the client does not enter", "client1", map[string]any{"hour_type": "100"}, 403, "not_the_enterer"},
		{"another tenant", "worker2", map[string]any{"hour_type": "100"}, 404, "not_found"},
		{"another tenant without a type", "client2", map[string]any{}, 404, "not_found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.must(tc.Status, "POST", lines, tc.actor, tc.Body)
			if code, _ := r.ErrorCode(t); code != tc.code {
				t.Fatalf("code %q, want %q: %s", code, tc.code, r.Body)
			}
		})
	}
	d = e.detail("worker1", w05, pos)
	if len(d.Lines) != 1 || d.Lines[0].Minutes != [7]int{0, 0, 120} || d.TotalMinutes != 120 {
		t.Fatalf("line 125 after the refused adds = %+v", d.Lines)
	}

	// A retry under the same Idempotency-Key gets the first answer.
	first := e.must(201, "POST", lines, "worker1", map[string]any{"hour_type": "100"}, "Idempotency-Key", "add-100")
	again := e.must(201, "POST", lines, "worker1", map[string]any{"hour_type": "100"}, "Idempotency-Key", "add-100")
	if first.Position(t) != again.Position(t) {
		t.Fatalf("retry answered %s, first %s", again.Body, first.Body)
	}
	var page rm.Page
	e.must(200, "GET", "/timesheets?placement=p1&min_position="+first.Position(t), "worker1", nil).Decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].TotalMinutes != 120 {
		t.Fatalf("list after adding the normal line = %+v", page)
	}
}

// A key whose first request died before storing its answer answers 409
// while the claim is fresh, and is taken over once it is stale: the retry
// answers with the events the first attempt appended (the line was added)
// instead of deciding again on a state that already holds them, and
// nothing is appended twice.
func TestIdempotencyKeyOfACrashedRequest(t *testing.T) {
	e := newEnv(t)
	lines := w05 + "/lines"
	body := map[string]any{"hour_type": "100"}
	e.must(201, "POST", lines, "worker1", body, "Idempotency-Key", "crash-1")
	week, err := timesheet.ParseISOWeek("2026-W05")
	if err != nil {
		t.Fatal(err)
	}
	stream := timesheet.StreamName("p1", week)
	count := func() int { return len(e.events(stream)) }
	before := count()

	// Make it look as if the process died after the append, before the
	// answer was stored.
	crash := func(age string) {
		t.Helper()
		if _, err := e.pool.Exec(context.Background(), `UPDATE idempotency_keys
			SET status = NULL, response = NULL, position = NULL, created_at = now() - $3::interval
			WHERE actor_id = $1 AND key = $2`, "acc-w1", "crash-1", age); err != nil {
			t.Fatal(err)
		}
	}
	crash("10 seconds")
	if code, _ := e.must(409, "POST", lines, "worker1", body, "Idempotency-Key", "crash-1").ErrorCode(t); code != "idempotency_key_in_progress" {
		t.Fatalf("retry of a fresh claim: code %q, want idempotency_key_in_progress", code)
	}
	crash("10 minutes")
	e.must(201, "POST", lines, "worker1", body, "Idempotency-Key", "crash-1")
	if after := count(); after != before {
		t.Fatalf("the stream has %d events after the re-run, %d before", after, before)
	}
}
