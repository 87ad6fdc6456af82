package portalwire_test

import (
	rmid "backoffice/readmodel/identity"
	"context"
	"net/http"
	"testing"
	"time"

	"backoffice/commands"
	it "backoffice/http/api/identityapi/identitytest"
	"backoffice/http/portal"
	"backoffice/internal/app/portalwire"
	"backoffice/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestIdentityAdapter: the portal user carries the display name from the
// read models, and the language switch applies to the session's next
// request.
func TestIdentityAdapter(t *testing.T) {
	e := it.New(t)
	ctx := context.Background()
	id, err := portalwire.NewIdentity(e.Auth, e.Service, rmid.NewQueries(e.Pool, time.Now), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	bo := e.Login(t, it.BackofficeEmail, it.BackofficePassword)
	r := it.Want(t, e.Do(t, http.MethodPost, "/intermediaries", bo, map[string]any{"name": "Flex",
		"contact": map[string]string{"name": "Anna de Boer", "email": "anna@flex.test"}}), http.StatusCreated)
	acc, pos := r.Str(t, "account_id"), r.Str(t, "position")
	e.WaitForMail(t, "anna@flex.test", 1)
	if err := e.Service.DemoSetPassword(ctx, acc, "een-goed-wachtwoord"); err != nil {
		t.Fatal(err)
	}
	it.Want(t, e.Do(t, http.MethodGet, "/intermediaries?min_position="+pos, bo, nil), http.StatusOK)
	it.Want(t, e.Do(t, http.MethodGet, "/accounts?min_position="+pos, bo, nil), http.StatusOK)

	s, err := id.Login(ctx, "anna@flex.test", "een-goed-wachtwoord", portal.Client{IP: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	if s.User.Name != "Anna de Boer" || s.User.Actor.Language != "nl" {
		t.Fatalf("login user: %+v", s.User)
	}
	if _, err := id.SetLanguage(ctx, commands.Meta{Actor: s.User.Actor}, "en"); err != nil {
		t.Fatal(err)
	}
	u, err := id.Authenticate(ctx, s.Token)
	if err != nil {
		t.Fatal(err)
	}
	if u.Name != "Anna de Boer" || u.Actor.Language != "en" || u.Email != "anna@flex.test" {
		t.Fatalf("next request's user: %+v", u)
	}
	bs, err := id.Login(ctx, it.BackofficeEmail, it.BackofficePassword, portal.Client{})
	if err != nil || bs.User.Name != it.BackofficeEmail {
		t.Fatalf("back office user: %+v %v", bs.User, err)
	}
}
