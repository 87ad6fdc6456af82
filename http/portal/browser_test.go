package portal_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"backoffice/internal/browsertest"
)

// clearValue empties the input with id.
func clearValue(id string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](`(document.getElementById(`+strconv.Quote(id)+`).value = "") === ""`)(ctx, t)
		return err
	})
}

// logout drops the browser's cookies (and so the session).
var logout = chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
	_, err := cdp.Call(ctx, t, network.ClearBrowserCookies, cdp.Empty{})
	return err
})

// browserLogin logs in through the form, as a new browser session.
func browserLogin(b *browsertest.Browser, url, email string) {
	b.Do(
		logout,
		chromedp.Navigate(url+"/"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.CSS(".cards")),
	)
}

// skipInShort skips a browser test under go test -short.
func skipInShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test")
	}
}

// newBrowserHarness is a fresh application and a chromium to drive it.
func newBrowserHarness(t *testing.T) (*harness, *browsertest.Browser) {
	t.Helper()
	skipInShort(t)
	return newHarness(t), browsertest.New(t)
}

// newBrowserAs is newBrowserHarness with email logged in through the form.
func newBrowserAs(t *testing.T, email string) (*harness, *browsertest.Browser) {
	t.Helper()
	h, b := newBrowserHarness(t)
	browserLogin(b, h.URL, email)
	return h, b
}

// fitsPhone checks that the page in b does not scroll sideways at phone
// width, naming what sticks out; b is at desktop width again after.
func fitsPhone(t *testing.T, b *browsertest.Browser, page string) {
	t.Helper()
	b.Do(chromedp.EmulateViewport(browsertest.PhoneWidth, browsertest.PhoneHeight))
	if over, culprits := b.Overflow(); over > 0 {
		t.Errorf("%s at %d px: %d px too wide: %v", page, browsertest.PhoneWidth, over, culprits)
	}
	b.Do(chromedp.EmulateViewport(browsertest.DesktopWidth, browsertest.DesktopHeight))
}

