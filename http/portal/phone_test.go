package portal_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"backoffice/internal/browsertest"
)

// tap is a finger tap (touch events, then the click) at the middle of the
// element with id.
func tap(t *testing.T, b *browsertest.Browser, id string) { t.Helper(); tapThen(t, b, id, false) }

// tapThen taps; with navigates the tap opens another page, and the
// browser may drop the touch's acknowledgement with the old page: the
// test then waits for the new page instead of the acknowledgement.
func tapThen(t *testing.T, b *browsertest.Browser, id string, navigates bool) {
	t.Helper()
	b.Do(chromedp.ScrollIntoView(chromedp.ID(id)))
	box, err := chromedp.Run(b.Ctx, chromedp.Dimensions(chromedp.ID(id)))
	if err != nil {
		t.Fatalf("box of #%s: %v", id, err)
	}
	x, y := (box.Content[0]+box.Content[4])/2, (box.Content[1]+box.Content[5])/2
	touch := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: input.DispatchTouchEventTypeTouchStart,
			TouchPoints: []*input.TouchPoint{{X: x, Y: y}}}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, t, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: input.DispatchTouchEventTypeTouchEnd,
			TouchPoints: []*input.TouchPoint{}})
		return err
	})
	if !navigates {
		b.Do(touch)
		return
	}
	ctx, cancel := context.WithTimeout(b.Ctx, 3*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, touch); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("tap #%s: %v", id, err)
	}
}

// TestWeekDatesOnTap: on a phone the week overview shows a week's dates
// on the first tap (there is no hover), and opens the week on the second.
func TestWeekDatesOnTap(t *testing.T) {
	h, b := newBrowserAs(t, clientEmail)
	b.Do(
		chromedp.EmulateViewport(browsertest.PhoneWidth, browsertest.PhoneHeight),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: true, MaxTouchPoints: 1})
			return err
		}),
		chromedp.Navigate(h.URL+"/plaatsingen/p1/weken?jaar=2026"),
		chromedp.WaitVisible(chromedp.ID("week-5")),
		chromedp.WaitNotVisible(chromedp.CSS("#week-5 .tip")),
	)
	tap(t, b, "week-5")
	b.Do(chromedp.WaitVisible(chromedp.CSS("#week-5 .tip")))
	loc, err := chromedp.Run(b.Ctx, chromedp.Location())
	if err != nil || !strings.HasSuffix(loc, "/weken?jaar=2026") {
		t.Fatalf("the first tap left the overview: %s (%v)", loc, err)
	}
	tip, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS("#week-5 .tip")))
	if err != nil || tip != "26-01-2026 – 01-02-2026" {
		t.Fatalf("tapped week 5 shows %q (%v)", tip, err)
	}
	// A grey week shows its dates too; the other tip closes.
	tap(t, b, "week-9")
	b.Do(chromedp.WaitVisible(chromedp.CSS("#week-9 .tip")), chromedp.WaitNotVisible(chromedp.CSS("#week-5 .tip")))
	b.Screenshot("weeks-tap", browsertest.PhoneWidth, browsertest.PhoneHeight)
	// A week at the right edge: its dates stay on the screen.
	tap(t, b, "week-12")
	b.Do(chromedp.WaitVisible(chromedp.CSS("#week-12 .tip")))
	if over, culprits := b.Overflow(); over > 0 {
		t.Fatalf("the dates of week 12 stick out %d px: %v", over, culprits)
	}
	// Tap, tap: the week opens.
	tap(t, b, "week-5")
	b.Do(chromedp.WaitVisible(chromedp.CSS("#week-5 .tip")))
	tapThen(t, b, "week-5", true)
	b.Do(chromedp.WaitVisible(chromedp.CSS(`[id="line.100.mon"]`)))
}

// tabTo presses Tab until the focused element matches css (at most max
// times) and checks that the focus is visible there.
func tabTo(t *testing.T, b *browsertest.Browser, css string, max int) {
	t.Helper()
	for range max {
		b.Do(chromedp.KeyEvent(kb.Tab))
		at, err := chromedp.Run(b.Ctx, chromedp.Evaluate[bool](`document.activeElement && document.activeElement.matches(`+jsString(css)+`)`))
		if err != nil {
			t.Fatal(err)
		}
		if at {
			outline, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`getComputedStyle(document.activeElement).outlineStyle`))
			if err != nil || outline == "none" {
				t.Fatalf("focus on %s is not visible (outline %q, %v)", css, outline, err)
			}
			return
		}
	}
	active, _ := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`document.activeElement ? document.activeElement.outerHTML.slice(0, 120) : ""`))
	t.Fatalf("%d times Tab did not reach %s (focus on %s)", max, css, active)
}

func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// TestTimesheetByKeyboard walks the timesheet flow with the keyboard
// only: Tab to a week in the overview and open it with Enter, type hours,
// save with Enter, offer with Enter.
func TestTimesheetByKeyboard(t *testing.T) {
	h, b := newBrowserAs(t, clientEmail)
	b.Do(chromedp.Navigate(h.URL+"/plaatsingen/p1/weken?jaar=2026"), chromedp.WaitVisible(chromedp.ID("week-5")))

	tabTo(t, b, "#week-5", 40)
	b.Do(chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.CSS(`[id="line.100.tue"]`)))
	tabTo(t, b, `[id="line.100.tue"]`, 40)
	// Tab into a text field selects its value: typing replaces it.
	b.Do(chromedp.KeyEvent("7"))
	if v, err := chromedp.Run(b.Ctx, chromedp.Value(chromedp.CSS(`[id="line.100.tue"]`))); err != nil || v != "7" {
		t.Fatalf("Tuesday after typing: %q (%v)", v, err)
	}
	tabTo(t, b, "#save-lines", 40)
	b.Do(chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if v, err := chromedp.Run(b.Ctx, chromedp.Value(chromedp.CSS(`[id="line.100.tue"]`))); err != nil || v != "7" {
		t.Fatalf("Tuesday after saving: %q (%v)", v, err)
	}
	tabTo(t, b, "#offer", 80)
	b.Do(chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.ID("next")))
	if got, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.ID("next"))); err != nil || !strings.Contains(got, "intermediair") {
		t.Fatalf("after offering: %q (%v)", got, err)
	}
	b.Screenshots("keyboard-offered")
}
