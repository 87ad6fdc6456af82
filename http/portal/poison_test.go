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
	h := newHarnessAs(t, clientEmail)
	before := len(h.sheet("p1", 5).Remarks)
	for name, v := range map[string]string{"NUL": "a\x00b", "invalid UTF-8": "a\xffb", "RLO": "rapport\u202efdp.exe"} {
		res, body := h.postOn(openWeek, "/opmerkingen", url.Values{"opmerking": {v}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "De tekst bevat tekens die niet zijn toegestaan") {
			t.Errorf("%s: status %d\n%.2000s", name, res.StatusCode, body)
		}
		if got := h.sheet("p1", 5).Remarks; len(got) != before {
			t.Fatalf("%s: a refused remark was saved: %v", name, got)
		}
	}
}
