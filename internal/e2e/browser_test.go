package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"backoffice/internal/browsertest"
)

// logout drops the browser's cookies (and so the session).
var logout = chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
	_, err := cdp.Call(ctx, t, network.ClearBrowserCookies, cdp.Empty{})
	return err
})

// user drives one browser through the portal.
type user struct {
	t   *testing.T
	b   *browsertest.Browser
	url string
}

// newUser starts a browser; when the test fails, the log gets the page
// it was on.
// newBrowserTest starts the application and a browser on it for a browser
// test, in parallel with the others; -short skips it.
func newBrowserTest(t *testing.T) (*env, *user) {
	if testing.Short() {
		t.Skip("browser test")
	}
	t.Parallel()
	e := newEnv(t)
	return e, newUser(t, e)
}

func newUser(t *testing.T, e *env) *user {
	b := browsertest.New(t)
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		ctx, cancel := context.WithTimeout(b.Ctx, 5*time.Second)
		defer cancel()
		text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText`))
		if err == nil {
			t.Logf("the browser was on %s", text)
		}
	})
	return &user{t: t, b: b, url: e.URL}
}

// as logs in through the form as email, after logging out whoever was
// logged in (the session cookie is dropped).
func (u *user) as(email string) {
	u.t.Helper()
	u.b.Do(
		logout,
		chromedp.Navigate(u.url+"/inloggen"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), "demo-wachtwoord"),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.CSS(".cards")),
	)
}

// text returns the text of the first element matching css.
func (u *user) text(css string) string {
	u.t.Helper()
	s, err := chromedp.Run(u.b.Ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		u.t.Fatalf("text of %s: %v", css, err)
	}
	return strings.TrimSpace(s)
}

// counts reads the home screen's status cards (the page must be home).
func (u *user) counts() string {
	u.t.Helper()
	var parts []string
	for _, st := range []string{"open", "offered", "rejected", "notapproved", "approved", "imported"} {
		parts = append(parts, st+"="+u.text(".card.st-"+st+" .count"))
	}
	return strings.Join(parts, " ")
}

// home opens the home screen and checks its counts.
func (u *user) home(want string) {
	u.t.Helper()
	u.b.Do(chromedp.Navigate(u.url+"/"), chromedp.WaitVisible(chromedp.CSS(".cards")))
	if got := u.counts(); got != want {
		u.t.Fatalf("home counts: %s, want %s", got, want)
	}
}

// weekColour opens the week overview of a placement's 2026 and returns
// the status class of a week's tile.
func (u *user) weekColour(placement string, week int) string {
	u.t.Helper()
	id := fmt.Sprintf("week-%d", week)
	u.b.Do(chromedp.Navigate(fmt.Sprintf("%s/plaatsingen/%s/weken?jaar=2026", u.url, placement)), chromedp.WaitVisible(chromedp.ID(id)))
	class, err := chromedp.Run(u.b.Ctx, chromedp.AttributeValue(chromedp.ID(id), "class"))
	if err != nil || !class.Exists {
		u.t.Fatalf("class of %s: %v", id, err)
	}
	for _, c := range strings.Fields(class.Value) {
		if strings.HasPrefix(c, "st-") {
			return strings.TrimPrefix(c, "st-")
		}
	}
	return class.Value
}

func (u *user) wantColour(placement string, week int, want string) {
	u.t.Helper()
	if got := u.weekColour(placement, week); got != want {
		u.t.Fatalf("week %d is %q, want %q", week, got, want)
	}
}

// setValue sets a form field's value (time inputs are locale dependent to
// type into; the value itself is not).
func setValue(css, value string) chromedp.Action[chromedp.Void] {
	return chromedp.SetValue(chromedp.CSS(css), value)
}

// TestTimesheetWorkflowInBrowser is the whole life of a timesheet in the
// portal: the worker fills week 6 (a night shift in the time registration
// and an overtime line), offers it; the client rejects it with a reason;
// the worker sees the reason, corrects and offers again; the client and
// then the intermediary approve. The week's colour and the home counts are
// checked at every step, and the main screens are captured at desktop and
// phone width.
func TestTimesheetWorkflowInBrowser(t *testing.T) {
	e, u := newBrowserTest(t)
	const p, wk = janPlacement, 6
	sheet := fmt.Sprintf("%s/plaatsingen/%s/weken/2026-W%02d", e.URL, p, wk)
	const none = "open=0 offered=0 rejected=0 notapproved=0 approved=0 imported=0"

	// The worker fills the week.
	u.as(janEmail)
	u.home(none)
	u.b.Screenshots("e2e-home-worker")
	u.wantColour(p, wk, "none")
	u.b.Do(
		chromedp.Click(chromedp.ID(fmt.Sprintf("week-%d", wk))),
		chromedp.WaitVisible(chromedp.ID("tijd")),
		// A day shift on Monday.
		setValue("#dag", "2026-02-02"), setValue("#begin", "07:00"), setValue("#eind", "15:30"),
		chromedp.SendKeys(chromedp.ID("pauze"), "0:30"),
		chromedp.Submit(chromedp.ID("pauze")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
		// A night shift from Friday into Saturday.
		setValue("#dag", "2026-02-06"), setValue("#begin", "22:00"), setValue("#eind", "06:00"),
		chromedp.SendKeys(chromedp.ID("pauze"), "0:30"),
		chromedp.Submit(chromedp.ID("pauze")),
		chromedp.WaitVisible(chromedp.Search(`//section[@id="tijd"]//td[normalize-space(.)="06:00"]`)),
		// An overtime line: 25 hours on Wednesday is refused in Dutch.
		setValue("#uursoort", "125"),
		chromedp.Submit(chromedp.ID("uursoort")),
		chromedp.WaitVisible(chromedp.CSS(`[id="line.125.wed"]`)),
		chromedp.SendKeys(chromedp.CSS(`[id="line.125.wed"]`), "25"),
		chromedp.Click(chromedp.ID("save-lines")),
		chromedp.WaitVisible(chromedp.CSS(`[id="err-line.125.wed"]`)),
	)
	if msg := u.text(`[id="err-line.125.wed"]`); !strings.Contains(msg, "meer dan 24 uur") {
		t.Fatalf("25 hours on Wednesday: %q", msg)
	}
	u.b.Screenshots("e2e-editor-error")
	u.b.Do(
		setValue(`[id="line.125.wed"]`, "2"),
		chromedp.Click(chromedp.ID("save-lines")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
		chromedp.WaitVisible(chromedp.Search(`//td[@data-day-total="2"][normalize-space(.)="2"]`)),
	)
	// Night shift: 7.5 hours booked on Friday, 8 on Monday, 2 overtime.
	if got := u.text(`#week-total`); got != "17,5" {
		t.Errorf("week total %q, want 17,5", got)
	}
	u.b.Screenshots("e2e-editor")
	u.home("open=1 offered=0 rejected=0 notapproved=1 approved=0 imported=0")
	u.wantColour(p, wk, "open")
	u.b.Do(chromedp.Navigate(sheet), chromedp.WaitVisible(chromedp.ID("offer")), chromedp.Click(chromedp.ID("offer")),
		chromedp.WaitVisible(chromedp.ID("next")))
	u.home("open=0 offered=1 rejected=0 notapproved=1 approved=0 imported=0")
	u.wantColour(p, wk, "offered")

	// The client rejects with a reason.
	const reason = "De nachtdienst van vrijdag begon om 23:00."
	u.as(keesEmail)
	u.home("open=0 offered=1 rejected=0 notapproved=1 approved=0 imported=0")
	u.b.Do(chromedp.Navigate(sheet), chromedp.WaitVisible(chromedp.ID("approve")))
	u.b.Screenshots("e2e-approval")
	u.b.Do(
		chromedp.SendKeys(chromedp.ID("reden"), reason),
		chromedp.Click(chromedp.ID("reject")),
		chromedp.WaitVisible(chromedp.ID("rejection")),
	)
	u.home("open=0 offered=0 rejected=1 notapproved=1 approved=0 imported=0")
	u.wantColour(p, wk, "rejected")

	// The worker sees the reason, corrects the night shift and offers again.
	u.as(janEmail)
	u.home("open=0 offered=0 rejected=1 notapproved=1 approved=0 imported=0")
	u.wantColour(p, wk, "rejected")
	u.b.Do(chromedp.Navigate(sheet), chromedp.WaitVisible(chromedp.ID("rejection")))
	if got := u.text("#rejection"); !strings.Contains(got, reason) {
		t.Fatalf("the worker sees %q, want the reason", got)
	}
	u.b.Do(
		chromedp.Click(chromedp.Search(`//section[@id="tijd"]//tr[td[normalize-space(.)="22:00"]]//a`)),
		chromedp.WaitVisible(chromedp.Search(`//section[@id="tijd"]//h3[contains(., "wijzigen") or contains(., "Wijzigen")]`)),
		setValue("#begin", "23:00"),
		chromedp.Submit(chromedp.ID("begin")),
		chromedp.WaitVisible(chromedp.Search(`//section[@id="tijd"]//td[normalize-space(.)="23:00"]`)),
		chromedp.Click(chromedp.ID("offer")),
		chromedp.WaitVisible(chromedp.ID("next")),
	)
	u.home("open=0 offered=1 rejected=0 notapproved=1 approved=0 imported=0")
	u.wantColour(p, wk, "offered")

	// The client approves the first step; the intermediary the last.
	u.as(keesEmail)
	// The page before the click shows #next too (the client's own step), so
	// wait for the confirmation that only the page after the redirect has.
	u.b.Do(chromedp.Navigate(sheet), chromedp.WaitVisible(chromedp.ID("approve")), chromedp.Click(chromedp.ID("approve")),
		chromedp.WaitVisible(chromedp.CSS("p.flash")))
	if got := u.text("#next"); !strings.Contains(got, "ntermediair") {
		t.Fatalf("after the client's approval: %q", got)
	}
	u.home("open=0 offered=1 rejected=0 notapproved=1 approved=0 imported=0")
	u.wantColour(p, wk, "offered")

	u.as(annaEmail)
	u.b.Do(chromedp.Navigate(sheet), chromedp.WaitVisible(chromedp.ID("approve")), chromedp.Click(chromedp.ID("approve")),
		chromedp.WaitVisible(chromedp.CSS(".status.st-approved")))
	u.home("open=0 offered=0 rejected=0 notapproved=0 approved=1 imported=0")
	u.b.Screenshots("e2e-home-intermediary")
	u.wantColour(p, wk, "approved")
	u.b.Screenshots("e2e-weeks")

	u.as(janEmail)
	u.home("open=0 offered=0 rejected=0 notapproved=0 approved=1 imported=0")
	u.wantColour(p, wk, "approved")
}

