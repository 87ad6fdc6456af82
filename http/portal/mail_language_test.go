package portal_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// Mails go out in the recipient's language, not the language of the page
// they were asked for on: a password reset asked for on the Dutch page
// reaches an English account in English and a Dutch one in Dutch.
func TestMailsInRecipientsLanguage(t *testing.T) {
	h := newHarness(t)
	h.loginAs(clientEmail, "en") // the client chose English
	h.loginAs(interEmail, "nl")
	for _, email := range []string{clientEmail, interEmail} {
		h.c.Jar.SetCookies(h.base(), []*http.Cookie{{Name: "lang", Value: "nl", Path: "/"}})
		res, body := h.post("/wachtwoord-vergeten", url.Values{"csrf": {h.token("/wachtwoord-vergeten")}, "email": {email}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("forgot %s: %d\n%s", email, res.StatusCode, body)
		}
	}
	// The link's path is Dutch in both (/wachtwoord-herstellen).
	words := func(text string) string {
		return strings.ToLower(regexp.MustCompile(`https?://\S+`).ReplaceAllString(text, ""))
	}
	if text := h.Mail(t, clientEmail, "Reset your password"); strings.Contains(words(text), "wachtwoord") {
		t.Errorf("the English mail has Dutch in it:\n%s", text)
	}
	if text := h.Mail(t, interEmail, "Wachtwoord opnieuw instellen"); strings.Contains(words(text), "password") {
		t.Errorf("the Dutch mail has English in it:\n%s", text)
	}
}
