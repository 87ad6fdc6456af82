package portal

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"backoffice/eventstore"
)

// downIdentity is the identity service while PostgreSQL is away.
type downIdentity struct{ *fakeBackend }

func (downIdentity) Authenticate(context.Context, string) (User, error) {
	return User{}, fmt.Errorf("identity: session: %w: connection refused", eventstore.ErrUnavailable)
}

// TestOutageShowsAFriendlyPage: while the database is away (it restarts by
// itself) the portal answers 503 with Retry-After and a Dutch page that
// asks for a moment's patience, not a 500 "something went wrong".
func TestOutageShowsAFriendlyPage(t *testing.T) {
	h := newHarnessWith(t, func(d *Deps) { d.Identity = downIdentity{d.Identity.(*fakeBackend)} })
	h.loginAs(clientActor, "nl")
	res, body := h.get("/")
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("GET / during an outage: %d, want 503\n%s", res.StatusCode, body)
	}
	if res.Header.Get("Retry-After") == "" {
		t.Fatal("no Retry-After on the 503")
	}
	if !strings.Contains(body, "<h1>Even geduld</h1>") || !strings.Contains(body, "Even geduld: ") {
		t.Fatalf("the page does not ask for patience in Dutch:\n%s", body)
	}
}
