package portal_test

import (
	"log/slog"
	"strings"
	"testing"

	"backoffice/http/portal"
	"backoffice/internal/testlog"
)

// TestFailedRequestLogNamesRouteNotPath: a request that fails on the
// server's side is logged, and the signing link's path carries its secret
// token: the log names the route template, never the path.
func TestFailedRequestLogNamesRouteNotPath(t *testing.T) {
	base := newHarness(t)
	var logs testlog.Buffer
	h := newHarnessWith(t, base.fixture, func(d *portal.Deps) {
		d.Log = slog.New(slog.NewTextHandler(&logs, nil))
	})
	h.loginAs(clientEmail, "nl")

	takeDatabaseAway(t, h)

	const secret = "Zm9yLXRoZS1zaWduZXItb25seS1ub3QtZm9yLWxvZ3M"
	res, _ := h.get("/documenten/" + base.docs[docInstructions] + "/ondertekenen/" + secret)
	if res.StatusCode < 500 {
		t.Fatalf("the signing link during an outage: %d, want a 5xx", res.StatusCode)
	}
	got := logs.String()
	if !strings.Contains(got, "request failed") || !strings.Contains(got, "/documenten/{id:") {
		t.Fatalf("no failure logged with its route:\n%s", got)
	}
	if strings.Contains(got, secret) {
		t.Fatalf("the log holds the signing link's token:\n%s", got)
	}
}
