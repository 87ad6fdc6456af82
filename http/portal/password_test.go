package portal_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"backoffice/domain/account"
	"backoffice/internal/apitest"
)

// TestPasswordChangeForm: "Wachtwoord wijzigen" on the settings page needs
// its CSRF token, puts Dutch errors at the field (wrong current password,
// the password rule, a repeat that differs) and changes nothing then; a
// valid change keeps this browser logged in, logs the other one out,
// records account.password_changed and the old password no longer works.
func TestPasswordChangeForm(t *testing.T) {
	h := newHarness(t)
	h.loginAs(worker2Email, "en")
	h.checkPage("/instellingen", "en")
	if _, body := h.get("/instellingen"); !strings.Contains(body, "Change password") {
		t.Fatal("no English password form")
	}
	h.loginAs(worker2Email, "nl")
	h.checkPage("/instellingen", "nl")
	_, body := h.get("/instellingen")
	for _, want := range []string{`<h2 id="password-change-title">Wachtwoord wijzigen</h2>`, `action="/instellingen/wachtwoord#password-change"`,
		`<label for="huidig">`, `<label for="nieuw">`, `<label for="nieuw2">`, `minlength="8"`, "Minimaal 8 tekens."} {
		if !strings.Contains(body, want) {
			t.Fatalf("settings page lacks %q:\n%s", want, body)
		}
	}
	other := newHarnessOn(t, h.fixture)
	other.loginAs(worker2Email, "nl")
	changed := func() int {
		t.Helper()
		return len(apitest.Recorded(t, h.Store, account.Stream(h.accounts[worker2Email].AccountID), account.TypePasswordChanged))
	}
	const newPW = "een nieuw geheim"

	if res, _ := h.post("/instellingen/wachtwoord", url.Values{"huidig": {password}, "nieuw": {newPW}, "nieuw2": {newPW}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("POST without CSRF token: %d, want 403", res.StatusCode)
	}
	tok := h.token("/instellingen")
	for _, tc := range []struct {
		name               string
		current, next, rep string
		field, message     string
	}{
		{"wrong current password", "fout wachtwoord", newPW, newPW, "huidig", "Het huidige wachtwoord is onjuist."},
		{"too short", password, "kort", "kort", "nieuw", "Het wachtwoord moet minstens 8 tekens lang zijn."},
		{"repeat differs", password, newPW, newPW + "!", "nieuw2", "De wachtwoorden zijn niet gelijk."},
	} {
		res, body := h.post("/instellingen/wachtwoord", url.Values{"csrf": {tok}, "huidig": {tc.current}, "nieuw": {tc.next}, "nieuw2": {tc.rep}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-`+tc.field+`">`+tc.message) ||
			!strings.Contains(body, `id="`+tc.field+`" name="`+tc.field+`"`) {
			t.Fatalf("%s: %d\n%s", tc.name, res.StatusCode, body)
		}
	}
	if n := changed(); n != 0 {
		t.Fatalf("refused forms recorded %d changes", n)
	}

	res, _ := h.post("/instellingen/wachtwoord", url.Values{"csrf": {tok}, "huidig": {password}, "nieuw": {newPW}, "nieuw2": {newPW}})
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/instellingen?") || !strings.Contains(loc, "ok=password_changed") {
		t.Fatalf("change: %d to %q", res.StatusCode, loc)
	}
	if res, body := h.get(loc); res.StatusCode != http.StatusOK || !strings.Contains(body, "Uw wachtwoord is gewijzigd.") {
		t.Fatalf("this browser after the change: %d\n%s", res.StatusCode, body)
	}
	if res, _ := other.get("/instellingen"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/inloggen") {
		t.Fatalf("the other browser is still logged in: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if n := changed(); n != 1 {
		t.Fatalf("recorded %d password changes, want 1", n)
	}
	third := newHarnessOn(t, h.fixture)
	if res, _ := third.post("/inloggen", url.Values{"csrf": {third.token("/inloggen")}, "email": {worker2Email}, "password": {password}}); res.StatusCode == http.StatusSeeOther {
		t.Fatal("the old password still logs in")
	}
	if res, _ := third.post("/inloggen", url.Values{"csrf": {third.token("/inloggen")}, "email": {worker2Email}, "password": {newPW}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the new password does not log in: %d", res.StatusCode)
	}
}

// TestPasswordChangeInBrowser: the worker changes his password on
// "Instellingen" in Chromium: a wrong current password gets the Dutch
// message at the field, the page fits a phone, and the right one is
// confirmed on the page he stays logged in on.
func TestPasswordChangeInBrowser(t *testing.T) {
	h, b := newBrowserAs(t, workerEmail)
	const newPW = "een nieuw geheim"
	fill := func(current string) {
		b.Do(
			chromedp.Navigate(h.URL+"/instellingen"),
			chromedp.WaitVisible(chromedp.ID("password-form")),
			chromedp.SendKeys(chromedp.ID("huidig"), current),
			chromedp.SendKeys(chromedp.ID("nieuw"), newPW),
			chromedp.SendKeys(chromedp.ID("nieuw2"), newPW),
			chromedp.Click(chromedp.ID("password-save")),
		)
	}
	fill("fout wachtwoord")
	b.Do(chromedp.WaitVisible(chromedp.ID("err-huidig")))
	msg, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.ID("err-huidig")))
	if err != nil || !strings.Contains(msg, "Het huidige wachtwoord is onjuist.") {
		t.Fatalf("error at the field: %q, %v", msg, err)
	}
	b.Screenshots("password-change-error")
	fitsPhone(t, b, "/instellingen")
	fill(password)
	b.Do(chromedp.WaitVisible(chromedp.CSS(".flash")))
	flash, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS(".flash")))
	if err != nil || !strings.Contains(flash, "Uw wachtwoord is gewijzigd.") {
		t.Fatalf("confirmation: %q, %v", flash, err)
	}
	b.Screenshots("password-changed")
}
