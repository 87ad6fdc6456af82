package auditapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"backoffice/domain"
	"backoffice/domain/placement"
	"backoffice/domain/worker"
	"backoffice/eventstore"
	"backoffice/internal/pgtest"
	"backoffice/readmodel/trail"
)

// TestWorkerTrail: GET /audit/workers/{id}/trail lists, in ledger order,
// the worker's record, payroll data, placements, their timesheets, their
// account and what that account did elsewhere, with who and when; not the
// events of another worker whose placement ID extends theirs. Only the
// auditor and the back office; an unknown worker is 404; a tampered stream
// refuses the trail.
func TestWorkerTrail(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	at := time.Date(2026, 2, 3, 9, 0, 0, 0, time.UTC)
	add := func(stream, typ, data, actor, role string) {
		t.Helper()
		if _, err := e.store.Append(ctx, stream, eventstore.Any(), eventstore.EventData{ID: uuid.New(), Type: typ, Data: json.RawMessage(data),
			Metadata: eventstore.Metadata{ActorID: actor, ActorRole: role, OccurredAt: at}}); err != nil {
			t.Fatal(err)
		}
	}
	add("worker-w1", "worker.registered", `{"worker_id":"w1"}`, "acc-bo", "backoffice")
	add("worker-w2", "worker.registered", `{"worker_id":"w2"}`, "acc-bo", "backoffice")
	add("placement-p1", "placement.started", `{"placement_id":"p1","worker_id":"w1"}`, "acc-bo", "backoffice")
	add("placement-p1-b", "placement.started", `{"placement_id":"p1-b","worker_id":"w2"}`, "acc-bo", "backoffice")
	add("account-a1", "account.created", `{"account_id":"a1","worker_id":"w1","role":"worker"}`, "acc-bo", "backoffice")
	add("timesheet-p1-2026W05", "timesheet.opened", `{"placement_id":"p1"}`, "a1", "worker")
	add("timesheet-p1-b-2026W05", "timesheet.opened", `{"placement_id":"p1-b"}`, "a2", "worker")
	add("document-d1", "document.signed", `{}`, "a1", "worker")
	add("payroll-worker-w1", "payroll.personnel_number_set", `{"worker_id":"w1"}`, "acc-bo", "backoffice")
	add("timesheet-p1-2026W05", "timesheet.reopened", `{"reason":"correctie"}`, "acc-bo", "backoffice")
	pgtest.AwaitReadable(t, e.store, 15)

	for _, who := range []string{"client1", "inter1", "worker1", "payroll"} {
		if res, body := e.get(t, who, "/audit/workers/w1/trail"); res.StatusCode != http.StatusForbidden || !strings.Contains(body, "auditors_only") {
			t.Fatalf("%s: %d %s, want 403 auditors_only", who, res.StatusCode, body)
		}
	}
	if res, _ := e.get(t, "auditor", "/audit/workers/nobody/trail"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("an unknown worker: %d, want 404", res.StatusCode)
	}
	res, body := e.get(t, "auditor", "/audit/workers/w1/trail")
	var tr trail.Trail
	if res.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &tr) != nil || !tr.Complete || tr.Scanned != 15 {
		t.Fatalf("trail of w1: %d %s", res.StatusCode, body)
	}
	var got []string
	for _, ev := range tr.Events {
		got = append(got, ev.About+" "+ev.Stream+" "+ev.Type+" "+ev.ActorRole+" "+ev.ActorID)
		if ev.Position == "" || !ev.OccurredAt.Equal(at) || ev.RecordedAt.IsZero() {
			t.Errorf("event without position or times: %+v", ev)
		}
	}
	want := []string{
		"worker worker-w1 worker.registered backoffice acc-bo",
		"placement placement-p1 placement.started backoffice acc-bo",
		"account account-a1 account.created backoffice acc-bo",
		"timesheet timesheet-p1-2026W05 timesheet.opened worker a1",
		"by_account document-d1 document.signed worker a1",
		"payroll payroll-worker-w1 payroll.personnel_number_set backoffice acc-bo",
		"timesheet timesheet-p1-2026W05 timesheet.reopened backoffice acc-bo",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("trail of w1:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if res, body := e.get(t, "backoffice", "/audit/workers/w2/trail"); res.StatusCode != http.StatusOK || strings.Contains(body, `"timesheet-p1-2026W05"`) || !strings.Contains(body, `"timesheet-p1-b-2026W05"`) {
		t.Fatalf("trail of w2: %d %s", res.StatusCode, body)
	}

	if _, err := e.pool.Exec(ctx, `ALTER TABLE eventstore_events DISABLE TRIGGER eventstore_append_only;
		UPDATE eventstore_events SET data = '{"reason":"iets anders"}' WHERE stream = 'timesheet-p1-2026W05' AND revision = 1;
		ALTER TABLE eventstore_events ENABLE TRIGGER eventstore_append_only`); err != nil {
		t.Fatal(err)
	}
	if res, body := e.get(t, "auditor", "/audit/workers/w1/trail"); res.StatusCode != http.StatusInternalServerError || !strings.Contains(body, "ledger_integrity") {
		t.Fatalf("trail through a tampered stream: %d %s, want 500 ledger_integrity", res.StatusCode, body)
	}
}

