package identity_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"backoffice/domain"
	it "backoffice/internal/identitytest"
	rm "backoffice/readmodel/identity"
	"backoffice/readmodel/paging"
)

// TestAuditorSeesWhoNotHowToReach: the auditor's answers of every identity
// query carry no e-mail address (accounts, contact persons, workers), the
// same rows otherwise; the account list names who the login belongs to,
// when it was created and when it was blocked. The back office keeps the
// addresses; the payroll token lists no accounts.
func TestAuditorSeesWhoNotHowToReach(t *testing.T) {
	e, bo := asBackoffice(t)
	ctx := context.Background()
	a := registerTenant(t, e, bo, "a", "111222333")
	pos := it.Want(t, e.Do(t, http.MethodPost, "/accounts/"+a.accounts[2]+"/disable", bo, nil), http.StatusOK).Str(t, "position")
	it.Want(t, e.Do(t, http.MethodGet, "/accounts?min_position="+pos, bo, nil), http.StatusOK)

	auditor := domain.Actor{AccountID: "tok-aud", Role: domain.RoleAuditor}
	backoffice := domain.Actor{AccountID: "acc-bo", Role: domain.RoleBackoffice}
	// answers are every identity answer of reader, as JSON.
	answers := func(reader domain.Actor) string {
		t.Helper()
		var out []any
		add := func(v any, err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, v)
		}
		add(e.Queries.AccountsPage(ctx, reader, paging.Request{}))
		add(e.Queries.Accounts(ctx, reader))
		add(e.Queries.Intermediaries(ctx, reader))
		add(e.Queries.IntermediariesPage(ctx, reader, paging.Request{}))
		add(e.Queries.Intermediary(ctx, reader, a.intermediary))
		add(e.Queries.Clients(ctx, reader))
		add(e.Queries.ClientsPage(ctx, reader, paging.Request{}))
		add(e.Queries.Client(ctx, reader, a.client))
		add(e.Queries.Worker(ctx, reader, a.worker))
		add(e.Queries.ActorNames(ctx, reader, a.accounts))
		b, err := json.Marshal(out)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	addresses := []string{"ilse-a@flex.test", "karel-a@bakkerij.test", "jan-a@bakkerij.test", it.BackofficeEmail}
	got := answers(auditor)
	for _, addr := range addresses {
		if strings.Contains(got, addr) {
			t.Errorf("the auditor receives %s: %s", addr, got)
		}
	}
	if strings.Contains(got, `"email"`) || strings.Contains(got, "@") {
		t.Errorf("the auditor receives an address: %s", got)
	}
	if all := answers(backoffice); !strings.Contains(all, "jan-a@bakkerij.test") || !strings.Contains(all, "karel-a@bakkerij.test") || !strings.Contains(all, "ilse-a@flex.test") {
		t.Errorf("the back office lost the addresses: %s", all)
	}

	accs, err := e.Queries.AccountsPage(ctx, auditor, paging.Request{})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]rm.Account{}
	for _, x := range accs.Items {
		byID[x.ID] = x
		if x.CreatedAt.IsZero() || x.Role == "" {
			t.Errorf("account without role or creation date: %+v", x)
		}
	}
	if len(byID) != 4 { // the back office and the tenant's three
		t.Fatalf("the auditor lists %d accounts: %+v", len(byID), accs.Items)
	}
	worker := byID[a.accounts[2]]
	if worker.Name != "Jan Berg a" || worker.WorkerID != a.worker || !worker.Disabled || worker.DisabledAt == nil ||
		worker.DisabledAt.Before(worker.CreatedAt) {
		t.Errorf("the blocked worker's login: %+v", worker)
	}
	if client := byID[a.accounts[1]]; client.Name != "Karel a" || client.ClientID != a.client || client.Disabled || client.DisabledAt != nil {
		t.Errorf("the client's login: %+v", client)
	}

	// Unblocked: no blocking date any more.
	pos = it.Want(t, e.Do(t, http.MethodPost, "/accounts/"+a.accounts[2]+"/enable", bo, nil), http.StatusOK).Str(t, "position")
	it.Want(t, e.Do(t, http.MethodGet, "/accounts?min_position="+pos, bo, nil), http.StatusOK)
	accs, err = e.Queries.AccountsPage(ctx, auditor, paging.Request{})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range accs.Items {
		if x.ID == a.accounts[2] && (x.Disabled || x.DisabledAt != nil) {
			t.Errorf("after unblocking: %+v", x)
		}
	}

	for _, r := range []domain.Actor{{AccountID: "tok-pay", Role: domain.RolePayroll},
		{AccountID: a.accounts[0], Role: domain.RoleIntermediary, IntermediaryID: a.intermediary}} {
		if p, err := e.Queries.AccountsPage(ctx, r, paging.Request{}); err != nil || len(p.Items) != 0 {
			t.Errorf("%s lists accounts: %+v, %v", r.Role, p.Items, err)
		}
	}
}
