package portal_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// sessionCookieOf is the session cookie h's browser holds.
func (h *harness) sessionCookieOf() *http.Cookie {
	h.t.Helper()
	for _, c := range h.c.Jar.Cookies(h.base()) {
		if c.Name == "session" {
			return c
		}
	}
	h.t.Fatal("no session cookie")
	return nil
}

// TestPasswordChangeRotatesSession: after "Wachtwoord wijzigen" this
// browser gets a new session token and a copy of its old cookie (stolen,
// the reason to change the password) no longer logs anyone in.
func TestPasswordChangeRotatesSession(t *testing.T) {
	h := newHarness(t)
	h.loginAs(worker2Email, "nl")
	old := h.sessionCookieOf()
	thief := newHarnessOn(t, h.fixture)
	thief.c.Jar.SetCookies(h.base(), []*http.Cookie{{Name: "session", Value: old.Value, Path: "/"}})
	if res, _ := thief.get("/instellingen"); res.StatusCode != http.StatusOK {
		t.Fatalf("the copied cookie before the change: %d", res.StatusCode)
	}

	const newPW = "een nieuw geheim"
	res, _ := h.postOn("/instellingen", "/wachtwoord", url.Values{"huidig": {password}, "nieuw": {newPW}, "nieuw2": {newPW}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d", res.StatusCode)
	}
	var set *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "session" {
			set = c
		}
	}
	if set == nil || set.Value == "" || set.Value == old.Value || !set.HttpOnly || set.SameSite != http.SameSiteLaxMode || set.MaxAge <= 0 {
		t.Fatalf("session cookie after the change: %+v", set)
	}
	if res, body := h.get("/instellingen"); res.StatusCode != http.StatusOK || !strings.Contains(body, "Wachtwoord wijzigen") {
		t.Fatalf("this browser after the change: %d", res.StatusCode)
	}
	if res, _ := thief.get("/instellingen"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/inloggen") {
		t.Fatalf("the old cookie still works: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
}
