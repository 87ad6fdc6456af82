package portal_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"backoffice/commands"
	"backoffice/commands/identity"
	"backoffice/domain/worker"
)

// TestLongNamesFitThePhone: the timesheet list's "new timesheet for"
// choice holds worker and client name; with a long (real) name the select
// pushed the page 20 to 45 px sideways at 390 px (the acceptance run's
// demo data: "Iris Bos – Tuincentrum Het Groene Blad" as worker Jan saw it).
func TestLongNamesFitThePhone(t *testing.T) {
	h, b := newBrowserHarness(t)
	_, _, err := h.App.Identity.Registration.RegisterWorker(context.Background(), commands.Meta{Actor: identity.System, CorrelationID: "long"},
		identity.RegisterWorker{ClientID: "bol", WorkerID: "w-long", PlacementID: "p-long",
			Name: worker.Name{First: "Maximiliaan Alexander", Infix: "van der", Last: "Wetering-Oosterhuis"}, Email: "max@example.nl", Function: "Bakker",
			PersonalData: worker.PersonalData{BSN: "900000053", IBAN: "NL91ABNA0417164300", DateOfBirth: time.Date(1990, 5, 17, 0, 0, 0, 0, time.UTC),
				Address: worker.Address{Street: "Kerkstraat", HouseNumber: "9", PostalCode: "3511 AB", City: "Utrecht"}, Mobile: "0630000901"},
			Start: time.Date(2025, 11, 3, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	h.WaitForProjections(t)
	for _, email := range []string{clientEmail, boEmail} {
		browserLogin(b, h.URL, email)
		b.Do(chromedp.Navigate(h.URL+"/urenbriefjes"), chromedp.WaitVisible(chromedp.ID("plaatsing")))
		fitsPhone(t, b, "/urenbriefjes as "+email)
	}
}