// TestWorkerTrailListsRosterClaims: the placement-overlap guard appends
// placement.claimed to the worker's roster (roster-<worker>) before each
// decision that gives a placement dates; the trail lists those claims
// (about roster) with the placement, client and dates claimed, which the
// stream's name does not say. Another worker's roster is not mixed in,
// also not one whose ID extends this worker's.
func TestWorkerTrailListsRosterClaims(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	at := time.Date(2026, 2, 3, 9, 0, 0, 0, time.UTC)
	add := func(stream string, ev domain.Event) {
		t.Helper()
		data, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.Append(ctx, stream, eventstore.Any(), eventstore.EventData{ID: uuid.New(), Type: ev.EventType(),
			Data: data, Metadata: eventstore.Metadata{ActorID: "acc-bo", ActorRole: "backoffice", OccurredAt: at}}); err != nil {
			t.Fatal(err)
		}
	}
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	claim := func(workerID, id string, end *time.Time) {
		add(placement.RosterStream(workerID), &placement.Claimed{PlacementID: id, WorkerID: workerID, ClientID: "c1", Start: day("2026-02-02"), End: end})
	}
	end := day("2026-06-30")
	add(worker.Stream("w1"), &worker.Registered{WorkerID: "w1"})
	claim("w1", "p1", nil)
	claim("w2", "p2", nil)
	claim("w1-b", "p3", nil)
	claim("w1", "p1", &end) // ending it later
	pgtest.AwaitReadable(t, e.store, 10)

	res, body := e.get(t, "auditor", "/audit/workers/w1/trail")
	var tr trail.Trail
	if res.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &tr) != nil {
		t.Fatalf("trail of w1: %d %s", res.StatusCode, body)
	}
	var got []string
	for _, ev := range tr.Events {
		line := ev.About + " " + ev.Stream + " " + ev.Type
		if c := ev.Claim; c != nil {
			line += fmt.Sprintf(" %s at %s from %s to %q", c.PlacementID, c.ClientID, c.Start, c.End)
		}
		got = append(got, line)
	}
	want := []string{
		"worker worker-w1 worker.registered",
		`roster roster-w1 placement.claimed p1 at c1 from 2026-02-02 to ""`,
		`roster roster-w1 placement.claimed p1 at c1 from 2026-02-02 to "2026-06-30"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("trail of w1:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, who := range []string{"client1", "inter1", "worker1"} {
		if res, body := e.get(t, who, "/audit/workers/w1/trail"); res.StatusCode != http.StatusForbidden || strings.Contains(body, "roster-w1") {
			t.Fatalf("%s: %d %s, want 403 and no claim", who, res.StatusCode, body)
		}
	}
}
