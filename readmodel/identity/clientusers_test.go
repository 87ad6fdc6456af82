package identity_test

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"testing"

	"backoffice/domain"
	it "backoffice/internal/identitytest"
	rm "backoffice/readmodel/identity"
)

// TestClientUsers: the back office gets the enabled users of one client,
// the contact by name and others by e-mail address; everyone else gets
// not-found, even for their own client.
func TestClientUsers(t *testing.T) {
	e, bo := asBackoffice(t)
	ctx := context.Background()
	r := registerIntermediary(t, e, bo, "Flex", "Anna de Boer", "anna@flex.test")
	interID := r.Str(t, "id")
	client := func(name, contact, email string) (string, string, string) {
		r := registerClient(t, e, bo, interID, name, contact, email)
		return r.Str(t, "id"), r.Str(t, "account_id"), r.Str(t, "position")
	}
	clientID, contactAcc, _ := client("Bakkerij", "Kees Bakker", "Kees@Bakkerij.test")
	otherID, _, pos := client("Transport", "Piet Smit", "piet@transport.test")
	it.Want(t, e.Do(t, http.MethodGet, "/clients?min_position="+pos, bo, nil), http.StatusOK)
	it.Want(t, e.Do(t, http.MethodGet, "/accounts?min_position="+pos, bo, nil), http.StatusOK)
	// A second user of the company, a disabled one, and a worker of it.
	if _, err := e.Pool.Exec(ctx, `INSERT INTO accounts (account_id, email, role, client_id, disabled, created_at) VALUES
		('second', 'zoe@bakkerij.test', 'client', $1, false, now()),
		('gone', 'oud@bakkerij.test', 'client', $1, true, now()),
		('wrk', 'jan@bakkerij.test', 'worker', '', false, now())`, clientID); err != nil {
		t.Fatal(err)
	}

	got, err := e.Queries.ClientUsers(ctx, domain.Actor{Role: domain.RoleBackoffice, AccountID: "bo"}, clientID)
	want := []rm.ClientUser{
		{AccountID: contactAcc, Name: "Kees Bakker", Email: "kees@bakkerij.test"},
		{AccountID: "second", Name: "zoe@bakkerij.test", Email: "zoe@bakkerij.test"},
	}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("back office: %+v %v\nwant %+v", got, err, want)
	}
	if got, err := e.Queries.ClientUsers(ctx, domain.Actor{Role: domain.RoleBackoffice}, "no-such-client"); err != nil || len(got) != 0 {
		t.Fatalf("unknown client: %+v %v", got, err)
	}
	for _, a := range []domain.Actor{
		{Role: domain.RoleClient, ClientID: clientID, AccountID: contactAcc},
		{Role: domain.RoleClient, ClientID: otherID},
		{Role: domain.RoleIntermediary, IntermediaryID: interID},
		{Role: domain.RoleAuditor},
		{Role: domain.RolePayroll},
		{},
	} {
		if got, err := e.Queries.ClientUsers(ctx, a, clientID); !errors.Is(err, domain.ErrNotFound) || got != nil {
			t.Errorf("%s: %+v %v, want not-found", a.Role, got, err)
		}
	}
}
