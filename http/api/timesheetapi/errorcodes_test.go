package timesheetapi_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/domain/client"
	"backoffice/domain/placement"
	"backoffice/internal/apidoc"
	"backoffice/internal/apitest"
)

// inputs are the input names of each endpoint (path, query, header and
// body), as docs/openapi.yaml describes them; an error's field must be one
// of them, array indices left out ("items[0].week" is "items.week").
var inputs = func() map[string][]string {
	one := []string{"placement", "week", "Idempotency-Key"}
	with := func(names ...string) []string { return append(slices.Clone(one), names...) }
	entry := with("id", "date", "start", "end", "break_minutes", "continuous", "shift_24h")
	return map[string][]string{
		"GET /overview":                                          {"min_position"},
		"GET /placements/{id}/weeks":                             {"id", "year", "min_position"},
		"GET /timesheets":                                        {"status", "week", "placement", "worker", "cursor", "waiting_for_me", "limit", "min_position"},
		"POST /timesheets/approve":                               {"items", "items.placement", "items.week", "items.step", "items.hash", "Idempotency-Key"},
		"GET /timesheets/{placement}/{week}":                     with("min_position"),
		"GET /timesheets/{placement}/{week}/history":             with("min_position"),
		"POST /timesheets/{placement}/{week}/lines":              with("hour_type"),
		"PUT /timesheets/{placement}/{week}/lines/{hourType}":    with("hour_type", "minutes", "hours"),
		"PUT /timesheets/{placement}/{week}/lines":               with("lines", "lines.hour_type", "lines.minutes", "lines.hours"),
		"DELETE /timesheets/{placement}/{week}/lines/{hourType}": with("hour_type"),
		"POST /timesheets/{placement}/{week}/entries":            entry,
		"PUT /timesheets/{placement}/{week}/entries/{id}":        entry,
		"DELETE /timesheets/{placement}/{week}/entries/{id}":     with("id"),
		"POST /timesheets/{placement}/{week}/expenses":           with("type", "date", "amount_cents", "kilometres", "description"),
		"DELETE /timesheets/{placement}/{week}/expenses/{id}":    with("id"),
		"POST /timesheets/{placement}/{week}/remarks":            with("text"),
		"POST /timesheets/{placement}/{week}/offer":              with(),
		"POST /timesheets/{placement}/{week}/offer/withdraw":     with(),
		"POST /timesheets/{placement}/{week}/approve":            with("step", "hash"),
		"POST /timesheets/{placement}/{week}/reject":             with("reason"),
		"POST /timesheets/{placement}/{week}/imported":           with("import_batch"),
	}
}()

