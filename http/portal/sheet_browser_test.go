package portal_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"backoffice/internal/browsertest"
)

// phoneCheck measures the page in the browser: horizontal overflow, and
// for each selector whether the element lies fully inside the viewport's
// width (reachable without scrolling sideways).
const phoneCheck = `(() => {
  const out = {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, outside: []};
  // A table that scrolls inside its box is sideways scrolling too.
  document.querySelectorAll(".table-wrap").forEach((el, i) => {
    if (el.scrollWidth > el.clientWidth + 1) { out.outside.push("table-wrap#" + i + " scrolls: " + el.scrollWidth + " > " + el.clientWidth); }
  });
  for (const sel of %q.split("|")) {
    const els = document.querySelectorAll(sel);
    if (els.length === 0) { out.outside.push(sel + ": missing"); continue; }
    els.forEach((el, i) => {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.left < 0 || r.right > window.innerWidth) { out.outside.push(sel + "#" + i + " at " + r.left + ".." + r.right); }
    });
  }
  return out;
})()`

type phoneLayout struct {
	ScrollWidth int      `json:"scrollWidth"`
	InnerWidth  int      `json:"innerWidth"`
	Outside     []string `json:"outside"`
}

// barInView scrolls the hours into view and says whether the week total
// bar is then on screen.
const barInView = `(() => {
  document.querySelector('[data-day-row="0"]').scrollIntoView({block: "start"});
  const r = document.getElementById("week-total-bar").getBoundingClientRect();
  return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight;
})()`

// TestSheetOnAPhone (issue 16 §1): at 360 and 390 px the timesheet editor
// and the approval screen need no horizontal scrolling; every day's total
// and the week total are on screen, and the editor's and approver's
// buttons are reachable. (The walk takes their screenshots.)
func TestSheetOnAPhone(t *testing.T) {
	h, b := newBrowserHarness(t)
	screens := []struct {
		name, email, path, wait string
		reachable               string
	}{
		{"editor", clientEmail, "/plaatsingen/p1/weken/2026-W05", "save-lines",
			"[data-day-total]|#week-total|[id=\"line.100.mon\"]|[id=\"line.125.sun\"]|#save-lines|.line-list button|#offer"},
		{"approval", client2Email, "/plaatsingen/p2/weken/2026-W05", "approve",
			"[data-day-total]|#week-total|#approve|#reject|#reden"},
		{"time-registration", client3Email, "/plaatsingen/p3/weken/2026-W06", "tijd",
			"[data-day-total]|#week-total|.row-actions a|.row-actions button|#exp-h ~ .table-wrap button|#begin|#pauze"},
	}
	for _, s := range screens {
		browserLogin(b, h.URL, s.email)
		b.Do(chromedp.Navigate(h.URL+s.path), chromedp.WaitVisible(chromedp.ID(s.wait)))
		for _, width := range []int64{360, 390} {
			b.Do(chromedp.EmulateViewport(width, 780))
			got, err := chromedp.Run(b.Ctx, chromedp.Evaluate[phoneLayout](fmt.Sprintf(phoneCheck, s.reachable)))
			if err != nil {
				t.Fatal(err)
			}
			if got.ScrollWidth > got.InnerWidth {
				t.Errorf("%s at %d px: the page is %d px wide", s.name, width, got.ScrollWidth)
			}
			if len(got.Outside) > 0 {
				t.Errorf("%s at %d px: not on screen: %v", s.name, width, got.Outside)
			}
			inView, err := chromedp.Run(b.Ctx, chromedp.Evaluate[bool](barInView))
			if err != nil || !inView {
				t.Errorf("%s at %d px: the week total bar is not in view with the hours (%v)", s.name, width, err)
			}
		}
		// The next screen loads at desktop width, as a screen does here.
		b.Do(chromedp.EmulateViewport(browsertest.DesktopWidth, browsertest.DesktopHeight))
	}
}

// TestBadHoursValueInBrowser (issue 16 §7): a value that cannot be read
// keeps the grid as it was (no wider column, no sideways scrolling), shows
// the error at its cell and keeps the other typed values in the totals.
func TestBadHoursValueInBrowser(t *testing.T) {
	h, b := newBrowserAs(t, clientEmail)
	width := `document.getElementById("grid").getBoundingClientRect().width`
	b.Do(
		chromedp.Navigate(h.URL+"/plaatsingen/p1/weken/2026-W06"),
		chromedp.WaitVisible(chromedp.CSS(`[id="line.100.mon"]`)),
	)
	before, err := chromedp.Run(b.Ctx, chromedp.Evaluate[float64](width))
	if err != nil {
		t.Fatal(err)
	}
	b.Do(
		chromedp.SendKeys(chromedp.CSS(`[id="line.100.mon"]`), "8"),
		chromedp.SendKeys(chromedp.CSS(`[id="line.100.tue"]`), "acht"),
		chromedp.SendKeys(chromedp.CSS(`[id="line.100.wed"]`), "7,5"),
		chromedp.Click(chromedp.ID("save-lines")),
		chromedp.WaitVisible(chromedp.CSS(`[id="err-line.100.tue"]`)),
	)
	b.Screenshots("editor-bad-value")
	after, err := chromedp.Run(b.Ctx, chromedp.Evaluate[float64](width))
	if err != nil {
		t.Fatal(err)
	}
	if after > before+1 {
		t.Errorf("the grid grew from %.0f to %.0f px with the error", before, after)
	}
	for sel, want := range map[string]string{
		`#week-total`:             "15,5",
		`[data-day-total="0"]`:    "8",
		`[data-day-total="2"]`:    "7,5",
		`[data-line-total="100"]`: "15,5",
	} {
		got, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil || strings.TrimSpace(got) != want {
			t.Errorf("%s = %q (%v), want %s", sel, got, err, want)
		}
	}
	for id, want := range map[string]string{"line.100.mon": "8", "line.100.tue": "acht", "line.100.wed": "7,5"} {
		got, err := chromedp.Run(b.Ctx, chromedp.Value(chromedp.CSS(`[id="`+id+`"]`)))
		if err != nil || got != want {
			t.Errorf("%s = %q (%v), want %q", id, got, err, want)
		}
	}
	b.Do(chromedp.EmulateViewport(390, 844))
	got, err := chromedp.Run(b.Ctx, chromedp.Evaluate[phoneLayout](fmt.Sprintf(phoneCheck, `[id="err-line.100.tue"]|[data-day-total]|#save-lines`)))
	if err != nil {
		t.Fatal(err)
	}
	if got.ScrollWidth > got.InnerWidth || len(got.Outside) > 0 {
		t.Errorf("at 390 px with the error: page %d px, not on screen %v", got.ScrollWidth, got.Outside)
	}
}