// TestWeekOverviewInBrowser: hovering or focusing a week shows its dates, a
// grey week (not started yet) is no link and its editor cannot be used.
func TestWeekOverviewInBrowser(t *testing.T) {
	e, u := newBrowserTest(t)
	u.as(fatimaEmail)
	u.b.Do(
		chromedp.Navigate(e.URL+"/plaatsingen/"+fatimaPlacement+"/weken?jaar=2026"),
		chromedp.WaitVisible(chromedp.ID("week-5")),
		chromedp.WaitNotVisible(chromedp.CSS("#week-5 .tip")),
		chromedp.Focus(chromedp.ID("week-5")),
		chromedp.WaitVisible(chromedp.CSS("#week-5 .tip")),
	)
	if tip := u.text("#week-5 .tip"); tip != "26-01-2026 – 01-02-2026" {
		t.Errorf("focused week 5 shows %q", tip)
	}
	u.b.Do(chromedp.Blur(chromedp.ID("week-5")), chromedp.ScrollIntoView(chromedp.ID("week-3")))
	box, err := chromedp.Run(u.b.Ctx, chromedp.Dimensions(chromedp.ID("week-3")))
	if err != nil {
		t.Fatal(err)
	}
	x, y := (box.Content[0]+box.Content[4])/2, (box.Content[1]+box.Content[5])/2
	u.b.Do(chromedp.MouseEvent("mouseMoved", x, y), chromedp.WaitVisible(chromedp.CSS("#week-3 .tip")))
	if tip := u.text("#week-3 .tip"); tip != "12-01-2026 – 18-01-2026" {
		t.Errorf("hovered week 3 shows %q", tip)
	}

	// Week 8 has not started: grey, no link, and its page offers no editor.
	tag, err := chromedp.Run(u.b.Ctx, chromedp.Evaluate[string](`document.getElementById("week-8").tagName + " " + document.getElementById("week-8").className`))
	if err != nil || tag != "SPAN week off" {
		t.Fatalf("week 8 is %q (%v), want a grey SPAN", tag, err)
	}
	href, err := chromedp.Run(u.b.Ctx, chromedp.AttributeValue(chromedp.ID("week-8"), "href"))
	if err != nil || href.Exists {
		t.Fatalf("grey week 8 has href %v (%v)", href, err)
	}
	// The weeks before Fatima started are left out of the grid, which
	// starts with her first week (2025 week 52) and says so (issue 16 §6).
	u.b.Do(chromedp.Navigate(e.URL+"/plaatsingen/"+fatimaPlacement+"/weken?jaar=2025"), chromedp.WaitVisible(chromedp.ID("weeks-start")))
	off, err := chromedp.Run(u.b.Ctx, chromedp.Evaluate[bool](`document.getElementById("week-51") === null && document.getElementById("week-52").matches("a.week")`))
	if err != nil || !off {
		t.Fatalf("2025: no week 51 and 52 a link: %v (%v)", off, err)
	}
	u.b.Do(chromedp.Navigate(e.URL+"/plaatsingen/"+fatimaPlacement+"/weken/2026-W08"), chromedp.WaitVisible(chromedp.ID("hours-h")))
	editors, err := chromedp.Run(u.b.Ctx, chromedp.Evaluate[int](`document.querySelectorAll("#offer, #save-lines, #tijd form, #uursoort").length`))
	if err != nil || editors != 0 {
		t.Fatalf("week 8 shows %d editor controls (%v)", editors, err)
	}
}
