package portal_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"backoffice/internal/browsertest"
)

// requiredRE finds the registration form's required inputs.
var requiredRE = regexp.MustCompile(`<input id="f-([a-z_.]+)"[^>]* required aria-required="true"`)

// TestRegisterEmptySubmitShowsEveryError: an empty registration shows an
// error at every required field (aria-invalid, aria-describedby to the
// message) and a summary at the top that links to each field (issue 16
// §2: it showed 2 of them).
func TestRegisterEmptySubmitShowsEveryError(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	_, page := h.get("/werknemers/nieuw")
	var required []string
	for _, m := range requiredRE.FindAllStringSubmatch(page, -1) {
		required = append(required, m[1])
	}
	if len(required) < 12 {
		t.Fatalf("the form marks %d fields required: %v", len(required), required)
	}
	res, body := h.post("/werknemers/nieuw", url.Values{"csrf": {h.token("/werknemers/nieuw")}, "address.country": {"NL"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("empty submit: %d", res.StatusCode)
	}
	summary, _, ok := strings.Cut(body[strings.Index(body, `id="error-summary"`)+1:], "</div>")
	if !ok || !strings.Contains(body, `id="error-summary"`) {
		t.Fatalf("no error summary:\n%s", body)
	}
	for _, f := range required {
		at := `<input id="f-` + regexp.QuoteMeta(f) + `"[^>]* aria-invalid="true" aria-describedby="err-` + regexp.QuoteMeta(f) + `">\s*<p class="err" id="err-` + regexp.QuoteMeta(f) + `">Dit veld is verplicht.</p>`
		if !regexp.MustCompile(at).MatchString(body) {
			t.Errorf("no error at %s", f)
		}
		if !strings.Contains(summary, `href="#f-`+f+`"`) {
			t.Errorf("the summary does not link to %s", f)
		}
	}
	if n := strings.Count(summary, "<li>"); n != len(required) {
		t.Errorf("the summary lists %d errors, want %d", n, len(required))
	}
	if !strings.Contains(summary, "Controleer de gemarkeerde velden ("+strconv.Itoa(len(required))+")") {
		t.Errorf("summary heading: %s", summary)
	}
	// What was typed stays; an optional field has no error.
	if strings.Contains(body, `id="err-name.infix"`) || strings.Contains(body, `id="err-address.country"`) {
		t.Error("an optional field has an error")
	}
}

// TestRegisterFormFitsInBrowser: at 1280 px the registration page is no
// wider than the window (it was 1518 px, the fieldset "Plaatsing"
// off-screen); after an empty submit the summary has the focus-able
// links and every required input is marked invalid.
func TestRegisterFormFitsInBrowser(t *testing.T) {
	h, b := newBrowserAs(t, clientEmail)
	b.Do(chromedp.Navigate(h.URL+"/werknemers/nieuw"), chromedp.WaitVisible(chromedp.CSS("form.register")))
	for _, w := range []int{browsertest.DesktopWidth, browsertest.PhoneWidth, 360} {
		b.Do(chromedp.EmulateViewport(int64(w), 900))
		if over, culprits := b.Overflow(); over > 0 {
			t.Errorf("%d px: %d px too wide: %v", w, over, culprits)
		}
		right, err := chromedp.Run(b.Ctx, chromedp.Evaluate[float64](`Math.max(...Array.from(document.querySelectorAll("form.register fieldset")).map(f => f.getBoundingClientRect().right))`))
		if err != nil || right > float64(w) {
			t.Errorf("%d px: a fieldset ends at %v (%v)", w, right, err)
		}
	}
	b.Do(chromedp.EmulateViewport(browsertest.DesktopWidth, browsertest.DesktopHeight),
		chromedp.Click(chromedp.CSS(`form.register button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("error-summary")))
	got, err := chromedp.Run(b.Ctx, chromedp.Evaluate[[]int](`[
  document.querySelectorAll("form.register input[required]").length,
  document.querySelectorAll("form.register input[required][aria-invalid=true]").length,
  Array.from(document.querySelectorAll("form.register input[aria-invalid=true]")).filter(i => {
    const e = document.getElementById(i.getAttribute("aria-describedby")); return e && e.textContent.includes("verplicht"); }).length,
  document.querySelectorAll("#error-summary li a").length]`))
	if err != nil {
		t.Fatal(err)
	}
	if got[0] < 12 || got[1] != got[0] || got[2] != got[0] || got[3] != got[0] {
		t.Fatalf("required %d, invalid %d, described %d, in the summary %d", got[0], got[1], got[2], got[3])
	}
	// layout.js (deferred) moves the focus once the page has loaded.
	if _, err := chromedp.Run(b.Ctx, chromedp.Poll[bool](`document.activeElement.id === "error-summary"`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		id, _ := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`document.activeElement.id`))
		t.Errorf("the focus after the submit is on %q (%v), want the error summary", id, err)
	}
}

// TestRegisterYearOneIsNoMissingDate: a typed 0001-01-01 (Go's zero
// time) is an invalid date at the field, not "Dit veld is verplicht.";
// the value typed stays.
func TestRegisterYearOneIsNoMissingDate(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	_, body := h.post("/werknemers/nieuw", url.Values{"csrf": {h.token("/werknemers/nieuw")}, "address.country": {"NL"},
		"date_of_birth": {"0001-01-01"}, "start": {"0001-01-01"}})
	for _, f := range []string{"date_of_birth", "start"} {
		at := `<p class="err" id="err-` + regexp.QuoteMeta(f) + `">Vul een geldige datum in.</p>`
		if !regexp.MustCompile(at).MatchString(body) {
			t.Errorf("%s: no 'Vul een geldige datum in.' at the field", f)
		}
		if !regexp.MustCompile(`<input id="f-` + regexp.QuoteMeta(f) + `"[^>]* value="0001-01-01"`).MatchString(body) {
			t.Errorf("%s: the typed 0001-01-01 is gone", f)
		}
	}
}

// TestRegisterShowsEveryFieldErrorAtOnce: a too long first name and an
// invalid e-mail address get their own errors together with the empty
// required fields, and, once those are filled, together with each other
// (they came one by one: first the required fields, then the name, then
// the address).
func TestRegisterShowsEveryFieldErrorAtOnce(t *testing.T) {
	h := newHarnessAs(t, clientEmail)
	long := strings.Repeat("a", 61)
	errAt := func(body, field, msg string) bool {
		return regexp.MustCompile(`<input id="f-` + regexp.QuoteMeta(field) + `"[^>]* aria-invalid="true" aria-describedby="err-` +
			regexp.QuoteMeta(field) + `">\s*<p class="err" id="err-` + regexp.QuoteMeta(field) + `">[^<]*` + regexp.QuoteMeta(msg)).MatchString(body)
	}
	res, body := h.post("/werknemers/nieuw", url.Values{"csrf": {h.token("/werknemers/nieuw")}, "address.country": {"NL"},
		"name.first": {long}, "email": {"geen-adres"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", res.StatusCode)
	}
	if !errAt(body, "name.last", "Dit veld is verplicht.") || !errAt(body, "name.first", "te lang") || !errAt(body, "email", "e-mailadres") {
		t.Fatalf("not every error at once:\n%s", body)
	}
	form := url.Values{
		"csrf": {h.token("/werknemers/nieuw")}, "name.first": {long}, "name.last": {"Visser"}, "date_of_birth": {"1990-05-17"},
		"bsn": {"111222333"}, "iban": {"NL91ABNA0417164300"}, "email": {"geen-adres"}, "mobile": {"0612345678"},
		"address.street": {"Dorpsstraat"}, "address.house_number": {"1"}, "address.postal_code": {"1234 AB"},
		"address.city": {"Utrecht"}, "address.country": {"NL"}, "function": {"Bakker"}, "start": {"2026-02-16"},
	}
	res, body = h.post("/werknemers/nieuw", form)
	if res.StatusCode/100 != 4 || !errAt(body, "name.first", "te lang") || !errAt(body, "email", "e-mailadres") {
		t.Fatalf("filled in: %d, not both errors:\n%s", res.StatusCode, body)
	}
	if strings.Contains(body, `id="err-name.last"`) || strings.Contains(body, `id="err-bsn"`) {
		t.Fatal("an error at a right field")
	}
}
