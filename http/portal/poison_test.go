package portal_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A remark with NUL, invalid UTF-8 (a form value is raw bytes) or a bidi
// override is refused by the domain's text check with a Dutch message, and
// nothing is saved (issue 10 §1: the portal was the second way in).
func TestPoisonRemarkRefusedInDutch(t *testing.T) {
	h := newHarness(t)
	h.loginAs(clientEmail, "nl")
	page := "/plaatsingen/p1/weken/2026-W05"
	before := len(h.sheet("p1", 5).Remarks)
	for name, v := range map[string]string{"NUL": "a\x00b", "invalid UTF-8": "a\xffb", "RLO": "rapport\u202efdp.exe"} {
		res, body := h.post(page+"/opmerkingen", url.Values{"csrf": {h.token(page)}, "opmerking": {v}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "De tekst bevat tekens die niet zijn toegestaan") {
			t.Errorf("%s: status %d\n%.2000s", name, res.StatusCode, body)
		}
		if got := h.sheet("p1", 5).Remarks; len(got) != before {
			t.Fatalf("%s: a refused remark was saved: %v", name, got)
		}
	}
}
