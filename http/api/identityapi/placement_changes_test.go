package identityapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/domain/placement"
	ts "backoffice/domain/timesheet"
	"backoffice/internal/apitest"
	it "backoffice/internal/identitytest"
)

// TestSecondPlacement: a registered worker gets a further placement
// (POST /workers/{id}/placements): after the first ended at the same
// client, in another function; never overlapping another at that client;
// at another client only by the back office. The worker's login sees all.
func TestSecondPlacement(t *testing.T) {
	e, bo, a, b := appWithTwoTenants(t)
	today := ts.Today(time.Now())
	place := func(token, workerID string, body map[string]any) it.Response {
		return e.Do(t, http.MethodPost, "/workers/"+workerID+"/placements", token, body)
	}
	wantCode := func(r it.Response, status int, code string) {
		t.Helper()
		if got, _ := it.Want(t, r, status).ErrorField(t); got != code {
			t.Fatalf("error %s, want %s: %s", got, code, r.Body)
		}
	}

	// The first placement (from the registration) is open-ended: a second
	// at the same client overlaps it, also for the client itself.
	wantCode(place(bo, a.workerID, map[string]any{"client_id": a.clientID, "start": today.AddDays(7).String()}),
		http.StatusUnprocessableEntity, "placement_overlaps")
	r := place(a.clientToken, a.workerID, map[string]any{"start": today.AddDays(7).String()})
	wantCode(r, http.StatusUnprocessableEntity, "placement_overlaps")
	if !strings.Contains(string(r.Body), "beëindig die plaatsing eerst") && !strings.Contains(string(r.Body), "end that placement first") {
		t.Fatalf("the refusal does not say what to do: %s", r.Body)
	}

	// Ended next week, the worker comes back as "Banketbakker" after it.
	it.Want(t, e.Do(t, http.MethodPost, "/placements/"+a.placementID+"/end", bo, map[string]string{"end": today.AddDays(6).String()}), http.StatusOK)
	wantCode(place(a.clientToken, a.workerID, map[string]any{"start": today.AddDays(6).String()}),
		http.StatusUnprocessableEntity, "placement_overlaps") // on its last day
	r = it.Want(t, place(a.clientToken, a.workerID, map[string]any{"function": "Banketbakker", "start": today.AddDays(7).String()}),
		http.StatusCreated)
	second := r.Str(t, "id")
	if second == a.placementID || r.Str(t, "function") != "Banketbakker" || r.Str(t, "client_id") != a.clientID ||
		r.Str(t, "worker_id") != a.workerID || r.Str(t, "status") != "active" || r.Str(t, "position") == "" {
		t.Fatalf("new placement %s", r.Body)
	}

	// Another client: the back office may (a worker may work at two), the
	// other client's user may not place a worker it did not register and
	// never placed.
	wantCode(place(b.clientToken, a.workerID, map[string]any{"start": today.String()}), http.StatusNotFound, "not_found")
	r = it.Want(t, place(bo, a.workerID, map[string]any{"client_id": b.clientID, "start": today.String()}), http.StatusCreated)
	atB := r.Str(t, "id")
	if r.Str(t, "function") != "Bakker" {
		t.Fatalf("function not the worker's registered one: %s", r.Body)
	}
	// Now placed at b, he is b's worker too: b's user may place him again
	// there (here: on days he is placed already).
	e.WaitForProjections(t)
	wantCode(place(b.clientToken, a.workerID, map[string]any{"start": today.String()}), http.StatusUnprocessableEntity, "placement_overlaps")
	wantCode(place(a.clientToken, a.workerID, map[string]any{"client_id": b.clientID, "start": today.String()}), http.StatusNotFound, "not_found")
	wantCode(place(a.interToken, a.workerID, map[string]any{"start": today.String()}), http.StatusForbidden, "forbidden")
	wantCode(place(a.workerToken, a.workerID, map[string]any{"start": today.String()}), http.StatusForbidden, "forbidden")
	wantCode(place(bo, "nope", map[string]any{"client_id": a.clientID, "start": today.String()}), http.StatusNotFound, "not_found")

	// The worker's login lists every placement of theirs; each client only
	// its own.
	ids := func(token string) map[string]bool {
		e.WaitForProjections(t)
		items, _ := it.Want(t, e.Do(t, http.MethodGet, "/placements", token, nil), http.StatusOK).JSON(t)["items"].([]any)
		out := map[string]bool{}
		for _, i := range items {
			out[i.(map[string]any)["id"].(string)] = true
		}
		return out
	}
	if got := ids(a.workerToken); len(got) != 3 || !got[a.placementID] || !got[second] || !got[atB] {
		t.Fatalf("worker sees %v", got)
	}
	if got := ids(b.clientToken); got[a.placementID] || got[second] || !got[atB] {
		t.Fatalf("client b sees %v", got)
	}
}

