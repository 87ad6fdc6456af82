package portal_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"backoffice/commands"
	doccmd "backoffice/commands/document"
	doc "backoffice/domain/document"
)

// TestSignScreenLongFileNameFitsPhone: the signing screen names the file
// to read; a long file name without spaces (150 letters, as a scanner or an
// export names them) must wrap at 390 px, before and after a wrong TAN,
// instead of widening the whole page (the steps are a grid, whose items do
// not shrink below their longest word unless told to wrap anywhere).
func TestSignScreenLongFileNameFitsPhone(t *testing.T) {
	h, b := newBrowserHarness(t)
	name := strings.Repeat("b", 150) + ".pdf"
	_, id, err := h.App.Documents.Upload(context.Background(), commands.Meta{Actor: h.accounts[boEmail]}, doccmd.Upload{
		ClientID: "bol", Kind: doc.KindDocument, Title: "Contract met een lange bestandsnaam", FileName: name,
		Content: []byte("%PDF-1.4 lange naam\n"),
	})
	if err != nil {
		t.Fatal(err)
	}
	h.docs["d-long"] = id
	h.requestSignature(t, "d-long", clientEmail)
	sign, tan := h.signMail(t, "d-long")
	browserLogin(b, h.URL, clientEmail)

	b.Do(chromedp.Navigate(h.URL+sign), chromedp.WaitVisible(chromedp.ID("sign-form")))
	if got := b.Text("#sign-form"); !strings.Contains(got, strings.Repeat("b", 100)) { // names are shortened to 120 characters
		t.Fatalf("the signing screen does not name the file %q: %q", name, got)
	}
	fitsPhone(t, b, "signing screen with a long file name")

	b.Do(
		chromedp.SendKeys(chromedp.ID("tan"), wrongTAN(tan)),
		chromedp.Click(chromedp.ID("gelezen")),
		chromedp.Click(chromedp.ID("sign-accept")),
		chromedp.WaitVisible(chromedp.ID("err-tan")),
	)
	fitsPhone(t, b, "signing screen with a long file name after a wrong TAN")
	b.Screenshots("sign-long-file-name")
}
