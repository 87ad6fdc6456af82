package timesheetapi_test

import "testing"

// TestSetLines: PUT .../lines sets several lines in one command; a refusal
// of the last line leaves the others as they were, and the error names the
// refused line by index.
func TestSetLines(t *testing.T) {
	e := newEnv(t)
	lines := w05 + "/lines"
	pos := e.must(200, "PUT", lines+"/100", "worker1", map[string]any{"minutes": []int{480, 480, 0, 0, 0, 0, 0}}).Position(t)

	r := e.must(422, "PUT", lines, "worker1", map[string]any{"lines": []any{
		map[string]any{"hour_type": "100", "minutes": []int{420, 480, 0, 0, 0, 0, 0}},
		map[string]any{"hour_type": "125", "hours": []string{"", "", "", "", "", "", ""}},
		map[string]any{"hour_type": "999", "minutes": []int{60, 0, 0, 0, 0, 0, 0}},
	}})
	code, field := r.ErrorCode(t)
	if code != "hour_type_not_agreed" || field != "lines[2].hour_type" {
		t.Fatalf("error %s at %s, want hour_type_not_agreed at lines[2].hour_type", code, field)
	}
	if d := e.detail("worker1", w05, pos); len(d.Lines) != 1 || d.Lines[0].Minutes[0] != 480 {
		t.Fatalf("a refused batch changed the lines: %+v", d.Lines)
	}

	pos = e.must(200, "PUT", lines, "worker1", map[string]any{"lines": []any{
		map[string]any{"hour_type": "100", "minutes": []int{420, 480, 0, 0, 0, 0, 0}},
		map[string]any{"hour_type": "125", "hours": []string{"1", "", "", "", "", "", ""}},
	}}).Position(t)
	d := e.detail("worker1", w05, pos)
	if len(d.Lines) != 2 || d.Lines[0].Minutes[0]+d.Lines[1].Minutes[0] != 480 {
		t.Fatalf("after the batch: %+v", d.Lines)
	}
}
