package timesheetapi_test

import (
	"strings"
	"testing"

	rm "backoffice/readmodel/timesheets"
)

// TestOtherTenants: the worker, client and intermediary of another tenant
// get 404 on every timesheet endpoint of p1 and never see its rows.
func TestOtherTenants(t *testing.T) {
	e := newEnv(t)
	hash := e.offered()
	pos := e.must(201, "POST", "/timesheets/p1/2026-W06/expenses", "worker1",
		map[string]any{"type": "parking", "date": "2026-02-02", "amount_cents": 450}).Position(
		t)

	entry := map[string]any{"date": "2026-01-26", "start": "08:00", "end": "16:30", "break_minutes": 30}
	endpoints := []struct {
		method, path string
		Body         any
	}{
		{"GET", w05, nil},
		{"GET", w05 + "/history", nil},
		{"GET", "/placements/p1/weeks?year=2026", nil},
		{"PUT", w05 + "/lines/100", map[string]any{"minutes": []int{60, 0, 0, 0, 0, 0, 0}}},
		{"PUT", "/timesheets/p1/2026-W06/lines/100", map[string]any{"hours": []string{"8", "", "", "", "", "", ""}}},
		{"DELETE", w05 + "/lines/100", nil},
		{"PUT", w05 + "/lines", map[string]any{"lines": []any{map[string]any{"hour_type": "100", "minutes": []int{60, 0, 0, 0, 0, 0, 0}}}}},
		{"POST", w05 + "/lines", map[string]any{"hour_type": "125"}},
		{"POST", "/timesheets/p1/2026-W06/lines", map[string]any{"hour_type": "125"}},
		{"POST", w05 + "/entries", entry},
		{"PUT", w05 + "/entries/1", entry},
		{"DELETE", w05 + "/entries/1", nil},
		{"POST", "/timesheets/p1/2026-W06/expenses", map[string]any{"type": "parking", "date": "2026-02-02", "amount_cents": 100}},
		{"DELETE", "/timesheets/p1/2026-W06/expenses/1", nil},
		{"POST", w05 + "/remarks", map[string]any{"text": "hallo"}},
		{"POST", w05 + "/offer", nil},
		{"POST", w05 + "/offer/withdraw", nil},
		{"POST", w05 + "/approve", map[string]any{"hash": hash, "step": 0}},
		{"POST", w05 + "/approve", nil},
		{"POST", w05 + "/reject", map[string]any{"reason": "nee"}},
		{"POST", w05 + "/imported", map[string]any{"import_batch": "b1"}},
	}
	for _, actor := range []string{"worker2", "client2", "inter2"} {
		for _, ep := range endpoints {
			r := e.do(ep.method, ep.path+sep(ep.path)+"min_position="+pos, actor, ep.Body)
			if r.Status != 404 {
				t.Errorf("%s %s as %s: status %d, want 404: %s", ep.method, ep.path, actor, r.Status, r.Body)
			}
			if strings.Contains(string(r.Body), "w1") || strings.Contains(string(r.Body), "c1") {
				t.Errorf("%s %s as %s leaks data: %s", ep.method, ep.path, actor, r.Body)
			}
		}
		// Bulk approval: the item is not found, nothing else is said.
		var bulk struct {
			Results []struct {
				Status int `json:"status"`
			} `json:"results"`
		}
		e.must(200, "POST", "/timesheets/approve", actor, map[string]any{"items": []map[string]any{{"placement": "p1", "week": "2026-W05"}}}).Decode(t, &bulk)
		if len(bulk.Results) != 1 || bulk.Results[0].Status != 404 {
			t.Errorf("bulk approve as %s: %+v, want one 404", actor, bulk)
		}
		// Lists and overview hold none of tenant 1's rows.
		var page rm.Page
		e.must(200, "GET", "/timesheets?min_position="+pos, actor, nil).Decode(t, &page)
		if len(page.Items) != 0 {
			t.Errorf("list as %s: %+v, want empty", actor, page)
		}
		e.must(200, "GET", "/timesheets?placement=p1&min_position="+pos, actor, nil).Decode(t, &page)
		if len(page.Items) != 0 {
			t.Errorf("list of p1 as %s: %+v, want empty", actor, page)
		}
		if o := e.overview(actor, pos); o != (rm.Overview{}) {
			t.Errorf("overview as %s = %+v, want zeros", actor, o)
		}
	}
	// The own tenant sees both timesheets; unauthenticated requests get 401.
	var page rm.Page
	e.must(200, "GET", "/timesheets?min_position="+pos, "inter1", nil).Decode(t, &page)
	if len(page.Items) != 2 || page.Items[0].Week != "2026-W06" {
		t.Fatalf("list as inter1: %+v", page)
	}
	e.must(401, "GET", "/overview", "", nil)
	e.must(401, "POST", w05+"/offer", "", nil)
	// The stream is untouched by all of this: still offered, round 1.
	d := e.detail("client1", w05, pos)
	if d.Status != "offered" || d.Round != 1 || len(d.Steps) != 2 || d.Steps[0].Approved {
		t.Fatalf("p1 W05 changed: %+v", d)
	}
}

func sep(path string) string {
	if strings.Contains(path, "?") {
		return "&"
	}
	return "?"
}