// TestSecondPlacementRetried: under one Idempotency-Key a repeated request
// answers the first placement; nothing is placed twice.
func TestSecondPlacementRetried(t *testing.T) {
	e, bo, a := appWithTenant(t, "a")
	today := ts.Today(time.Now())
	it.Want(t, e.Do(t, http.MethodPost, "/placements/"+a.placementID+"/end", bo, map[string]string{"end": today.String()}), http.StatusOK)
	body := map[string]any{"client_id": a.clientID, "start": today.AddDays(1).String()}
	var first string
	for i := range 2 {
		r := apitest.Request(t, http.MethodPost, e.URL+"/workers/"+a.workerID+"/placements", body,
			"Authorization", "Bearer "+bo, "Idempotency-Key", "tweede-plaatsing")
		res := it.Want(t, it.Response{Status: r.Status, Header: r.Header, Body: r.Body}, http.StatusCreated)
		if i == 0 {
			first = res.Str(t, "id")
		} else if got := res.Str(t, "id"); got != first {
			t.Fatalf("retry placed %s, first %s", got, first)
		}
	}
	if evs := e.History(t, placement.Stream(first), placement.Events); len(evs) != 1 {
		t.Fatalf("%d events in the new placement's stream, want 1", len(evs))
	}
}

// TestCorrectPlacement: function and start date are corrected by a new
// event (POST /placements/{id}/correction); the read model shows the new
// values, as_of before it the old ones. A later start past booked hours is
// refused naming the week.
func TestCorrectPlacement(t *testing.T) {
	e, bo, a, b := appWithTwoTenants(t)
	today := ts.Today(time.Now())
	r := it.Want(t, e.Do(t, http.MethodPost, "/workers", bo, withField(withField(withField(workerBody("uren-a@example.test"),
		"client_id", a.clientID), "start", today.AddDays(-21).String()), "bsn", bsnFor("uren"))), http.StatusCreated)
	id := r.Str(t, "placement_id")
	before := r.Str(t, "position")
	// Last week's timesheet holds hours from Tuesday on.
	week := ts.WeekOf(today.AddDays(-7))
	normal := ts.HourType{Code: "100", Name: "Normale uren", Percentage: 100}
	mins := [7]ts.Minutes{0, 480, 480, 480, 480}
	if _, err := commands.Save(context.Background(), e.Store, commands.Stream{Name: ts.StreamName(id, week)},
		commands.Meta{Actor: domain.Actor{AccountID: "seed", Role: domain.RoleBackoffice}}, time.Now(),
		&ts.Opened{PlacementID: id, Week: week, WeekStart: week.Start(), WeekEnd: week.End(), EnteredBy: domain.RoleWorker, NormalHourType: normal},
		&ts.LineSet{Line: ts.Line{HourType: normal, Minutes: mins}, DayTotals: mins}); err != nil {
		t.Fatal(err)
	}
	correct := func(token string, body map[string]any) it.Response {
		return e.Do(t, http.MethodPost, "/placements/"+id+"/correction", token, body)
	}
	wantCode := func(r it.Response, status int, code, field string) {
		t.Helper()
		if got, f := it.Want(t, r, status).ErrorField(t); got != code || f != field {
			t.Fatalf("error %s (%s), want %s (%s): %s", got, f, code, field, r.Body)
		}
	}

	r = correct(bo, map[string]any{"start": week.Day(2).String()})
	wantCode(r, http.StatusUnprocessableEntity, "hours_before_start", "start")
	if !strings.Contains(string(r.Body), week.String()) {
		t.Fatalf("the refusal does not name week %s: %s", week, r.Body)
	}
	wantCode(correct(a.interToken, map[string]any{"function": "Hulp"}), http.StatusForbidden, "forbidden", "")
	wantCode(correct(b.clientToken, map[string]any{"function": "Hulp"}), http.StatusNotFound, "not_found", "")
	wantCode(correct(a.workerToken, map[string]any{"function": "Hulp"}), http.StatusNotFound, "not_found", "") // another worker
	wantCode(correct(bo, map[string]any{"function": "Bakker"}), http.StatusConflict, "nothing_to_correct", "")
	wantCode(correct(bo, map[string]any{"start": "2000-01-03"}), http.StatusUnprocessableEntity, "no_agreement", "start")

	// Up to the first booked day: the client corrects its own placement.
	r = it.Want(t, correct(a.clientToken, map[string]any{"function": "Banketbakker", "start": week.Day(1).String(), "reason": "typefout"}),
		http.StatusOK)
	got := it.Want(t, e.Do(t, http.MethodGet, "/placements/"+id+"?min_position="+r.Str(t, "position"), bo, nil), http.StatusOK)
	if got.Str(t, "start") != week.Day(1).String() || got.Str(t, "function") != "Banketbakker" {
		t.Fatalf("after the correction: %s", got.Body)
	}
	// The history keeps what was recorded first.
	old := it.Want(t, e.Do(t, http.MethodGet, "/placements/"+id+"?as_of="+before, bo, nil), http.StatusOK)
	if old.Str(t, "start") != today.AddDays(-21).String() || old.Str(t, "function") != "Bakker" {
		t.Fatalf("as of before the correction: %s", old.Body)
	}
	evs := e.History(t, placement.Stream(id), placement.Events)
	if c, ok := evs[len(evs)-1].(*placement.Corrected); !ok || c.Reason != "typefout" || len(evs) != 2 {
		t.Fatalf("history %#v", evs)
	}
	// Back to an earlier start is fine (nothing can be booked before it).
	r = it.Want(t, correct(bo, map[string]any{"start": today.AddDays(-28).String()}), http.StatusOK)

	// The placement shows its corrections: when, by whom (a name the
	// viewer may see, never an address), from what to what.
	corrections := func(token, query string) ([]map[string]any, string) {
		t.Helper()
		got := it.Want(t, e.Do(t, http.MethodGet, "/placements/"+id+query, token, nil), http.StatusOK)
		list, ok := got.JSON(t)["corrections"].([]any)
		if !ok {
			t.Fatalf("no corrections list: %s", got.Body)
		}
		var out []map[string]any
		for _, c := range list {
			out = append(out, c.(map[string]any))
		}
		return out, string(got.Body)
	}
	cs, body := corrections(a.interToken, "?min_position="+r.Str(t, "position"))
	if len(cs) != 2 {
		t.Fatalf("%d corrections, want 2: %s", len(cs), body)
	}
	first, second := cs[0], cs[1]
	if first["by"] != "Kees Bakker" || first["by_role"] != "client" || first["function_from"] != "Bakker" || first["function_to"] != "Banketbakker" ||
		first["start_from"] != today.AddDays(-21).String() || first["start_to"] != week.Day(1).String() || first["reason"] != "typefout" || first["at"] == "" {
		t.Fatalf("the client's correction: %v", first)
	}
	if second["by_role"] != "backoffice" || second["by"] != nil || second["function_from"] != "Banketbakker" || second["function_to"] != "Banketbakker" ||
		second["start_from"] != week.Day(1).String() || second["start_to"] != today.AddDays(-28).String() {
		t.Fatalf("the back office's correction, as the intermediary sees it: %v", second)
	}
	if strings.Contains(body, "@") {
		t.Fatalf("the intermediary sees an e-mail address: %s", body)
	}
	if cs, _ := corrections(bo, "?as_of="+before); len(cs) != 0 {
		t.Fatalf("as of before the corrections: %v", cs)
	}
	it.Want(t, e.Do(t, http.MethodGet, "/placements/"+id, b.clientToken, nil), http.StatusNotFound)
}
