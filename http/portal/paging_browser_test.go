package portal_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"backoffice/internal/browsertest"
)

// TestPagedListsInBrowser: for a client with 300 more workers, the paged
// lists (Urenbriefjes with a filter, Werknemers with its search, Facturen,
// Documenten, the hours report) fit a 390 px phone with their pager, and
// "Volgende pagina" in chromium opens the next page with the filter kept;
// screenshots at both widths.
func TestPagedListsInBrowser(t *testing.T) {
	h, b := newBrowserAs(t, clientEmail)
	seedScale(t, h.Pool, 300, 4, 250)
	h.loginAs(clientEmail, "nl")
	for _, p := range []struct{ path, name string }{
		{"/urenbriefjes?status=open", "paged-timesheets"},
		{"/werknemers", "paged-workers"},
		{"/overige/facturen", "paged-invoices"},
		{"/overige/documenten", "paged-documents"},
		{"/overige/urenrapport?van=2026-W03&tot=2026-W04", "paged-report"},
	} {
		if !strings.Contains(h.mustGet(p.path), `id="page-next"`) {
			t.Fatalf("%s has no next page", p.path)
		}
		b.Do(
			chromedp.EmulateViewport(browsertest.DesktopWidth, browsertest.DesktopHeight),
			chromedp.Navigate(h.URL+p.path),
			chromedp.WaitVisible(chromedp.ID("page-next")),
		)
		b.Screenshots(p.name)
		fitsPhone(t, b, p.path)
	}
	b.Do(
		chromedp.Navigate(h.URL+"/urenbriefjes?status=open"),
		chromedp.WaitVisible(chromedp.ID("page-next")),
		chromedp.Click(chromedp.ID("page-next")),
		chromedp.WaitVisible(chromedp.ID("page-first")),
	)
	loc, err := chromedp.Run(b.Ctx, chromedp.Location())
	if err != nil || !strings.Contains(loc, "status=open") || !strings.Contains(loc, "cursor=") {
		t.Fatalf("next page at %s (%v)", loc, err)
	}
	if sel, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`document.getElementById("status").value`)); err != nil || sel != "open" {
		t.Errorf("the filter on page 2 shows %q (%v)", sel, err)
	}
}
