package portal_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"backoffice/commands"
	tscmd "backoffice/commands/timesheet"
	"backoffice/domain/timesheet"
)

// TestHistoryNamesARunOnFollowUp: the previous week's follow-up of a
// change in the next week (its continuous Sunday shift now ends where the
// next week's first shift starts) is named as such in the previous week's
// history, not as an edit of its own.
func TestHistoryNamesARunOnFollowUp(t *testing.T) {
	h := newHarnessAs(t, client3Email)
	ctx := context.Background()
	m := commands.Meta{Actor: h.accounts[client3Email]}
	target := func(w int) tscmd.Target { return tscmd.Target{PlacementID: "p3", Week: wk(w)} }
	if _, _, err := h.App.Timesheets.AddEntry(ctx, m, tscmd.AddEntry{Target: target(4),
		Entry: timesheet.EntryInput{Date: wk(4).Day(6), Start: 22 * 60, End: 6 * 60, Continuous: true}}); err != nil {
		t.Fatal(err)
	}
	_, _, err := h.App.Timesheets.AddEntry(ctx, m, tscmd.AddEntry{Target: target(5),
		Entry: timesheet.EntryInput{Date: wk(5).Day(0), Start: 5 * 60, End: 8 * 60}})
	if err != nil {
		t.Fatal(err)
	}
	h.WaitForProjections(t)
	if r, body := h.get("/plaatsingen/p3/weken/2026-W04/geschiedenis"); r.StatusCode != http.StatusOK || !strings.Contains(body, "Doorlopende dienst volgt de volgende week") {
		t.Fatalf("history of week 4: %d, without the follow-up named:\n%s", r.StatusCode, body)
	}
}