// TestInBrowser drives the portal in chromium: log in through the form,
// the week overview's tooltip on focus and hover, grey weeks that are no
// links, the Dutch error for 25 hours, approval, and screenshots of the
// states the walk does not show (TestBrowserWalk takes every screen as
// loaded, at desktop and phone width).
func TestInBrowser(t *testing.T) {
	h, b := newBrowserHarness(t)
	url := h.URL

	browserLogin(b, url, clientEmail)

	// Week overview: focus shows the dates; hover too.
	b.Do(
		chromedp.Navigate(url+"/plaatsingen/p1/weken?jaar=2026"),
		chromedp.WaitVisible(chromedp.ID("week-5")),
		chromedp.WaitNotVisible(chromedp.CSS("#week-5 .tip")),
		chromedp.Focus(chromedp.ID("week-5")),
		chromedp.WaitVisible(chromedp.CSS("#week-5 .tip")),
	)
	tip, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS("#week-5 .tip")))
	if err != nil || tip != "26-01-2026 – 01-02-2026" {
		t.Fatalf("focused week 5 shows %q (%v)", tip, err)
	}
	b.Screenshots("weeks")
	b.Do(
		chromedp.Blur(chromedp.ID("week-5")),
		chromedp.ScrollIntoView(chromedp.ID("week-3")),
	)
	box, err := chromedp.Run(b.Ctx, chromedp.Dimensions(chromedp.ID("week-3")))
	if err != nil {
		t.Fatal(err)
	}
	x, y := (box.Content[0]+box.Content[4])/2, (box.Content[1]+box.Content[5])/2
	b.Do(
		chromedp.MouseEvent("mouseMoved", x, y),
		chromedp.WaitVisible(chromedp.CSS("#week-3 .tip")),
	)
	tag, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`document.getElementById("week-9").tagName`))
	if err != nil || tag != "SPAN" {
		t.Fatalf("grey week 9 is a %q (%v), want no link", tag, err)
	}
	href, err := chromedp.Run(b.Ctx, chromedp.AttributeValue(chromedp.ID("week-9"), "href"))
	if err != nil || href.Exists {
		t.Fatalf("grey week has href %v (%v)", href, err)
	}

	// Editor: 25 hours on Monday gives the Dutch error next to the field.
	b.Do(
		chromedp.Click(chromedp.ID("week-5")),
		chromedp.WaitVisible(chromedp.CSS(`[id="line.100.mon"]`)),
		clearValue("line.100.mon"),
		chromedp.SendKeys(chromedp.CSS(`[id="line.100.mon"]`), "9"),
		// portal.js updates the day total while typing.
		chromedp.WaitVisible(chromedp.Search(`//td[@data-day-total="0"][normalize-space(.)="9"]`)),
	)
	b.Screenshots("editor")
	b.Do(
		clearValue("line.100.mon"),
		chromedp.SendKeys(chromedp.CSS(`[id="line.100.mon"]`), "25"),
		chromedp.Click(chromedp.ID("save-lines")),
		chromedp.WaitVisible(chromedp.CSS(`[id="err-line.100.mon"]`)),
	)
	msg, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS(`[id="err-line.100.mon"]`)))
	if err != nil || !strings.Contains(msg, "meer dan 24 uur") {
		t.Fatalf("error next to Monday: %q (%v)", msg, err)
	}
	invalid, err := chromedp.Run(b.Ctx, chromedp.AttributeValue(chromedp.CSS(`[id="line.100.mon"]`), "aria-invalid"))
	if err != nil || invalid.Value != "true" {
		t.Fatalf("aria-invalid = %v (%v)", invalid, err)
	}
	b.Screenshots("editor-error")

	// Approval: the client's step on a worker's timesheet, late (at Rijn
	// Transport).
	browserLogin(b, url, client2Email)
	b.Do(
		chromedp.Navigate(url+"/plaatsingen/p2/weken/2026-W05"),
		chromedp.WaitVisible(chromedp.ID("approve")),
		chromedp.WaitVisible(chromedp.ID("late")),
	)
	b.Screenshots("approval")
	b.Do(
		chromedp.Click(chromedp.ID("approve")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	next, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.ID("next")))
	if err != nil || !strings.Contains(next, "intermediair") {
		t.Fatalf("after approval: %q (%v)", next, err)
	}

	b.Do(chromedp.Navigate(url+"/urenbriefjes"), chromedp.WaitVisible(chromedp.CSS("table.list")))
	b.Screenshots("timesheets")
}

