package portal

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
	h.loginAs(clientActor, "nl")
	page := "/plaatsingen/p1/weken/2026-W05"
	ref := Ref{"p1", wk(5)}
	before := 0
	if ts := h.fake.sheets[ref]; ts != nil {
		before = len(ts.Remarks())
	}
	for name, v := range map[string]string{"NUL": "a\x00b", "invalid UTF-8": "a\xffb", "RLO": "rapport\u202efdp.exe"} {
		res, body := h.post(page+"/opmerkingen", url.Values{"csrf": {h.token(page)}, "opmerking": {v}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "De tekst bevat tekens die niet zijn toegestaan") {
			t.Errorf("%s: status %d\n%.2000s", name, res.StatusCode, body)
		}
		if ts := h.fake.sheets[ref]; ts != nil && len(ts.Remarks()) != before {
			t.Fatalf("%s: a refused remark was saved: %v", name, ts.Remarks())
		}
	}
}