// TestSheetFixesInBrowser walks the smaller fixes of issue 16 in chromium:
// a break typed as "30" (§3), the week overview starting at the placement
// (§6), the list's deadline of an open timesheet (§10) and the client's
// own approval step done with who is next (§4).
func TestSheetFixesInBrowser(t *testing.T) {
	h, b := newBrowserHarness(t)
	text := b.Text

	browserLogin(b, h.URL, client3Email)
	b.Do(
		chromedp.Navigate(h.URL+"/plaatsingen/p3/weken/2026-W06"),
		chromedp.WaitVisible(chromedp.ID("pauze")),
		chromedp.SetValue(chromedp.ID("dag"), "2026-02-04"),
		chromedp.SetValue(chromedp.ID("begin"), "08:00"),
		chromedp.SetValue(chromedp.ID("eind"), "16:30"),
		chromedp.SendKeys(chromedp.ID("pauze"), "30"),
		chromedp.Submit(chromedp.ID("pauze")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if rows := text("#entries tbody"); !strings.Contains(rows, "woensdag 04-02-2026") || !strings.Contains(rows, "0:30") {
		t.Errorf("the entry with a 30-minute break is not listed: %q", rows)
	}

	browserLogin(b, h.URL, clientEmail)
	b.Do(chromedp.Navigate(h.URL+"/plaatsingen/p1/weken?jaar=2025"), chromedp.WaitVisible(chromedp.ID("weeks-start")))
	if n, err := chromedp.Run(b.Ctx, chromedp.Evaluate[int](`document.querySelectorAll(".weeks li").length`)); err != nil || n != 8 {
		t.Errorf("2025 shows %d week tiles (%v), want weeks 45..52", n, err)
	}
	// The grid's arrow keys: down to the same line on the next day, right
	// to the next line of the day.
	b.Do(
		chromedp.Navigate(h.URL+"/plaatsingen/p1/weken/2026-W05"),
		chromedp.WaitVisible(chromedp.CSS(`[id="line.100.mon"]`)),
		chromedp.Focus(chromedp.CSS(`[id="line.100.mon"]`)),
		chromedp.KeyEvent(kb.ArrowDown),
	)
	if id, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`document.activeElement.id`)); err != nil || id != "line.100.tue" {
		t.Errorf("arrow down from Monday went to %q (%v)", id, err)
	}
	b.Do(chromedp.KeyEvent(kb.End), chromedp.KeyEvent(kb.ArrowRight))
	if id, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`document.activeElement.id`)); err != nil || id != "line.125.tue" {
		t.Errorf("arrow right from Tuesday's normal hours went to %q (%v)", id, err)
	}
	b.Do(chromedp.Navigate(h.URL+"/urenbriefjes"), chromedp.WaitVisible(chromedp.CSS("table.list")))
	row, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](
		`document.querySelector('a[href="/plaatsingen/p1/weken/2026-W05"]').closest("tr").innerText`))
	if err != nil || !strings.Contains(row, "invoeren vóór maandag 02-02-2026 24:00") || strings.Contains(row, "accorderen") {
		t.Errorf("the open timesheet's row reads %q (%v)", row, err)
	}

	browserLogin(b, h.URL, client2Email)
	b.Do(
		chromedp.Navigate(h.URL+"/plaatsingen/p2/weken/2026-W06"),
		chromedp.WaitVisible(chromedp.ID("approve")),
		chromedp.Click(chromedp.ID("approve")),
		chromedp.WaitVisible(chromedp.ID("my-step")),
	)
	if s := text("#my-step"); !strings.Contains(s, "U heeft uw stap geaccordeerd. Nu is de intermediair aan de beurt.") {
		t.Errorf("after the own step: %q", s)
	}
	if s := text("#steps"); !strings.Contains(s, "geaccordeerd door Rik Rijn") || !strings.Contains(s, "aan de beurt") {
		t.Errorf("the steps read %q", s)
	}
	b.Screenshots("sheet-own-step-done")
}
