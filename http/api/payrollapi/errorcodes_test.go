package payrollapi_test

import (
	"fmt"
	"strings"
	"testing"

	"backoffice/internal/apidoc"
	"backoffice/internal/apitest"
)

// TestEveryPayrollErrorCode walks the x-error-codes of the payroll
// operations on the real API, in English and Dutch: code, message without
// Go types, field an input of the operation (issue 11 §10).
func TestEveryPayrollErrorCode(t *testing.T) {
	e := newEnv(t)
	e.approve("p1", 3, week)
	const (
		feed   = "GET /payroll/approved"
		report = "POST /payroll/imported"
	)
	inputs := map[string][]string{
		feed:   {"after", "limit", "include_imported", "min_position", "as_of"},
		report: {"batch", "import_batch", "items", "items.placement", "items.week", "items.hash", "Idempotency-Key"},
	}
	item := func(week, hash string) map[string]any {
		return map[string]any{"placement": "p1", "week": week, "hash": hash}
	}
	var many []any
	for i := range 1001 {
		many = append(many, item(fmt.Sprintf("2026-W%02d", i%52+1), "x"))
	}
	cases := []struct {
		op, path, who string
		Body          any
		code          string
	}{
		{feed, "/payroll/approved?after=zzz", "payroll", nil, "cursor_invalid"},
		{feed, "/payroll/approved?limit=0", "payroll", nil, "limit_invalid"},
		{feed, "/payroll/approved?include_imported=soms", "payroll", nil, "include_imported_invalid"},
		{feed, "/payroll/approved?min_position=x", "payroll", nil, "invalid_min_position"},
		{feed, "/payroll/approved", "client1", nil, "no_such_endpoint"},
		{feed, "/payroll/approved?as_of=gisteren", "payroll", nil, "as_of_invalid"},
		{report, "/payroll/imported", "payroll", map[string]any{"items": []any{item("2026-W03", "x")}}, "import_batch_required"},
		{report, "/payroll/imported", "payroll", map[string]any{"batch": "a", "import_batch": "b", "items": []any{item("2026-W03", "x")}}, "import_batch_ambiguous"},
		{report, "/payroll/imported", "payroll", map[string]any{"batch": "a", "items": []any{}}, "items_required"},
		{report, "/payroll/imported", "payroll", map[string]any{"batch": "a", "items": many}, "too_many_items"},
		{report, "/payroll/imported", "payroll", map[string]any{"batch": "a", "items": []any{item("week 3", "x")}}, "week_invalid"},
		{report, "/payroll/imported", "payroll", map[string]any{"batch": "a", "items": []any{item("2026-W03", "")}}, "hash_required"},
		{report, "/payroll/imported", "payroll", map[string]any{"batch": "a", "items": []any{item("2026-W03", "x"), item("2026-W03", "x")}}, "duplicate_item"},
		{report, "/payroll/imported", "payroll", map[string]any{"batch": "a", "items": "p1"}, "wrong_type"},
		{report, "/payroll/imported", "payroll", map[string]any{"partij": "a"}, "unknown_field"},
		{report, "/payroll/imported", "client1", map[string]any{"batch": "a", "items": []any{item("2026-W03", "x")}}, "no_such_endpoint"},
	}
	walk := apidoc.NewWalk(inputs)
	for _, c := range cases {
		walk.Provoke(t, c.op, c.op+" "+c.path, c.code, func(lang string) (int, []byte) {
			return e.doLang(t, strings.Fields(c.op)[0], c.path, c.who, c.Body, lang)
		})
	}
	walk.Done(t)
}

// doLang is e.do with an Accept-Language.
func (e *env) doLang(t *testing.T, method, path, who string, body any, lang string) (int, []byte) {
	t.Helper()
	r := apitest.Request(t, method, e.url+path, body, "Authorization", "Bearer "+e.tokens[who], "Accept-Language", lang)
	return r.Status, r.Body
}
