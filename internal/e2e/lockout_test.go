package e2e_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"backoffice/internal/apitest"
	"backoffice/internal/demo"
)

// apiLogin posts POST /api/v1/session as the client forwardedFor names
// (the test client is the trusted proxy) and returns status, Retry-After
// and the error code.
func apiLogin(t *testing.T, e *env, forwardedFor, email, password string) (int, string, string) {
	t.Helper()
	var header []string
	if forwardedFor != "" {
		header = []string{"X-Forwarded-For", forwardedFor}
	}
	r := apitest.Request(t, http.MethodPost, e.URL+"/api/v1/session", map[string]string{"email": email, "password": password}, header...)
	return r.Status, r.Header.Get("Retry-After"), r.Code()
}

// Issue 10 §4, "done when": 1,000 failed logins from one proxy address
// and 100 on one account leave the real user able to log in, while the
// guesser is slowed.
func TestLockoutAbuseLeavesRealUsersIn(t *testing.T) {
	for _, tc := range []struct {
		name     string
		attacker func(i int) string // the forwarded-for of attempt i
	}{
		{"one client behind the proxy", func(int) string { return "203.0.113.66" }},
		{"a new forwarded-for on every attempt", func(i int) string { return fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			n := 0
			for i := range 1000 {
				status, _, _ := apiLogin(t, e, tc.attacker(n), fmt.Sprintf("verzonnen%d@example.nl", i), "geraden")
				n++
				if status != http.StatusUnauthorized {
					t.Fatalf("made-up login %d: %d", i, status)
				}
			}
			refused := 0
			for i := range 100 {
				status, retry, code := apiLogin(t, e, tc.attacker(n), keesEmail, fmt.Sprintf("gok-%d", i))
				n++
				switch status {
				case http.StatusUnauthorized:
				case http.StatusTooManyRequests:
					refused++
					if retry == "" || code != "too_many_login_attempts" {
						t.Fatalf("429 without Retry-After (%q) or code (%q)", retry, code)
					}
				default:
					t.Fatalf("guess %d on the account: %d", i, status)
				}
			}
			t.Logf("%d of 100 guesses refused unchecked", refused)
			// The real user, on another source, gets in: API and portal.
			if status, _, _ := apiLogin(t, e, "198.51.100.7", keesEmail, demo.Password); status != http.StatusCreated {
				t.Fatalf("the real user over the API: %d", status)
			}
			if status, body := portalLogin(t, e, "198.51.100.8", keesEmail, demo.Password); status != http.StatusOK || !strings.Contains(body, `action="/uitloggen"`) {
				t.Fatalf("the real user in the portal: %d", status)
			}
		})
	}
}

// A guesser on one source gets five checked guesses, then must wait: the
// next attempt is refused unchecked (429, Retry-After), the right password
// included, in the API and, with a Dutch message, in the portal.
func TestGuesserIsSlowedDown(t *testing.T) {
	e := newEnv(t)
	for i := range 5 {
		if status, _, _ := apiLogin(t, e, "203.0.113.70", annaEmail, fmt.Sprintf("gok-%d", i)); status != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i, status)
		}
	}
	status, retry, code := apiLogin(t, e, "203.0.113.70", annaEmail, demo.Password)
	if status != http.StatusTooManyRequests || retry != "1" || code != "too_many_login_attempts" {
		t.Fatalf("6th attempt, right password, within the delay: %d Retry-After %q code %q", status, retry, code)
	}

	const portalGuesser = "203.0.113.71"
	for i := range 5 {
		if status, _ := portalLogin(t, e, portalGuesser, annaEmail, fmt.Sprintf("gok-%d", i)); status != http.StatusUnauthorized {
			t.Fatalf("portal guess %d: %d", i, status)
		}
	}
	status, body := portalLogin(t, e, portalGuesser, annaEmail, demo.Password)
	if status != http.StatusTooManyRequests || !strings.Contains(body, "Te veel mislukte inlogpogingen. Probeer het over een seconde opnieuw.") {
		t.Fatalf("portal, within the delay: %d\n%s", status, body)
	}
	// Everyone else still gets in.
	if status, _, _ := apiLogin(t, e, "198.51.100.9", annaEmail, demo.Password); status != http.StatusCreated {
		t.Fatalf("the owner from another source: %d", status)
	}
}

// portalLogin submits the portal's login form as the client forwardedFor
// names.
func portalLogin(t *testing.T, e *env, forwardedFor, email, password string) (int, string) {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Jar: jar}
	do := func(req *http.Request) (int, string) {
		req.Header.Set("X-Forwarded-For", forwardedFor)
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	req, _ := http.NewRequest(http.MethodGet, e.URL+"/inloggen", nil)
	_, page := do(req)
	form := url.Values{"email": {email}, "password": {password}, "csrf": {csrfOf(t, page)}}
	req, _ = http.NewRequest(http.MethodPost, e.URL+"/inloggen", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(req)
}
