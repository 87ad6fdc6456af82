package reportapi_test

import (
	"strings"
	"testing"

	"backoffice/internal/apidoc"
)

// TestEveryReportErrorCode walks the x-error-codes of GET /reports/hours
// on the real API, in English and Dutch: code, message without Go types,
// field an input of the operation (issue 11 §10).
func TestEveryReportErrorCode(t *testing.T) {
	e := newEnv(t)
	const op = "GET /reports/hours"
	inputs := map[string][]string{op: {"from", "to", "format", "min_position"}}
	cases := []struct{ query, code string }{
		{"to=2026-W05", "week_required"},
		{"from=week1&to=2026-W05", "week_invalid"},
		{"from=2026-W05&to=2026-W01", "range_reversed"},
		{"from=2026-W01&to=2027-W01", "range_too_long"},
		{"from=2026-W01&to=2026-W05&format=xlsx", "format_invalid"},
		{"from=2026-W01&to=2026-W05&min_position=abc", "invalid_min_position"},
	}
	walk := apidoc.NewWalk(inputs)
	for _, c := range cases {
		walk.Provoke(t, op, op+"?"+c.query, c.code, func(lang string) (int, []byte) {
			r := e.get("/reports/hours?"+c.query, "client1", "Accept-Language", lang)
			return r.Status, r.Body
		})
	}
	// report_too_large for real: a feature capped at 1 timesheet, asked by
	// the back office, which sees 2 in W02.
	small := newEnvMax(t, 1)
	q := "from=2026-W01&to=2026-W05&min_position=" + small.last
	walk.Provoke(t, op, op+" (MaxRows 1)", "report_too_large", func(lang string) (int, []byte) {
		r := small.get("/reports/hours?"+q, "backoffice", "Accept-Language", lang)
		return r.Status, r.Body
	})
	if r := small.get("/reports/hours?"+q, "backoffice", "Accept-Language", "en"); r.Status != 400 ||
		!strings.Contains(string(r.Body), `"message":"The report would hold more than 1 timesheets; choose fewer weeks."`) {
		t.Errorf("2 timesheets over a cap of 1: %d %s, want 400 naming the cap", r.Status, r.Body)
	}
	if r := small.get("/reports/hours?"+q, "client1"); r.Status != 200 { // 1 timesheet: at the cap
		t.Errorf("1 timesheet at a cap of 1: %d %s, want 200", r.Status, r.Body)
	}
	walk.Done(t)
}
