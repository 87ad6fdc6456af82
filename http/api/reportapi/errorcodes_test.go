package reportapi_test

import (
	"fmt"
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
	walked := map[string][]string{}
	for _, c := range cases {
		for _, lang := range []string{"en", "nl"} {
			r := e.get("/reports/hours?"+c.query, "client1", "Accept-Language", lang)
			var b struct {
				Error apidoc.Answer `json:"error"`
			}
			r.Decode(t, &b)
			apidoc.Check(t, fmt.Sprintf("%s?%s (%s, %d)", op, c.query, lang, r.Status), b.Error, c.code, inputs[op])
		}
		walked[op] = append(walked[op], c.code)
	}
	apidoc.Coverage(t, apidoc.ErrorCodes(t), walked, []string{op})
}