// TestOtherInBrowser is the tab "Overige" in chromium: the signing e-mail's
// link leads through the login back to the signing screen; a client offers
// a document and sees it listed; a wrong TAN gives the Dutch error next to
// the field, the right one with "gelezen" signs; the hours report.
func TestOtherInBrowser(t *testing.T) {
	h, b := newBrowserHarness(t)
	url := h.URL
	sign := h.signLink(t, docContract)
	tan := h.tan(t, docContract)
	file := filepath.Join(t.TempDir(), "loonheffingsverklaring.pdf")
	if err := os.WriteFile(file, []byte("%PDF-1.4 loonheffing\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	text := b.Text

	// The link in the e-mail, logged out: log in, land on the signing screen.
	b.Do(
		chromedp.Navigate(url+sign),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), clientEmail),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.ID("sign-form")),
	)

	// Overige → Documenten → document aanbieden.
	b.Do(
		chromedp.Click(chromedp.CSS(`nav a[href="/overige"]`)),
		chromedp.WaitVisible(chromedp.ID("invoices")),
	)
	b.Do(
		chromedp.Click(chromedp.CSS(`.tabs-sub a[href="/overige/documenten"]`)),
		chromedp.WaitVisible(chromedp.ID("documents")),
		chromedp.Click(chromedp.ID("upload")),
		chromedp.WaitVisible(chromedp.ID("upload-form")),
		chromedp.SendKeys(chromedp.ID("titel"), "Loonheffingsverklaring Jan"),
		chromedp.SetUploadFiles(chromedp.ID("bestand"), []string{file}),
	)
	b.Screenshots("upload")
	b.Do(
		chromedp.Click(chromedp.ID("upload-submit")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if got := text("#documents tbody tr:first-child"); !strings.Contains(got, "Loonheffingsverklaring Jan") ||
		!strings.Contains(got, "loonheffingsverklaring.pdf") {
		t.Fatalf("first document after the upload: %q", got)
	}
	b.Screenshots("documents")

	// Signing: a wrong TAN, then the right one.
	b.Do(
		chromedp.Navigate(url+sign),
		chromedp.WaitVisible(chromedp.ID("tan")),
		chromedp.SendKeys(chromedp.ID("tan"), wrongTAN(tan)),
		chromedp.Click(chromedp.ID("gelezen")),
		chromedp.Click(chromedp.ID("sign-accept")),
		chromedp.WaitVisible(chromedp.ID("err-tan")),
	)
	if got := text("#err-tan"); !strings.Contains(got, "De verificatiecode is onjuist.") {
		t.Fatalf("wrong TAN shows %q", got)
	}
	invalid, err := chromedp.Run(b.Ctx, chromedp.AttributeValue(chromedp.ID("tan"), "aria-invalid"))
	if err != nil || invalid.Value != "true" {
		t.Fatalf("aria-invalid = %v (%v)", invalid, err)
	}
	b.Screenshots("sign-error")
	// "gelezen" is kept from the failed try; the TAN is not.
	checked, err := chromedp.Run(b.Ctx, chromedp.Evaluate[bool](`document.getElementById("gelezen").checked && document.getElementById("tan").value === ""`))
	if err != nil || !checked {
		t.Fatalf("after the wrong TAN: gelezen kept and TAN empty = %v (%v)", checked, err)
	}
	b.Do(
		chromedp.SendKeys(chromedp.ID("tan"), tan),
		chromedp.Click(chromedp.ID("sign-accept")),
		chromedp.WaitVisible(chromedp.ID("signature-status")),
	)
	if got := text("#signature-status"); !strings.Contains(got, "Ondertekend") {
		t.Fatalf("after Akkoord: %q", got)
	}
	b.Screenshots("signed")
	if got := text("#evidence"); !strings.Contains(got, "Bewijs van ondertekening") {
		t.Fatalf("the signed document offers %q, not the evidence", got)
	}

	// A new version of the signed document: listed with the old one, which
	// stays downloadable; the signature covers version 1 only.
	v2 := filepath.Join(t.TempDir(), "arbeidsovereenkomst-v2.pdf")
	if err := os.WriteFile(v2, []byte("%PDF-1.4 versie 2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b.Do(
		chromedp.SetUploadFiles(chromedp.ID("versie-bestand"), []string{v2}),
		chromedp.Click(chromedp.ID("version-submit")),
		chromedp.WaitVisible(chromedp.ID("version-list")),
	)
	if got := text("#version-list"); !strings.Contains(got, "arbeidsovereenkomst-v2.pdf") || !strings.Contains(got, "arbeidsovereenkomst.pdf") {
		t.Fatalf("versions after the new one: %q", got)
	}
	if got := text("#signed-older"); !strings.Contains(got, "eerdere versie") {
		t.Fatalf("the signature of version 1 is not marked: %q", got)
	}
	b.Screenshots("document-versions")

	// The hours report.
	b.Do(
		chromedp.Click(chromedp.CSS(`.tabs-sub a[href="/overige/urenrapport"]`)),
		chromedp.WaitVisible(chromedp.ID("report-form")),
		chromedp.Navigate(url+"/overige/urenrapport?van=2026-W01&tot=2026-W06"),
		chromedp.WaitVisible(chromedp.ID("report")),
	)
	if got := text("#report-total"); got != "71" {
		t.Fatalf("report total %q", got)
	}
}
