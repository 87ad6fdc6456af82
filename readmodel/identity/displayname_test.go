package identity_test

import (
	"context"
	"net/http"
	"testing"

	"backoffice/domain"
	it "backoffice/internal/identitytest"
	rm "backoffice/readmodel/identity"
)

// TestDisplayNameAndLanguage: the portal's display names come from the
// worker, client and intermediary read models (contacts by their own
// account only), the back office is shown by e-mail address; the accounts
// read model follows account.language_changed, also after a rebuild.
func TestDisplayNameAndLanguage(t *testing.T) {
	e, bo := asBackoffice(t)
	ctx := context.Background()
	r := registerIntermediary(t, e, bo, "Flex", "Anna de Boer", "Anna@Flex.test")
	interID, interAcc := r.Str(t, "id"), r.Str(t, "account_id")
	r = registerClient(t, e, bo, interID, "Bakkerij", "Kees Bakker", "kees@bakkerij.test")
	clientID, clientAcc := r.Str(t, "id"), r.Str(t, "account_id")
	r = registerWorker(t, e, bo, clientID, map[string]string{"first": "Jan", "infix": "van der", "last": "Berg"}, "jan@bakkerij.test", "111222333")
	workerAcc := r.Str(t, "account_id")
	e.WaitForMail(t, "jan@bakkerij.test", 1) // the mailer's link must not void DemoSetPassword's
	if err := e.Identity.Activation.DemoSetPassword(ctx, workerAcc, "een-goed-wachtwoord"); err != nil {
		t.Fatal(err)
	}
	wt := e.Login(t, "jan@bakkerij.test", "een-goed-wachtwoord")
	pos := it.Want(t, e.Do(t, http.MethodPut, "/me/language", wt, map[string]string{"language": "en"}), http.StatusOK).Str(t, "position")
	it.Want(t, e.Do(t, http.MethodGet, "/accounts?min_position="+pos, bo, nil), http.StatusOK)
	it.Want(t, e.Do(t, http.MethodGet, "/placements?min_position="+pos, bo, nil), http.StatusOK)
	it.Want(t, e.Do(t, http.MethodGet, "/intermediaries?min_position="+pos, bo, nil), http.StatusOK)

	boAcc := accountByEmail(t, e, it.BackofficeEmail).ID
	check := func() {
		t.Helper()
		for _, c := range []struct{ accountID, want string }{
			{workerAcc, "Jan van der Berg"},
			{clientAcc, "Kees Bakker"},
			{interAcc, "Anna de Boer"},
			{boAcc, it.BackofficeEmail},
			{"no-such-account", ""},
		} {
			got, err := e.Queries.DisplayName(ctx, c.accountID)
			if err != nil || got != c.want {
				t.Errorf("DisplayName(%s) = %q, %v; want %q", c.accountID, got, err, c.want)
			}
		}
		if got := accountByEmail(t, e, "jan@bakkerij.test").Language; got != "en" {
			t.Errorf("worker's language in the accounts read model: %q", got)
		}
		if got := accountByEmail(t, e, "kees@bakkerij.test").Language; got != "nl" {
			t.Errorf("client's language in the accounts read model: %q", got)
		}
	}
	check()
	for _, name := range rm.AllProjectors {
		if err := e.Runtime.Rebuild(ctx, name, nil); err != nil {
			t.Fatal(err)
		}
	}
	check()

	// A client account that is not the client's contact (a second user of
	// the company) is not greeted with the contact's name.
	if _, err := e.Pool.Exec(ctx, `INSERT INTO accounts (account_id, email, role, client_id, created_at)
		VALUES ('second-user', 'piet@bakkerij.test', 'client', $1, now())`, clientID); err != nil {
		t.Fatal(err)
	}
	if got, err := e.Queries.DisplayName(ctx, "second-user"); err != nil || got != "piet@bakkerij.test" {
		t.Fatalf("second user of the client: %q %v", got, err)
	}
}

func accountByEmail(t *testing.T, e *it.Env, email string) rm.Account {
	t.Helper()
	as, err := e.Queries.Accounts(context.Background(), domain.Actor{Role: domain.RoleBackoffice})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		if a.Email == email {
			return a
		}
	}
	t.Fatalf("no account %s in %+v", email, as)
	return rm.Account{}
}
