package portal_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestHoursReportKilometres (issue 16 §10): the portal's hours report, HTML
// and CSV, has the claimed kilometres as the API's has; and the expense
// form reads "1.234,56" as the invoice form does.
func TestHoursReportKilometres(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	for _, form := range []url.Values{
		{"soort": {"travel_km"}, "datum": {"2026-01-26"}, "km": {"42"}},
		{"soort": {"other"}, "datum": {"2026-01-27"}, "bedrag": {"1.234,56"}, "omschrijving": {"Gereedschap"}},
	} {
		if res, body := h.postOn(openWeek, "/onkosten", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("expense %v: %d\n%s", form, res.StatusCode, body)
		}
	}
	if res, _ := h.postOn(openWeek, "/aanbieden", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("offer: %d", res.StatusCode)
	}
	h.loginAs(interEmail, "nl")
	d := h.sheet("p1", 5)
	if res, body := h.postOn(openWeek, "/accorderen", url.Values{"stap": {"0"}, "controle": {d.Hash}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d\n%s", res.StatusCode, body)
	}
	h.WaitForProjections(t)
	var cents int64
	for _, e := range h.sheet("p1", 5).Expenses {
		cents += e.AmountCents
	}
	if cents != 123456 {
		t.Fatalf("expenses %d cents, want 123456", cents)
	}

	h.loginAs(clientEmail, "nl")
	_, body := h.get("/overige/urenrapport?van=2026-W05&tot=2026-W05")
	rows := rowsOf(t, body, "report")
	if len(rows) != 1 || !strings.HasSuffix(rows[0], " 42") || !strings.Contains(body, `id="report-km">42<`) {
		t.Fatalf("report rows %q lack 42 km", rows)
	}
	_, csv := h.get("/overige/urenrapport?van=2026-W05&tot=2026-W05&formaat=csv")
	lines := strings.Split(strings.TrimSpace(csv), "\r\n")
	if len(lines) != 2 || !strings.HasSuffix(lines[0], ";Kilometers") || !strings.HasSuffix(lines[1], ";1234,56;42") {
		t.Fatalf("CSV %q lacks the kilometres", csv)
	}
}
