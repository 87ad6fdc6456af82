package timesheetapi_test

import (
	"strings"
	"testing"
)

// TestHistoryRefusesATamperedStream: once a timesheet's event was changed
// in the database behind the application's back, its history and its
// replay as of a moment answer 500 ledger_integrity, like a command on it.
// They answered 200 with the changed contents, as if recorded so.
func TestHistoryRefusesATamperedStream(t *testing.T) {
	e := newEnv(t)
	e.must(200, "PUT", w05+"/lines/100", "worker1", map[string]any{"hours": []string{"8", "8", "", "", "", "", ""}})
	pos := e.must(200, "POST", w05+"/offer", "worker1", nil).Position(t)
	for _, path := range []string{w05 + "/history?min_position=" + pos, w05 + "/history?as_of=" + pos, w05 + "?as_of=" + pos} {
		e.must(200, "GET", path, "auditor", nil)
	}
	if _, err := e.pool.Exec(t.Context(), `ALTER TABLE eventstore_events DISABLE TRIGGER eventstore_append_only;
		UPDATE eventstore_events SET data = replace(data::text, '480', '600')::json WHERE stream LIKE 'timesheet-%' AND revision = 1;
		ALTER TABLE eventstore_events ENABLE TRIGGER eventstore_append_only`); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{w05 + "/history", w05 + "/history?as_of=" + pos, w05 + "?as_of=" + pos} {
		for _, who := range []string{"auditor", "worker1"} {
			if r := e.do("GET", path, who, nil); r.Status != 500 || r.Code() != "ledger_integrity" || strings.Contains(string(r.Body), "600") {
				t.Errorf("GET %s as %s after tampering: %d %s, want 500 ledger_integrity", path, who, r.Status, r.Body)
			}
		}
	}
	e.must(500, "POST", w05+"/remarks", "client1", map[string]string{"text": "klopt dit?"})
}
