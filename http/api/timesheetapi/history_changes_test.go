package timesheetapi_test

import (
	"reflect"
	"testing"

	rm "backoffice/readmodel/timesheets"
)

// TestHistoryShowsWhatChanged: each history event lists what it changed,
// per hour type and day, before → after, and status changes.
func TestHistoryShowsWhatChanged(t *testing.T) {
	e := newEnv(t)
	e.must(200, "PUT", w05+"/lines/100", "worker1", map[string]any{"hours": []string{"8", "8", "", "", "", "", ""}})
	e.must(200, "PUT", w05+"/lines/100", "worker1", map[string]any{"hours": []string{"8", "7:30", "4", "", "", "", ""}})
	pos := e.must(200, "POST", w05+"/offer", "worker1", nil).Position(t)
	var h struct {
		Events []rm.HistoryEvent `json:"events"`
	}
	e.must(200, "GET", w05+"/history?min_position="+pos, "client1", nil).Decode(t, &h)
	var got [][]rm.Change
	for _, ev := range h.Events {
		if ev.Type != "timesheet.opened" {
			got = append(got, ev.Changes)
		}
	}
	want := [][]rm.Change{
		{
			{Field: "minutes", HourType: "100", Date: "2026-01-26", Before: "0:00", After: "8:00"},
			{Field: "minutes", HourType: "100", Date: "2026-01-27", Before: "0:00", After: "8:00"},
		},
		{
			{Field: "minutes", HourType: "100", Date: "2026-01-27", Before: "8:00", After: "7:30"},
			{Field: "minutes", HourType: "100", Date: "2026-01-28", Before: "0:00", After: "4:00"},
		},
		{{Field: "status", Before: "open", After: "offered"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("changes = %+v\nwant      %+v\n(history %+v)", got, want, h.Events)
	}
	if h.Events[0].Type != "timesheet.opened" || len(h.Events[0].Changes) != 1 || h.Events[0].Changes[0].After != "open" {
		t.Fatalf("opened: %+v", h.Events[0])
	}
}
