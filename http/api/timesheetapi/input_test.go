package timesheetapi_test

import (
	"strings"
	"testing"
)

// TestBadInput: malformed input is 400, a broken rule 422, both naming the
// field and the rule.
func TestBadInput(t *testing.T) {
	e := newEnv(t)
	line := "/timesheets/p1/2026-W05/lines/"
	tests := []struct {
		name         string
		method, path string
		Body         any
		Status       int
		code, field  string
	}{
		{"25 h in minutes", "PUT", line + "100", map[string]any{"minutes": []int{480, 1500, 0, 0, 0, 0, 0}}, 422, "day_over_24h", "minutes[1]"},
		{"25 h typed", "PUT", line + "100", map[string]any{"hours": []string{"", "", "25", "", "", "", ""}}, 422, "day_over_24h", "hours[2]"},
		{"unknown hour type", "PUT", line + "999", map[string]any{"minutes": []int{60, 0, 0, 0, 0, 0, 0}}, 422, "hour_type_not_agreed", "hour_type"},
		{"garbage hours", "PUT", line + "100", map[string]any{"hours": []string{"acht", "", "", "", "", "", ""}}, 400, "hours_invalid", "hours[0]"},
		{"six days", "PUT", line + "100", map[string]any{"minutes": []int{60, 0, 0, 0, 0, 0}}, 400, "seven_days", "minutes"},
		{"null minutes", "PUT", line + "100", `{"minutes":[null,0,0,0,0,0,0]}`, 400, "wrong_type", "minutes[0]"},
		{"null hours", "PUT", line + "100", `{"hours":["8","",null,"","","",""]}`, 400, "wrong_type", "hours[2]"},
		{"null minutes in lines", "PUT", "/timesheets/p1/2026-W05/lines", `{"lines":[{"hour_type":"100","minutes":[0,0,0,0,0,0,null]}]}`, 400, "wrong_type", "lines[0].minutes[6]"},
		{"null line", "PUT", "/timesheets/p1/2026-W05/lines", `{"lines":[{"hour_type":"100","minutes":[0,0,0,0,0,0,0]},null]}`, 400, "wrong_type", "lines[1]"},
		{"null bulk item", "POST", "/timesheets/approve", `{"items":[null]}`, 400, "wrong_type", "items[0]"},
		{"negative", "PUT", line + "100", map[string]any{"minutes": []int{0, 0, 0, 0, -5, 0, 0}}, 400, "hours_negative", "minutes[4]"},
		{"both forms", "PUT", line + "100", map[string]any{"minutes": []int{0, 0, 0, 0, 0, 0, 0}, "hours": []string{"", "", "", "", "", "", ""}}, 400, "minutes_or_hours", "minutes"},
		{"unknown field", "PUT", line + "100", map[string]any{"minuten": []int{}}, 400, "unknown_field", "minuten"},
		{"malformed json", "PUT", line + "100", `{"minutes": [`, 400, "malformed_json", ""},
		{"oversized json", "PUT", line + "100", `{"hours": ["` + strings.Repeat("8", 1<<20) + `"]}`, 413, "body_too_large", ""},
		{"malformed week", "PUT", "/timesheets/p1/2026-W60/lines/100", map[string]any{"minutes": []int{60, 0, 0, 0, 0, 0, 0}}, 400, "week_invalid", "week"},
		{"malformed week text", "GET", "/timesheets/p1/week5", nil, 400, "week_invalid", "week"},
		{"future week", "PUT", "/timesheets/p1/2026-W07/lines/100", map[string]any{"minutes": []int{60, 0, 0, 0, 0, 0, 0}}, 422, "week_not_started", "week"},
		{"before the placement", "PUT", "/timesheets/p1/2025-W50/lines/100", map[string]any{"minutes": []int{60, 0, 0, 0, 0, 0, 0}}, 422, "week_outside_placement", "week"},
		{"bad entry time", "POST", "/timesheets/p1/2026-W05/entries", map[string]any{"date": "2026-01-26", "start": "25:00", "end": "16:00"}, 400, "clock_invalid", "start"},
		{"bad expense date", "POST", "/timesheets/p1/2026-W05/expenses", map[string]any{"type": "parking", "date": "26-01-2026", "amount_cents": 100}, 400, "date_invalid", "date"},
		{"expense outside week", "POST", "/timesheets/p1/2026-W05/expenses", map[string]any{"type": "parking", "date": "2026-02-02", "amount_cents": 100}, 422, "date_outside_week", "date"},
		{"nothing to offer", "POST", "/timesheets/p1/2026-W05/offer", nil, 422, "nothing_to_offer", ""},
		{"reject without reason", "POST", "/timesheets/p1/2026-W05/reject", map[string]any{"reason": ""}, 409, "not_offered", ""},
		{"bad status filter", "GET", "/timesheets?status=klaar", nil, 400, "status_invalid", "status"},
		{"bad year", "GET", "/placements/p1/weeks?year=26", nil, 400, "year_invalid", "year"},
		{"bad min_position", "GET", "/overview?min_position=abc", nil, 400, "invalid_min_position", "min_position"},
		{"empty bulk", "POST", "/timesheets/approve", map[string]any{"items": []any{}}, 400, "items_required", "items"},
		{"bulk bad week", "POST", "/timesheets/approve", map[string]any{"items": []any{map[string]any{"placement": "p1", "week": "x"}}}, 400, "week_invalid", "items[0].week"},
		{"unknown placement", "PUT", "/timesheets/p9/2026-W05/lines/100", map[string]any{"minutes": []int{60, 0, 0, 0, 0, 0, 0}}, 404, "not_found", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(tt.method, tt.path, "worker1", tt.Body)
			if r.Status != tt.Status {
				t.Fatalf("status %d, want %d: %.300s", r.Status, tt.Status, r.Body)
			}
			code, field := r.ErrorCode(t)
			if code != tt.code || field != tt.field {
				t.Fatalf("error %s (%s), want %s (%s): %.300s", code, field, tt.code, tt.field, r.Body)
			}
		})
	}
}
