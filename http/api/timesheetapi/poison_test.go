package timesheetapi_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
)

// TestPoisonTextIs422: a control character, NUL, a bidi override or an
// over-long text in any text of a timesheet command is refused with 422 and
// the field, and nothing is appended (issue 10 §1). Remarks per timesheet
// are capped (§6).
func TestPoisonTextIs422(t *testing.T) {
	e := newEnv(t)
	stream := ts.StreamName("p1", ts.ISOWeek{Year: 2026, Week: 5})
	events := func() int {
		evs, err := e.store.ReadStream(context.Background(), stream, eventstore.ReadStreamOptions{Max: 1000})
		if errors.Is(err, eventstore.ErrStreamNotFound) {
			return 0
		}
		if err != nil {
			t.Fatal(err)
		}
		return len(evs)
	}
	hostile := map[string]string{
		"NUL":      "Maandag\x00eerder weg",
		"escape":   "Maandag\x1b[31m",
		"RLO":      "Maandag\u202eeerder weg",
		"isolate":  "Maandag\u2066weg",
		"too long": strings.Repeat("x", 1001),
	}
	refused := func(what, method, path, actor string, body map[string]any, field string) {
		t.Helper()
		before := events()
		r := e.do(method, path, actor, body)
		code, f := r.ErrorCode(t)
		if r.Status != 422 || (code != "text_encoding" && code != "too_long") || f != field {
			t.Errorf("%s: %d %s (%s), want 422 on %s: %s", what, r.Status, code, f, field, r.Body)
		}
		if n := events(); n != before {
			t.Errorf("%s: %d events appended", what, n-before)
		}
	}
	for name, v := range hostile {
		refused("remark "+name, "POST", w05+"/remarks", "worker1", map[string]any{"text": v}, "text")
		refused("expense description "+name, "POST", w05+"/expenses", "worker1",
			map[string]any{"type": "other", "date": "2026-01-26", "amount_cents": 100, "description": v}, "description")
	}
	hash := e.offered()
	for name, v := range hostile {
		refused("reject reason "+name, "POST", w05+"/reject", "client1", map[string]any{"reason": v}, "reason")
	}
	e.must(200, "POST", w05+"/approve", "client1", map[string]any{"hash": hash, "step": 0})
	e.must(200, "POST", w05+"/approve", "inter1", map[string]any{"hash": hash, "step": 1})
	for name, v := range hostile {
		refused("import batch "+name, "POST", w05+"/imported", "payroll", map[string]any{"import_batch": v}, "import_batch")
	}
	refused("import batch with a line feed", "POST", w05+"/imported", "payroll", map[string]any{"import_batch": "b\n1"}, "import_batch")
	e.must(200, "POST", w05+"/imported", "payroll", map[string]any{"import_batch": "2026-06 🙂"})
}

func TestRemarksCapIs422(t *testing.T) {
	e := newEnv(t)
	const w04 = "/timesheets/p1/2026-W04"
	for i := range ts.MaxRemarks {
		if r := e.do("POST", w04+"/remarks", "worker1", map[string]any{"text": fmt.Sprint("opmerking ", i+1)}); r.Status >= 300 {
			t.Fatalf("remark %d: %d %s", i+1, r.Status, r.Body)
		}
	}
	r := e.do("POST", w04+"/remarks", "worker1", map[string]any{"text": "nog een"})
	if code, _ := r.ErrorCode(t); r.Status != 422 || code != "too_many_remarks" {
		t.Fatalf("remark 201: %d %s", r.Status, r.Body)
	}
}