// TestEveryErrorCode walks every error code docs/openapi.yaml documents
// for the timesheet endpoints (x-error-codes), provokes it on the real API
// and checks the answer: the documented code, a message in English and
// Dutch that names no Go type and no day key, and a field that is an input
// of that endpoint. Every documented code must be walked, and every walked
// code documented (issue 11 §10).
func TestEveryErrorCode(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tr := agreement(domain.RoleClient, domain.RoleIntermediary)
	tr.TimeRegistration = true
	e.seed(client.Stream("c3"), &client.Registered{ClientID: "c3", IntermediaryID: "i1", Name: "Tijd BV", KvK: "11223344",
		AgreementFrom: day("2025-01-01"), Agreement: tr})
	// p3: time registration; p4 and p5: ended on Wednesday 21 January,
	// after hours were entered on the rest of that week.
	e.seed(placement.Stream("p3"), &placement.Started{PlacementID: "p3", WorkerID: "w1", ClientID: "c3", IntermediaryID: "i1", Function: "Bakker", Start: day("2026-01-05")})
	// p6 and p7: time registration too, for removals that make a
	// continuous shift run on further.
	for _, p := range []string{"p6", "p7"} {
		e.seed(placement.Stream(p), &placement.Started{PlacementID: p, WorkerID: "w1", ClientID: "c3", IntermediaryID: "i1", Function: "Bakker", Start: day("2026-01-05")})
	}
	for _, p := range []string{"p4", "p5"} {
		e.seed(placement.Stream(p), &placement.Started{PlacementID: p, WorkerID: "w1", ClientID: "c1", IntermediaryID: "i1", Function: "Bakker", Start: day("2026-01-05")})
	}
	week := []int{480, 480, 480, 480, 480, 0, 0}
	e.must(200, "PUT", "/timesheets/p4/2026-W04/lines/100", "worker1", map[string]any{"minutes": week})
	e.must(200, "POST", "/timesheets/p4/2026-W04/offer", "worker1", nil)
	e.must(200, "PUT", "/timesheets/p5/2026-W04/lines/100", "worker1", map[string]any{"minutes": week})
	for _, p := range []string{"p4", "p5"} {
		if _, err := commands.Save(ctx, e.store, commands.Stream{Name: placement.Stream(p), Exists: true}, apitest.SeedMeta, now,
			&placement.Ended{PlacementID: p, End: day("2026-01-21")}); err != nil {
			t.Fatal(err)
		}
	}
	// p1: W02 open with a line and an expense, W03 offered, W04 approved
	// and imported.
	e.must(200, "PUT", "/timesheets/p1/2026-W02/lines/100", "worker1", map[string]any{"minutes": week})
	e.must(201, "POST", "/timesheets/p1/2026-W02/expenses", "worker1", map[string]any{"type": "parking", "date": "2026-01-06", "amount_cents": 500})
	e.must(200, "PUT", "/timesheets/p1/2026-W03/lines/100", "worker1", map[string]any{"minutes": week})
	e.must(200, "POST", "/timesheets/p1/2026-W03/offer", "worker1", nil)
	e.must(200, "PUT", "/timesheets/p1/2026-W04/lines/100", "worker1", map[string]any{"minutes": week})
	e.must(200, "POST", "/timesheets/p1/2026-W04/offer", "worker1", nil)
	e.must(200, "POST", "/timesheets/p1/2026-W04/approve", "client1", nil)
	e.must(200, "POST", "/timesheets/p1/2026-W04/approve", "inter1", nil)
	e.must(200, "POST", "/timesheets/p1/2026-W04/imported", "payroll", map[string]any{"import_batch": "b-1"})
	// p3 W04: offered, and its first step approved (by the back office).
	e.must(201, "POST", "/timesheets/p3/2026-W04/entries", "worker1", map[string]any{"date": "2026-01-20", "start": "08:00", "end": "16:00"})
	e.must(200, "POST", "/timesheets/p3/2026-W04/offer", "worker1", nil)
	e.must(200, "POST", "/timesheets/p3/2026-W04/approve", "backoffice", nil)
	// p3 W05: a shift on Monday.
	e.must(201, "POST", "/timesheets/p3/2026-W05/entries", "worker1", map[string]any{"date": "2026-01-26", "start": "08:00", "end": "16:00"})
	// p3 W06: a shift early on Monday (today), for a Sunday night shift of W05 to overlap.
	e.must(201, "POST", "/timesheets/p3/2026-W06/entries", "worker1", map[string]any{"date": "2026-02-02", "start": "05:00", "end": "08:00"})
	// p3 W02: a continuous Sunday night shift; W03 is still empty.
	e.must(201, "POST", "/timesheets/p3/2026-W02/entries", "worker1", map[string]any{"date": "2026-01-11", "start": "22:00", "end": "06:00", "continuous": true})
	// p6: W05's continuous Tuesday night shift runs on to Wednesday's
	// shift; without it, it would run on to W06's Monday (days).
	e.must(201, "POST", "/timesheets/p6/2026-W06/entries", "worker1", map[string]any{"date": "2026-02-02", "start": "05:00", "end": "08:00"})
	e.must(201, "POST", "/timesheets/p6/2026-W05/entries", "worker1", map[string]any{"date": "2026-01-28", "start": "06:00", "end": "14:00"})
	e.must(201, "POST", "/timesheets/p6/2026-W05/entries", "worker1", map[string]any{"date": "2026-01-27", "start": "22:00", "end": "06:00", "continuous": true})
	// p7: W05's continuous Sunday night shift runs on to W06's Monday
	// 05:00 shift; without it, to Monday 23:00 (25 hours on Sunday).
	e.must(201, "POST", "/timesheets/p7/2026-W06/entries", "worker1", map[string]any{"date": "2026-02-02", "start": "05:00", "end": "08:00"})
	e.must(201, "POST", "/timesheets/p7/2026-W06/entries", "worker1", map[string]any{"date": "2026-02-02", "start": "23:00", "end": "23:30"})
	e.must(201, "POST", "/timesheets/p7/2026-W05/entries", "worker1", map[string]any{"date": "2026-02-01", "start": "22:00", "end": "06:00", "continuous": true})
	var many []any
	for i := range 501 {
		many = append(many, map[string]any{"placement": fmt.Sprintf("p%d", i), "week": "2026-W03"})
	}

	const (
		one = "/timesheets/{placement}/{week}"
		w02 = "/timesheets/p1/2026-W02"
		w03 = "/timesheets/p1/2026-W03"
		w04 = "/timesheets/p1/2026-W04"
		p3  = "/timesheets/p3/2026-W05"
	)
	seven := func(v any) []any { return []any{v, 0, 0, 0, 0, 0, 0} }
	entry := func(date, start, end string) map[string]any {
		return map[string]any{"date": date, "start": start, "end": end}
	}
	cases := []struct {
		op, path, actor string
		Body            any
		code            string
	}{
		{"GET /overview", "/overview?min_position=x", "worker1", nil, "invalid_min_position"},
		{"GET /placements/{id}/weeks", "/placements/p1/weeks?year=26", "worker1", nil, "year_invalid"},
		{"GET /placements/{id}/weeks", "/placements/p9/weeks?year=2026", "worker1", nil, "not_found"},
		{"GET /timesheets", "/timesheets?status=klaar", "worker1", nil, "status_invalid"},
		{"GET /timesheets", "/timesheets?week=x", "worker1", nil, "week_invalid"},
		{"GET /timesheets", "/timesheets?waiting_for_me=soms", "worker1", nil, "waiting_for_me_invalid"},
		{"GET /timesheets", "/timesheets?limit=0", "worker1", nil, "limit_invalid"},
		{"GET /timesheets", "/timesheets?cursor=zzz", "worker1", nil, "cursor_invalid"},
		{"POST /timesheets/approve", "/timesheets/approve", "client1", map[string]any{"items": []any{}}, "items_required"},
		{"POST /timesheets/approve", "/timesheets/approve", "client1", map[string]any{"items": many}, "too_many_items"},
		{"POST /timesheets/approve", "/timesheets/approve", "client1", map[string]any{"items": []any{map[string]any{"placement": "p1", "week": "x"}}}, "week_invalid"},
		{"POST /timesheets/approve", "/timesheets/approve", "client1", map[string]any{"items": []any{map[string]any{"placement": "", "week": "2026-W03"}}}, "required"},
		{"POST /timesheets/approve", "/timesheets/approve", "client1", map[string]any{"items": []any{map[string]any{"placement": "p\u0000", "week": "2026-W03"}}}, "id_format"},
		{"POST /timesheets/approve", "/timesheets/approve", "client1", map[string]any{"items": []any{map[string]any{"placement": "p1", "week": "2026-W03"}, map[string]any{"placement": "p1", "week": "2026-W03"}}}, "duplicate_item"},
		{"POST /timesheets/approve", "/timesheets/approve", "client1", map[string]any{"items": []any{map[string]any{"placement": "p1", "week": "2026-W03", "step": "0"}}}, "wrong_type"},
		{"POST /timesheets/approve", "/timesheets/approve", "client1", `[1]`, "wrong_type"},
		{"POST /timesheets/approve", "/timesheets/approve", "client1", map[string]any{"itemz": []any{}}, "unknown_field"},
		{"POST /timesheets/approve", "/timesheets/approve", "client1", `{"items": [`, "malformed_json"},
		{"POST /timesheets/approve", "/timesheets/approve", "client1", ``, "empty_body"},
		{"POST /timesheets/approve", "/timesheets/approve", "client1", `{"items":["` + strings.Repeat("x", 1<<20) + `"]}`, "body_too_large"},

		{"GET " + one, "/timesheets/p1/2026-W60", "worker1", nil, "week_invalid"},
		{"GET " + one, "/timesheets/p9/2026-W05", "worker1", nil, "not_found"},
		{"GET " + one, "/timesheets/p1/2025-W50", "worker1", nil, "week_outside_placement"},
		{"GET " + one + "/history", "/timesheets/p1/week5/history", "worker1", nil, "week_invalid"},
		{"GET " + one + "/history", "/timesheets/p9/2026-W05/history", "worker1", nil, "not_found"},

		{"POST " + one + "/lines", w02 + "/lines", "worker1", map[string]any{"hour_type": ""}, "hour_type_required"},
		{"POST " + one + "/lines", w02 + "/lines", "worker1", map[string]any{"hour_type": "999"}, "hour_type_not_agreed"},
		{"POST " + one + "/lines", w02 + "/lines", "worker1", map[string]any{"hour_type": "100"}, "line_exists"},
		{"POST " + one + "/lines", w02 + "/lines", "client1", map[string]any{"hour_type": "125"}, "not_the_enterer"},
		{"POST " + one + "/lines", w03 + "/lines", "worker1", map[string]any{"hour_type": "125"}, "timesheet_offered"},
		{"POST " + one + "/lines", w04 + "/lines", "worker1", map[string]any{"hour_type": "125"}, "timesheet_approved"},
		{"POST " + one + "/lines", "/timesheets/p1/2026-W07/lines", "worker1", map[string]any{"hour_type": "125"}, "week_not_started"},
		{"POST " + one + "/lines", "/timesheets/p1/2025-W50/lines", "worker1", map[string]any{"hour_type": "125"}, "week_outside_placement"},
		{"POST " + one + "/lines", p3 + "/lines", "worker1", map[string]any{"hour_type": "100"}, "line_from_time_registration"},
		{"POST " + one + "/lines", "/timesheets/p9/2026-W05/lines", "worker1", map[string]any{"hour_type": "100"}, "not_found"},
		{"POST " + one + "/lines", "/timesheets/p1/2026-W00/lines", "worker1", map[string]any{"hour_type": "100"}, "week_invalid"},
		{"POST " + one + "/lines", w02 + "/lines", "worker1", `{"hour_type": 100}`, "wrong_type"},

		{"PUT " + one + "/lines/{hourType}", w02 + "/lines/125", "worker1", map[string]any{"minutes": seven(1500)}, "day_over_24h"},
		{"PUT " + one + "/lines/{hourType}", w02 + "/lines/125", "worker1", map[string]any{"hours": []string{"", "", "25", "", "", "", ""}}, "day_over_24h"},
		{"PUT " + one + "/lines/{hourType}", w02 + "/lines/125", "worker1", map[string]any{"hours": []string{"acht", "", "", "", "", "", ""}}, "hours_invalid"},
		{"PUT " + one + "/lines/{hourType}", w02 + "/lines/125", "worker1", map[string]any{"minutes": seven(-5)}, "hours_negative"},
		{"PUT " + one + "/lines/{hourType}", w02 + "/lines/125", "worker1", map[string]any{"minutes": []int{1}}, "seven_days"},
		{"PUT " + one + "/lines/{hourType}", w02 + "/lines/125", "worker1", map[string]any{}, "minutes_or_hours"},
		{"PUT " + one + "/lines/{hourType}", w02 + "/lines/125", "worker1", map[string]any{"minutes": "8"}, "wrong_type"},
		{"PUT " + one + "/lines/{hourType}", w02 + "/lines/125", "worker1", map[string]any{"minuten": seven(60)}, "unknown_field"},
		{"PUT " + one + "/lines/{hourType}", w02 + "/lines/125", "worker1", `{"minutes": [`, "malformed_json"},
		{"PUT " + one + "/lines/{hourType}", w02 + "/lines/125", "worker1", ``, "empty_body"},
		{"PUT " + one + "/lines/{hourType}", w02 + "/lines/125", "worker1", `{"hours":["` + strings.Repeat("8", 1<<20) + `"]}`, "body_too_large"},
		{"PUT " + one + "/lines/{hourType}", w02 + "/lines/999", "worker1", map[string]any{"minutes": seven(60)}, "hour_type_not_agreed"},
		{"PUT " + one + "/lines/{hourType}", w02 + "/lines/125", "client1", map[string]any{"minutes": seven(60)}, "not_the_enterer"},
		{"PUT " + one + "/lines/{hourType}", w03 + "/lines/125", "worker1", map[string]any{"minutes": seven(60)}, "timesheet_offered"},
		{"PUT " + one + "/lines/{hourType}", w04 + "/lines/125", "worker1", map[string]any{"minutes": seven(60)}, "timesheet_approved"},
		{"PUT " + one + "/lines/{hourType}", "/timesheets/p1/2026-W07/lines/125", "worker1", map[string]any{"minutes": seven(60)}, "week_not_started"},
		{"PUT " + one + "/lines/{hourType}", "/timesheets/p1/2025-W50/lines/125", "worker1", map[string]any{"minutes": seven(60)}, "week_outside_placement"},
		{"PUT " + one + "/lines/{hourType}", "/timesheets/p5/2026-W04/lines/125", "worker1", map[string]any{"minutes": []int{0, 0, 0, 0, 60, 0, 0}}, "day_outside_placement"},
		{"PUT " + one + "/lines/{hourType}", "/timesheets/p1/2026-W06/lines/125", "worker1", map[string]any{"minutes": []int{0, 60, 0, 0, 0, 0, 0}}, "day_in_future"},
		{"PUT " + one + "/lines/{hourType}", p3 + "/lines/100", "worker1", map[string]any{"minutes": seven(60)}, "line_from_time_registration"},
		{"PUT " + one + "/lines/{hourType}", "/timesheets/p9/2026-W05/lines/125", "worker1", map[string]any{"minutes": seven(60)}, "not_found"},
		{"PUT " + one + "/lines/{hourType}", "/timesheets/p1/x/lines/125", "worker1", map[string]any{"minutes": seven(60)}, "week_invalid"},

		{"PUT " + one + "/lines", w02 + "/lines", "worker1", map[string]any{"lines": []any{}}, "lines_required"},
		{"PUT " + one + "/lines", w02 + "/lines", "worker1", map[string]any{"lines": []any{map[string]any{"hour_type": "125", "minutes": seven(60)}, map[string]any{"hour_type": "125", "minutes": seven(30)}}}, "line_repeated"},
		{"PUT " + one + "/lines", w02 + "/lines", "worker1", map[string]any{"lines": []any{map[string]any{"hour_type": "100", "minutes": seven(60)}, map[string]any{"hour_type": "125", "minutes": seven(1400)}}}, "day_over_24h"},
		{"PUT " + one + "/lines", w02 + "/lines", "worker1", map[string]any{"lines": []any{map[string]any{"hour_type": "100", "minutes": seven(60)}, map[string]any{"hour_type": "125", "hours": []string{"", "", "25", "", "", "", ""}}}}, "day_over_24h"},
		{"PUT " + one + "/lines", w02 + "/lines", "worker1", map[string]any{"lines": []any{map[string]any{"hour_type": "100", "minutes": seven(60)}, map[string]any{"hour_type": "125", "hours": []string{"acht", "", "", "", "", "", ""}}}}, "hours_invalid"},
		{"PUT " + one + "/lines", w02 + "/lines", "worker1", map[string]any{"lines": []any{map[string]any{"hour_type": "100", "minutes": seven(60)}, map[string]any{"hour_type": "125", "minutes": seven(-5)}}}, "hours_negative"},
		{"PUT " + one + "/lines", w02 + "/lines", "worker1", map[string]any{"lines": []any{map[string]any{"hour_type": "100", "minutes": seven(60)}, map[string]any{"hour_type": "125", "minutes": []int{1}}}}, "seven_days"},
		{"PUT " + one + "/lines", w02 + "/lines", "worker1", map[string]any{"lines": []any{map[string]any{"hour_type": "125"}}}, "minutes_or_hours"},
		{"PUT " + one + "/lines", w02 + "/lines", "worker1", map[string]any{"lines": "100"}, "wrong_type"},
		{"PUT " + one + "/lines", w02 + "/lines", "worker1", map[string]any{"regels": []any{}}, "unknown_field"},
		{"PUT " + one + "/lines", w02 + "/lines", "worker1", `{"lines": [`, "malformed_json"},
		{"PUT " + one + "/lines", w02 + "/lines", "worker1", ``, "empty_body"},
		{"PUT " + one + "/lines", w02 + "/lines", "worker1", `{"lines":["` + strings.Repeat("8", 1<<20) + `"]}`, "body_too_large"},
		{"PUT " + one + "/lines", w02 + "/lines", "worker1", map[string]any{"lines": []any{map[string]any{"hour_type": "100", "minutes": seven(60)}, map[string]any{"hour_type": "999", "minutes": seven(60)}}}, "hour_type_not_agreed"},
		{"PUT " + one + "/lines", w02 + "/lines", "client1", map[string]any{"lines": []any{map[string]any{"hour_type": "125", "minutes": seven(60)}}}, "not_the_enterer"},
		{"PUT " + one + "/lines", w03 + "/lines", "worker1", map[string]any{"lines": []any{map[string]any{"hour_type": "125", "minutes": seven(60)}}}, "timesheet_offered"},
		{"PUT " + one + "/lines", w04 + "/lines", "worker1", map[string]any{"lines": []any{map[string]any{"hour_type": "125", "minutes": seven(60)}}}, "timesheet_approved"},
		{"PUT " + one + "/lines", "/timesheets/p1/2026-W07/lines", "worker1", map[string]any{"lines": []any{map[string]any{"hour_type": "125", "minutes": seven(60)}}}, "week_not_started"},
		{"PUT " + one + "/lines", "/timesheets/p1/2025-W50/lines", "worker1", map[string]any{"lines": []any{map[string]any{"hour_type": "125", "minutes": seven(60)}}}, "week_outside_placement"},
		{"PUT " + one + "/lines", "/timesheets/p5/2026-W04/lines", "worker1", map[string]any{"lines": []any{map[string]any{"hour_type": "125", "minutes": []int{0, 0, 0, 0, 60, 0, 0}}}}, "day_outside_placement"},
		{"PUT " + one + "/lines", "/timesheets/p1/2026-W06/lines", "worker1", map[string]any{"lines": []any{map[string]any{"hour_type": "125", "minutes": []int{0, 60, 0, 0, 0, 0, 0}}}}, "day_in_future"},
		{"PUT " + one + "/lines", p3 + "/lines", "worker1", map[string]any{"lines": []any{map[string]any{"hour_type": "100", "minutes": seven(60)}}}, "line_from_time_registration"},
		{"PUT " + one + "/lines", "/timesheets/p9/2026-W05/lines", "worker1", map[string]any{"lines": []any{map[string]any{"hour_type": "125", "minutes": seven(60)}}}, "not_found"},
		{"PUT " + one + "/lines", "/timesheets/p1/x/lines", "worker1", map[string]any{"lines": []any{map[string]any{"hour_type": "125", "minutes": seven(60)}}}, "week_invalid"},

		{"DELETE " + one + "/lines/{hourType}", w02 + "/lines/125", "worker1", nil, "line_not_found"},
		{"DELETE " + one + "/lines/{hourType}", w03 + "/lines/100", "worker1", nil, "timesheet_offered"},
		{"DELETE " + one + "/lines/{hourType}", w04 + "/lines/100", "worker1", nil, "timesheet_approved"},
		{"DELETE " + one + "/lines/{hourType}", w02 + "/lines/100", "client1", nil, "not_the_enterer"},
		{"DELETE " + one + "/lines/{hourType}", "/timesheets/p9/2026-W05/lines/100", "worker1", nil, "not_found"},
		{"DELETE " + one + "/lines/{hourType}", "/timesheets/p1/2025-W50/lines/100", "worker1", nil, "week_outside_placement"},
		{"DELETE " + one + "/lines/{hourType}", "/timesheets/p1/2026-W07/lines/100", "worker1", nil, "week_not_started"},
		{"DELETE " + one + "/lines/{hourType}", "/timesheets/p1/x/lines/100", "worker1", nil, "week_invalid"},

		{"POST " + one + "/entries", w02 + "/entries", "worker1", entry("2026-01-06", "08:00", "16:00"), "time_registration_off"},
		{"POST " + one + "/entries", p3 + "/entries", "worker1", entry("27-01-2026", "08:00", "16:00"), "date_invalid"},
		{"POST " + one + "/entries", p3 + "/entries", "worker1", entry("2026-01-27", "25:00", "16:00"), "clock_invalid"},
		{"POST " + one + "/entries", p3 + "/entries", "worker1", map[string]any{"date": "2026-01-27", "start": "08:00", "end": "16:00", "break_minutes": -1}, "break_invalid"},
		{"POST " + one + "/entries", p3 + "/entries", "worker1", map[string]any{"date": "2026-01-27", "start": "08:00", "end": "09:00", "break_minutes": 90}, "break_exceeds_shift"},
		{"POST " + one + "/entries", p3 + "/entries", "worker1", entry("2026-02-03", "08:00", "16:00"), "date_outside_week"},
		{"POST " + one + "/entries", "/timesheets/p3/2026-W02/entries", "worker1", entry("2026-01-04", "08:00", "16:00"), "date_outside_week"},
		{"POST " + one + "/entries", p3 + "/entries", "worker1", entry("2026-01-27", "08:00", "08:00"), "start_equals_end"},
		{"POST " + one + "/entries", p3 + "/entries", "worker1", map[string]any{"date": "2026-01-27", "start": "08:00", "end": "16:00", "shift_24h": true}, "shift_24h_mismatch"},
		{"POST " + one + "/entries", "/timesheets/p3/2026-W06/entries", "worker1", entry("2026-02-03", "08:00", "16:00"), "day_in_future"},
		{"POST " + one + "/entries", p3 + "/entries", "worker1", entry("2026-01-26", "12:00", "18:00"), "entries_overlap"},
		{"POST " + one + "/entries", p3 + "/entries", "worker1", entry("2026-02-01", "22:00", "06:00"), "entries_overlap_adjacent_week"},
		// The week's last continuous shift runs on to next week's first (Monday 05:00): days.
		{"POST " + one + "/entries", p3 + "/entries", "worker1", map[string]any{"date": "2026-01-27", "start": "08:00", "end": "16:00", "continuous": true}, "day_over_24h"},
		// W02's Sunday shift would run on to W03's first shift, on Wednesday.
		{"POST " + one + "/entries", "/timesheets/p3/2026-W03/entries", "worker1", entry("2026-01-14", "07:00", "15:00"), "previous_week_run_on"},
		{"POST " + one + "/entries", "/timesheets/p3/2026-W13/entries", "worker1", entry("2026-03-29", "02:30", "08:00"), "week_not_started"},
		{"POST " + one + "/entries", p3 + "/entries", "worker1", map[string]any{"date": "2026-01-27", "start": "08:00", "end": "16:00", "pauze": 1}, "unknown_field"},
		{"POST " + one + "/entries", p3 + "/entries", "worker1", map[string]any{"date": "2026-01-27", "start": "08:00", "end": "16:00", "break_minutes": "30"}, "wrong_type"},
		{"POST " + one + "/entries", p3 + "/entries", "inter1", entry("2026-01-27", "08:00", "16:00"), "not_the_enterer"},
		{"POST " + one + "/entries", "/timesheets/p9/2026-W05/entries", "worker1", entry("2026-01-27", "08:00", "16:00"), "not_found"},
		{"POST " + one + "/entries", "/timesheets/p3/2025-W50/entries", "worker1", entry("2025-12-09", "08:00", "16:00"), "week_outside_placement"},

		{"PUT " + one + "/entries/{id}", p3 + "/entries/0", "worker1", entry("2026-01-27", "08:00", "16:00"), "id_invalid"},
		{"PUT " + one + "/entries/{id}", p3 + "/entries/9", "worker1", entry("2026-01-27", "08:00", "16:00"), "entry_not_found"},
		{"PUT " + one + "/entries/{id}", p3 + "/entries/1", "worker1", entry("2026-01-26", "08:00", "08:00"), "start_equals_end"},
		{"PUT " + one + "/entries/{id}", p3 + "/entries/1", "worker1", map[string]any{"date": "2026-01-26", "start": "08:00", "end": "09:00", "break_minutes": 90}, "break_exceeds_shift"},
		{"PUT " + one + "/entries/{id}", p3 + "/entries/1", "worker1", entry("2026-01-26", "8h", "16:00"), "clock_invalid"},
		{"PUT " + one + "/entries/{id}", p3 + "/entries/1", "worker1", map[string]any{"date": "2026-01-26", "start": "08:00", "end": "16:00", "continuous": true}, "day_over_24h"},
		{"PUT " + one + "/entries/{id}", p3 + "/entries/1", "worker1", entry("2026-02-02", "08:00", "16:00"), "date_outside_week"},
		{"PUT " + one + "/entries/{id}", p3 + "/entries/1", "inter1", entry("2026-01-26", "08:00", "17:00"), "not_the_enterer"},

		{"DELETE " + one + "/entries/{id}", p3 + "/entries/x", "worker1", nil, "id_invalid"},
		{"DELETE " + one + "/entries/{id}", p3 + "/entries/9", "worker1", nil, "entry_not_found"},
		{"DELETE " + one + "/entries/{id}", p3 + "/entries/1", "inter1", nil, "not_the_enterer"},
		{"DELETE " + one + "/entries/{id}", "/timesheets/p6/2026-W05/entries/1", "worker1", nil, "day_over_24h"},
		{"DELETE " + one + "/entries/{id}", "/timesheets/p7/2026-W06/entries/1", "worker1", nil, "previous_week_run_on"},

		{"POST " + one + "/expenses", w02 + "/expenses", "worker1", map[string]any{"type": "taxi", "date": "2026-01-06", "amount_cents": 100}, "expense_type_invalid"},
		{"POST " + one + "/expenses", w02 + "/expenses", "worker1", map[string]any{"type": "parking", "date": "2026-01-06", "amount_cents": 0}, "expense_amount_invalid"},
		{"POST " + one + "/expenses", w02 + "/expenses", "worker1", map[string]any{"type": "travel_km", "date": "2026-01-06", "amount_cents": 100, "kilometres": 5}, "expense_amount_not_allowed"},
		{"POST " + one + "/expenses", w02 + "/expenses", "worker1", map[string]any{"type": "travel_km", "date": "2026-01-06"}, "expense_kilometres_invalid"},
		{"POST " + one + "/expenses", w02 + "/expenses", "worker1", map[string]any{"type": "parking", "date": "2026-01-06", "amount_cents": 100, "kilometres": 5}, "expense_kilometres_not_allowed"},
		{"POST " + one + "/expenses", w02 + "/expenses", "worker1", map[string]any{"type": "other", "date": "2026-01-06", "amount_cents": 100}, "expense_description_required"},
		{"POST " + one + "/expenses", w02 + "/expenses", "worker1", map[string]any{"type": "other", "date": "2026-01-06", "amount_cents": 100, "description": strings.Repeat("x", 201)}, "too_long"},
		{"POST " + one + "/expenses", w02 + "/expenses", "worker1", map[string]any{"type": "other", "date": "2026-01-06", "amount_cents": 100, "description": "a\x07b"}, "text_encoding"},
		{"POST " + one + "/expenses", w02 + "/expenses", "worker1", map[string]any{"type": "parking", "date": "6 jan", "amount_cents": 100}, "date_invalid"},
		{"POST " + one + "/expenses", w02 + "/expenses", "worker1", map[string]any{"type": "parking", "date": "2026-01-26", "amount_cents": 100}, "date_outside_week"},
		{"POST " + one + "/expenses", "/timesheets/p5/2026-W04/expenses", "worker1", map[string]any{"type": "parking", "date": "2026-01-23", "amount_cents": 100}, "day_outside_placement"},
		{"POST " + one + "/expenses", w02 + "/expenses", "worker1", map[string]any{"type": "parking", "date": "2026-01-06", "amount_cents": "1"}, "wrong_type"},
		{"POST " + one + "/expenses", "/timesheets/p1/2026-W06/expenses", "worker1", map[string]any{"type": "parking", "date": "2026-02-03", "amount_cents": 100}, "day_in_future"},
		{"POST " + one + "/expenses", w02 + "/expenses", "client1", map[string]any{"type": "parking", "date": "2026-01-06", "amount_cents": 100}, "not_the_enterer"},
		{"POST " + one + "/expenses", w03 + "/expenses", "worker1", map[string]any{"type": "parking", "date": "2026-01-13", "amount_cents": 100}, "timesheet_offered"},

		{"DELETE " + one + "/expenses/{id}", w02 + "/expenses/-1", "worker1", nil, "id_invalid"},
		{"DELETE " + one + "/expenses/{id}", w02 + "/expenses/9", "worker1", nil, "expense_not_found"},
		{"DELETE " + one + "/expenses/{id}", w02 + "/expenses/1", "client1", nil, "not_the_enterer"},

		{"POST " + one + "/remarks", w02 + "/remarks", "worker1", map[string]any{"text": " "}, "remark_empty"},
		{"POST " + one + "/remarks", w02 + "/remarks", "worker1", map[string]any{"text": strings.Repeat("x", 2001)}, "too_long"},
		{"POST " + one + "/remarks", w02 + "/remarks", "worker1", map[string]any{"text": 5}, "wrong_type"},
		{"POST " + one + "/remarks", w02 + "/remarks", "worker1", map[string]any{"text": "a\x00b"}, "text_encoding"},
		{"POST " + one + "/remarks", w03 + "/remarks", "worker1", map[string]any{"text": "x"}, "timesheet_offered"},

		{"POST " + one + "/offer", "/timesheets/p1/2026-W05/offer", "worker1", nil, "nothing_to_offer"},
		{"POST " + one + "/offer", w03 + "/offer", "worker1", nil, "already_offered"},
		{"POST " + one + "/offer", w04 + "/offer", "worker1", nil, "timesheet_approved"},
		{"POST " + one + "/offer", w02 + "/offer", "client1", nil, "not_the_enterer"},
		{"POST " + one + "/offer", "/timesheets/p5/2026-W04/offer", "worker1", nil, "hours_outside_placement"},
		{"POST " + one + "/offer", "/timesheets/p1/2026-W07/offer", "worker1", nil, "week_not_started"},
		{"POST " + one + "/offer", w02 + "/offer", "worker1", map[string]any{"nu": true}, "unknown_field"},

		{"POST " + one + "/offer/withdraw", w02 + "/offer/withdraw", "worker1", nil, "not_offered"},
		{"POST " + one + "/offer/withdraw", w04 + "/offer/withdraw", "worker1", nil, "already_approved"},
		{"POST " + one + "/offer/withdraw", w03 + "/offer/withdraw", "client1", nil, "not_the_enterer"},
		{"POST " + one + "/offer/withdraw", "/timesheets/p3/2026-W04/offer/withdraw", "worker1", nil, "offer_partly_approved"},
		{"POST " + one + "/offer/withdraw", w03 + "/offer/withdraw", "worker1", map[string]any{"nu": true}, "unknown_field"},

		{"POST " + one + "/approve", w02 + "/approve", "client1", nil, "not_offered"},
		{"POST " + one + "/approve", w04 + "/approve", "client1", nil, "already_approved"},
		{"POST " + one + "/approve", w03 + "/approve", "worker1", nil, "not_your_step"},
		{"POST " + one + "/approve", w03 + "/approve", "client1", map[string]any{"step": 1}, "step_mismatch"},
		{"POST " + one + "/approve", w03 + "/approve", "client1", map[string]any{"hash": "abc"}, "content_changed"},
		{"POST " + one + "/approve", "/timesheets/p4/2026-W04/approve", "client1", nil, "hours_outside_placement"},
		{"POST " + one + "/approve", w03 + "/approve", "client1", map[string]any{"step": "0"}, "wrong_type"},

		{"POST " + one + "/reject", w03 + "/reject", "client1", map[string]any{"reason": ""}, "reason_required"},
		{"POST " + one + "/reject", w03 + "/reject", "client1", map[string]any{"reason": strings.Repeat("x", 2001)}, "too_long"},
		{"POST " + one + "/reject", w03 + "/reject", "client1", map[string]any{"reason": "a\u202eb"}, "text_encoding"},
		{"POST " + one + "/reject", w02 + "/reject", "client1", map[string]any{"reason": "x"}, "not_offered"},
		{"POST " + one + "/reject", w04 + "/reject", "client1", map[string]any{"reason": "x"}, "already_approved"},
		{"POST " + one + "/reject", w03 + "/reject", "inter1", map[string]any{"reason": "x"}, "not_your_step"},

		{"POST " + one + "/imported", w03 + "/imported", "payroll", map[string]any{"import_batch": ""}, "import_batch_required"},
		{"POST " + one + "/imported", w04 + "/imported", "payroll", map[string]any{"import_batch": "b\tc"}, "text_encoding"},
		{"POST " + one + "/imported", w03 + "/imported", "payroll", map[string]any{"import_batch": "b-2"}, "not_approved"},
		{"POST " + one + "/imported", w04 + "/imported", "payroll", map[string]any{"import_batch": "b-2"}, "already_imported"},
		{"POST " + one + "/imported", w04 + "/imported", "client1", map[string]any{"import_batch": "b-2"}, "payroll_only"},
	}

	walk := apidoc.NewWalk(inputs)
	for _, c := range cases {
		walk.Provoke(t, c.op, c.op+" "+c.path, c.code, func(lang string) (int, []byte) {
			r := e.do(strings.Fields(c.op)[0], c.path, c.actor, c.Body, "Accept-Language", lang)
			return r.Status, r.Body
		})
	}
	walk.Done(t)
}
