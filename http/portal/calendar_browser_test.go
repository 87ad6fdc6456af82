package portal_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestWeek53InBrowser: in chromium, on Monday 4 January 2027, the overview
// of 2026 ends with week 53, whose tooltip on focus names both years' dates;
// the sheet of week 53 offers the days of both years in its day list; both
// fit a phone. Screenshots: weeks-2026-w53, sheet-2026-w53.
func TestWeek53InBrowser(t *testing.T) {
	h, b := newBrowserHarness(t)
	defer h.Clock.Set(now)
	h.Clock.Set(time.Date(2027, 1, 4, 12, 0, 0, 0, time.UTC))
	browserLogin(b, h.URL, client3Email)

	b.Do(
		chromedp.Navigate(h.URL+"/plaatsingen/p3/weken?jaar=2026"),
		chromedp.WaitVisible(chromedp.ID("week-53")),
		chromedp.Focus(chromedp.ID("week-53")),
		chromedp.WaitVisible(chromedp.CSS("#week-53 .tip")),
	)
	tip, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS("#week-53 .tip")))
	if err != nil || tip != "28-12-2026 – 03-01-2027" {
		t.Errorf("focused week 53 shows %q (%v)", tip, err)
	}
	fitsPhone(t, b, "weeks 2026")
	b.Screenshots("weeks-2026-w53")

	b.Do(
		chromedp.Navigate(h.URL+"/plaatsingen/p3/weken/2026-W53"),
		chromedp.WaitVisible(chromedp.ID("dag")),
	)
	days, err := chromedp.Run(b.Ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#dag option")].map(o => o.value)`))
	want := []string{"2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02", "2027-01-03"}
	if err != nil || len(days) != len(want) {
		t.Fatalf("day list of 2026-W53: %v (%v), want %v", days, err, want)
	}
	for i := range want {
		if days[i] != want[i] {
			t.Errorf("day list of 2026-W53: %v, want %v", days, want)
			break
		}
	}
	fitsPhone(t, b, "sheet 2026-W53")
	b.Screenshots("sheet-2026-w53")
}
