package payrollapi_test

import (
	"strings"
	"testing"
)

// A batch with NUL, another control character, a bidi override or over
// 100 characters refuses the whole import report with 422 on batch, and
// nothing is recorded (issue 10 §1).
func TestPoisonBatchIs422(t *testing.T) {
	e := newEnv(t)
	s := e.approve("p1", 3, week)
	items := e.feed("payroll", e.last, "").Items
	if len(items) != 1 {
		t.Fatalf("feed = %d items", len(items))
	}
	item := map[string]string{"placement": "p1", "week": s.week.String(), "hash": items[0].Hash}
	for name, batch := range map[string]string{
		"NUL": "b\x00atch", "line feed": "b\natch", "RLO": "b\u202eatch", "too long": strings.Repeat("b", 101),
	} {
		for _, key := range []string{"batch", "import_batch"} {
			r := e.do("POST", "/payroll/imported", "payroll", map[string]any{key: batch, "items": []any{item}})
			if code, _ := r.ErrorCode(t); r.Status != 422 || (code != "text_encoding" && code != "too_long") {
				t.Errorf("%s in %s: status %d: %s", name, key, r.Status, r.Body)
			}
		}
	}
	if got := e.feed("payroll", e.last, ""); len(got.Items) != 1 || got.Items[0].Imported {
		t.Fatalf("a refused report recorded an import: %+v", got.Items)
	}
}
