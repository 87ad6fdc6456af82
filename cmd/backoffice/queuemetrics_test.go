package main

import (
	"crypto/rand"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"backoffice/internal/pgtest"
)

// TestMetricsShowTheMailQueue: with the mail server down, a new
// intermediary's activation mail waits in the queue, and /metrics says so
// (pending, retrying after a failed attempt, its age), per channel.
func TestMetricsShowTheMailQueue(t *testing.T) {
	// Not parallel: a parallel test's listener could take the closed port.
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	smtpAddr := closed.Addr().String()
	closed.Close() // nothing listens there: every delivery attempt fails
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	env, getenv := testEnv(t, pgtest.NewDB(t),
		"BACKOFFICE_MASTER_KEY", base64.StdEncoding.EncodeToString(key),
		"BACKOFFICE_SMTP_URL", "smtp://"+smtpAddr,
		"BACKOFFICE_ADDR", "127.0.0.1:0",
		"BACKOFFICE_DEMO", "false")
	bootstrapAs(t, getenv, "beheer@bureau.example.nl")
	base := started(t, env)

	c := &apiClient{t: t, base: base + "/api/v1"}
	var session struct{ Token string }
	c.do("POST", "/session", `{"email":"beheer@bureau.example.nl","password":"een-lang-genoeg-wachtwoord"}`, http.StatusCreated, &session)
	c.token = session.Token
	c.do("POST", "/intermediaries", `{"name":"Flex BV","contact":{"name":"Anna de Vries","email":"anna@flex.example"}}`, http.StatusCreated, nil)

	want := []*regexp.Regexp{
		regexp.MustCompile(`(?m)^backoffice_delivery_pending\{channel="mail"\} 1$`),
		regexp.MustCompile(`(?m)^backoffice_delivery_retrying\{channel="mail"\} 1$`),
		regexp.MustCompile(`(?m)^backoffice_delivery_oldest_pending_seconds\{channel="mail"\} [0-9.e+-]+$`),
		regexp.MustCompile(`(?m)^backoffice_delivery_failed\{channel="mail"\} 0$`),
	}
	var body string
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(200 * time.Millisecond) {
		body = scrape(t, base+"/metrics")
		missing := 0
		for _, re := range want {
			if !re.MatchString(body) {
				missing++
			}
		}
		if missing == 0 {
			// No SMS gateway is set: there is no SMS queue to report.
			if strings.Contains(body, `channel="sms"`) {
				t.Fatalf("an SMS queue reported without a gateway:\n%s", body)
			}
			return
		}
		if time.Now().After(deadline) {
			break
		}
	}
	var got []string
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "backoffice_delivery") {
			got = append(got, line)
		}
	}
	t.Fatalf("after a failed activation mail, /metrics shows:\n%s", strings.Join(got, "\n"))
}

func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	return string(raw)
}

// TestMetricsNameTheRoute: the latency metric names the API's and the
// portal's own routes (the template, never the path with its IDs), not
// only the prefix their routers are mounted under.
func TestMetricsNameTheRoute(t *testing.T) {
	t.Parallel()
	base := started(t, map[string]string{
		"BACKOFFICE_DATA_DIR": t.TempDir(),
		"BACKOFFICE_ADDR":     "127.0.0.1:0",
		"BACKOFFICE_DEMO":     "false",
	})
	httpStatus(t, base+"/api/v1/timesheets/0b7a1c2e-4d7f-4a51-9b0e-1c2d3e4f5a6b/2026-W49")
	httpStatus(t, base+"/inloggen")
	body := scrape(t, base+"/metrics")
	for _, want := range []string{
		`route="/api/v1/timesheets/{placement}/{week}"`,
		`route="/inloggen"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics has no %s", want)
		}
	}
	if strings.Contains(body, "0b7a1c2e") {
		t.Error("/metrics holds a raw path with an ID")
	}
}
