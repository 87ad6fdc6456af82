package portal_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestProfileMobile: "Mijn gegevens" shows the user's mobile number for the
// TAN by SMS, refuses a landline with the Dutch message at the field,
// stores a mobile number in E.164 and removes it when emptied.
func TestProfileMobile(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	if _, body := h.get("/instellingen"); !strings.Contains(body, `<a href="/mijn-gegevens">Mijn gegevens</a>`) {
		t.Fatalf("the settings page does not lead to the mobile number:\n%s", body)
	}
	const page = "/mijn-gegevens"
	res, body := h.get(page)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `<label for="mobiel">Mobiel nummer</label>`) ||
		!strings.Contains(body, `href="/mijn-gegevens"`) {
		t.Fatalf("page: %d\n%s", res.StatusCode, body)
	}
	res, body = h.postOn(page, "", url.Values{"mobiel": {"020-1234567"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-mobile">Dit is geen mobiel nummer (06).`) ||
		!strings.Contains(body, `aria-invalid="true"`) || !strings.Contains(body, `value="020-1234567"`) {
		t.Fatalf("a landline: %d\n%s", res.StatusCode, body)
	}
	res, _ = h.postOn(page, "", url.Values{"mobiel": {"06 - 87 65 43 21"}})
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || strings.Contains(loc, "8765") {
		t.Fatalf("saving: %d %q", res.StatusCode, loc)
	}
	if _, body = h.get(loc); !strings.Contains(body, `value="&#43;31687654321"`) || !strings.Contains(body, "Uw gegevens zijn opgeslagen.") {
		t.Fatalf("after saving:\n%s", body)
	}
	h.postOn(page, "", url.Values{"mobiel": {""}})
	if _, body = h.get(page); !strings.Contains(body, `id="mobiel" name="mobiel" type="tel" autocomplete="tel" inputmode="tel" maxlength="32" value=""`) {
		t.Fatalf("after removing:\n%s", body)
	}
	// Without the CSRF token nothing changes.
	if res, _ := h.post(page, url.Values{"mobiel": {"0611111111"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("without CSRF: %d", res.StatusCode)
	}
}
