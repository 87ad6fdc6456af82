package portal_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestProfileInBrowser: the client reaches "Mijn gegevens" from the name in
// the header, a landline is refused with the Dutch message at the field,
// a mobile number is saved; the page fits a phone (no sideways scrolling);
// and the signing page without the mail's token says to use the link.
func TestProfileInBrowser(t *testing.T) {
	h, b := newBrowserAs(t, clientEmail)
	b.Do(
		chromedp.Click(chromedp.CSS(`a.who`)),
		chromedp.WaitVisible(chromedp.ID("profile-form")),
		clearValue("mobiel"),
		chromedp.SendKeys(chromedp.ID("mobiel"), "020-1234567"),
		chromedp.Click(chromedp.ID("profile-save")),
		chromedp.WaitVisible(chromedp.ID("err-mobile")),
	)
	msg, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.ID("err-mobile")))
	if err != nil || !strings.Contains(msg, "Dit is geen mobiel nummer (06).") {
		t.Fatalf("error at the field: %q, %v", msg, err)
	}
	b.Screenshots("profile-error")
	fitsPhone(t, b, "/mijn-gegevens")
	b.Do(
		clearValue("mobiel"),
		chromedp.SendKeys(chromedp.ID("mobiel"), "06 87 65 43 21"),
		chromedp.Click(chromedp.ID("profile-save")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	val, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`document.getElementById("mobiel").value`))
	if err != nil || val != "+31687654321" {
		t.Fatalf("saved number %q, %v", val, err)
	}
	b.Screenshots("profile")

	b.Do(
		chromedp.Navigate(h.URL+"/documenten/"+h.doc(docContract)+"/ondertekenen"),
		chromedp.WaitVisible(chromedp.ID("need-link")),
	)
}
