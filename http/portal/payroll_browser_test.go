package portal_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"backoffice/commands"
	tscmd "backoffice/commands/timesheet"
	"backoffice/domain/timesheet"
	"backoffice/internal/browsertest"
)

// TestPayrollInBrowser: the back office exports Bakkerij Bol's week 2 from
// the backlog row, sees the batch and confirms it; then a corrected
// timesheet's rounds on its history. Screenshots at desktop and phone
// width, and at 390 px no page is wider than the screen.
func TestPayrollInBrowser(t *testing.T) {
	skipInShort(t)
	f := newFixture(t)
	f.setUpPayroll(t, true)
	correctWeek1(t, f)
	h := newHarnessOn(t, f)
	b := browsertest.New(t)
	url := h.URL
	text := b.Text

	browserLogin(b, url, boEmail)
	b.Do(
		chromedp.Click(chromedp.CSS(`nav a[href="/salarisverwerking"]`)),
		chromedp.WaitVisible(chromedp.ID("backlog-table")),
	)
	b.Screenshots("payroll")
	fitsPhone(t, b, "/salarisverwerking")
	if got := text("#corrections-table tbody"); !strings.Contains(got, "wacht op export") {
		t.Fatalf("corrections waiting: %q", got)
	}

	// Export from the row of Bakkerij Bol, week 2.
	b.Do(
		chromedp.Click(chromedp.CSS(`#backlog-table form input[name="nummer"][value="2"] ~ button`)),
		chromedp.WaitVisible(chromedp.ID("batch-facts")),
	)
	if got := text("#batch-status"); got != "Open" {
		t.Fatalf("new batch status %q", got)
	}
	b.Screenshots("payroll-batch")
	fitsPhone(t, b, "batch page")
	b.Do(
		chromedp.Click(chromedp.CSS(`#confirm-form button`)),
		chromedp.WaitNotPresent(chromedp.ID("confirm-form")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if got := text("#batch-status"); got != "Bevestigd" {
		t.Fatalf("after confirm: %q", got)
	}
	b.Screenshots("payroll-batch-confirmed")

	// A client's payroll settings.
	b.Do(
		chromedp.Navigate(url+"/salarisverwerking/opdrachtgevers/bol"),
		chromedp.WaitVisible(chromedp.ID("mapping-form")),
	)
	b.Screenshots("payroll-client")
	fitsPhone(t, b, "client settings")

	// The corrected timesheet's rounds, side by side.
	b.Do(
		chromedp.Navigate(url+"/plaatsingen/p1/weken/2026-W01/geschiedenis"),
		chromedp.WaitVisible(chromedp.ID("rounds-hours")),
	)
	b.Screenshots("history-rounds")
	fitsPhone(t, b, "history with rounds")
}

// correctWeek1 reopens Jan's imported week 1, corrects Tuesday and
// Saturday and approves round 2.
func correctWeek1(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	target := tscmd.Target{PlacementID: "p1", Week: wk(1)}
	if _, err := f.App.PortalDeps.Payroll.Reopen(ctx, commands.Meta{Actor: f.accounts[boEmail]},
		tscmd.Reopen{Target: target, Reason: "Dinsdag was 7 uur"}); err != nil {
		t.Fatal(err)
	}
	ts := f.App.Timesheets
	client := commands.Meta{Actor: f.accounts[clientEmail]}
	if _, err := ts.SetLine(ctx, client, tscmd.SetLine{Target: target, HourType: "100",
		Minutes: [7]timesheet.Minutes{480, 420, 450, 480, 240, 120, 0}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Offer(ctx, client, tscmd.Offer{Target: target}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Approve(ctx, commands.Meta{Actor: f.accounts[interEmail]}, tscmd.Approve{Target: target}); err != nil {
		t.Fatal(err)
	}
	f.WaitForProjections(t)
}
