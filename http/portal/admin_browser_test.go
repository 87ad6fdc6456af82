package portal_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"backoffice/internal/browsertest"
)

// TestAdminInBrowser: the back office registers a client through Beheer
// and creates an integration token, in chromium; the Beheer screens whose
// content this changed have no horizontal overflow on a phone (the walk
// checks every Beheer screen as seeded, at 390 and 360 px); screenshots
// of the states the walk does not show, at both widths.
func TestAdminInBrowser(t *testing.T) {
	h, b := newBrowserHarness(t)
	url := h.URL
	text := b.Text
	// pathFitsPhone loads path at phone width and checks it fits.
	pathFitsPhone := func(path string) {
		t.Helper()
		b.Do(
			chromedp.EmulateViewport(browsertest.PhoneWidth, browsertest.PhoneHeight),
			chromedp.Navigate(url+path),
			chromedp.WaitVisible(chromedp.ID("main")),
		)
		fitsPhone(t, b, path)
	}
	field := func(id string) chromedp.CSS { return chromedp.CSS(`[id="` + id + `"]`) }

	browserLogin(b, url, boEmail)
	b.Do(
		chromedp.Click(chromedp.CSS(`nav a[href="/beheer"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.card a[href="/beheer/opdrachtgevers"]`)),
	)
	b.Do(
		chromedp.Click(chromedp.CSS(`.card a[href="/beheer/opdrachtgevers"]`)),
		chromedp.WaitVisible(chromedp.ID("clients")),
	)
	b.Do(
		chromedp.Click(chromedp.ID("new-client")),
		chromedp.WaitVisible(chromedp.ID("agreement-form")),
		chromedp.SendKeys(field("f-name"), "Kwekerij Zuid"),
		chromedp.SendKeys(field("f-kvk"), "55667788"),
		chromedp.SendKeys(field("f-address.street"), "Tuinweg"),
		chromedp.SendKeys(field("f-address.house_number"), "3"),
		chromedp.SendKeys(field("f-address.postal_code"), "2671 AB"),
		chromedp.SendKeys(field("f-address.city"), "Naaldwijk"),
		chromedp.SendKeys(field("f-contact.name"), "Zeger Zuid"),
		chromedp.SendKeys(field("f-contact.email"), "zeger@kwekerij.nl"),
		chromedp.SendKeys(field("f-contact.mobile"), "0612345678"),
		chromedp.SendKeys(field("f-ht.1.code"), "125"),
		chromedp.SendKeys(field("f-ht.1.name"), "Overuren"),
		chromedp.SendKeys(field("f-ht.1.percentage"), "125"),
		chromedp.SendKeys(field("f-ht.0.rate"), "31,75"),
		// A percentage the domain refuses first: the error at its cell.
		chromedp.SendKeys(field("f-ht.2.code"), "NACHT"),
		chromedp.SendKeys(field("f-ht.2.name"), "Nachttoeslag"),
		chromedp.SendKeys(field("f-ht.2.percentage"), "900"),
	)
	b.Screenshots("admin-client-new")
	b.Do(
		chromedp.Click(chromedp.ID("save-agreement")),
		chromedp.WaitVisible(field("err-ht.2.percentage")),
	)
	if got := text(`[id="err-ht.2.percentage"]`); !strings.Contains(got, "tussen 0 en 500") {
		t.Fatalf("error at the percentage: %q", got)
	}
	b.Screenshots("admin-client-new-error")
	b.Do(
		chromedp.SetValue(field("f-ht.2.percentage"), "20"),
		chromedp.Click(chromedp.ID("save-agreement")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
		chromedp.WaitVisible(chromedp.ID("client-details")),
	)
	if got := text("main h1"); got != "Kwekerij Zuid" {
		t.Fatalf("after registering: h1 %q", got)
	}
	if got := text(".version"); !strings.Contains(got, "€ 31,75") || !strings.Contains(got, "Nachttoeslag") {
		t.Fatalf("agreement shown: %q", got)
	}
	b.Screenshots("admin-client")

	// A token for the payroll package, shown once.
	b.Do(
		chromedp.Click(chromedp.CSS(`.tabs-sub a[href="/beheer/sleutels"]`)),
		chromedp.WaitVisible(chromedp.ID("token-form")),
		chromedp.SendKeys(field("f-label"), "Salarispakket"),
		chromedp.Click(chromedp.ID("create-token")),
		chromedp.WaitVisible(chromedp.ID("new-token")),
	)
	if tok := text("#new-token"); len(tok) < 20 {
		t.Fatalf("token shown: %q", tok)
	}
	if got := text("#tokens"); !strings.Contains(got, "Salarispakket") || !strings.Contains(got, "Actief") {
		t.Fatalf("token list: %q", got)
	}
	b.Screenshots("admin-token-created")

	// The lists and pages that now hold the new client or the token; the
	// forms and Bakkerij Bol's pages are as the walk sees them.
	for _, p := range []string{"/beheer", "/beheer/opdrachtgevers", "/beheer/intermediairs", "/beheer/intermediairs/flex",
		"/beheer/sleutels", "/beheer/opdrachtgevers/bol#gebruikers"} {
		pathFitsPhone(p)
	}
}
