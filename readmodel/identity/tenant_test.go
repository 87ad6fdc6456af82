package identity_test

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"slices"
	"testing"

	"backoffice/domain"
	it "backoffice/internal/identitytest"
	"backoffice/readmodel/asof"
	rm "backoffice/readmodel/identity"
	"backoffice/readmodel/tenant/tenanttest"
)

// tenantRows is one tenant registered through the API: its IDs and the
// accounts of its users.
type tenantRows struct {
	intermediary, client, worker, placement string
	accounts                                []string
}

func registerTenant(t *testing.T, e *it.Env, bo, tag, bsn string) tenantRows {
	t.Helper()
	var tn tenantRows
	r := registerIntermediary(t, e, bo, "Flex "+tag, "Ilse "+tag, "ilse-"+tag+"@flex.test")
	tn.intermediary = r.Str(t, "id")
	tn.accounts = append(tn.accounts, r.Str(t, "account_id"))
	r = registerClient(t, e, bo, tn.intermediary, "Bakkerij "+tag, "Karel "+tag, "karel-"+tag+"@bakkerij.test")
	tn.client = r.Str(t, "id")
	tn.accounts = append(tn.accounts, r.Str(t, "account_id"))
	r = registerWorker(t, e, bo, tn.client, map[string]string{"first": "Jan", "last": "Berg " + tag}, "jan-"+tag+"@bakkerij.test", bsn)
	tn.worker, tn.placement = r.Str(t, "worker_id"), r.Str(t, "placement_id")
	tn.accounts = append(tn.accounts, r.Str(t, "account_id"))
	it.Want(t, e.Do(t, http.MethodGet, "/placements?min_position="+r.Str(t, "position"), bo, nil), http.StatusOK)
	return tn
}

// TestNoQueryCrossesTenants: for every query of the identity read model and
// every user of tenant A, tenant B's rows never come back (a list leaves
// them out, a lookup is not found), while A's own rows do: the query is
// scoped, not empty.
func TestNoQueryCrossesTenants(t *testing.T) {
	e, bo := asBackoffice(t)
	ctx := context.Background()
	a := registerTenant(t, e, bo, "a", "111222333")
	b := registerTenant(t, e, bo, "b", "123456782")
	head, err := e.Store.HeadPosition(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now := asof.AtPosition(head)

	users := []domain.Actor{
		{AccountID: a.accounts[0], Role: domain.RoleIntermediary, IntermediaryID: a.intermediary},
		{AccountID: a.accounts[1], Role: domain.RoleClient, ClientID: a.client},
		{AccountID: a.accounts[2], Role: domain.RoleWorker, WorkerID: a.worker},
	}
	mine := append([]string{a.intermediary, a.client, a.worker, a.placement}, a.accounts...)
	c := tenanttest.New(t, users, a, b, mine)
	// Each query answers the IDs of the rows it returns for tenant x's.
	inter, client := tenanttest.Roles(domain.RoleIntermediary), tenanttest.Roles(domain.RoleIntermediary, domain.RoleClient)
	nobody, all := tenanttest.Roles(), tenanttest.AllRoles
	c.Query("Intermediaries", inter, func(actor domain.Actor, _ tenantRows) ([]string, error) {
		is, err := e.Queries.Intermediaries(ctx, actor)
		return tenanttest.IDs(is, func(i rm.Intermediary) string { return i.ID }), err
	})
	c.Query("Intermediary", inter, func(actor domain.Actor, x tenantRows) ([]string, error) {
		r, err := e.Queries.Intermediary(ctx, actor, x.intermediary)
		return tenanttest.Found(r.ID, err)
	})
	c.Query("Clients", client, func(actor domain.Actor, _ tenantRows) ([]string, error) {
		cs, err := e.Queries.Clients(ctx, actor)
		return tenanttest.IDs(cs, func(c rm.Client) string { return c.ID }), err
	})
	c.Query("Client", client, func(actor domain.Actor, x tenantRows) ([]string, error) {
		r, err := e.Queries.Client(ctx, actor, x.client)
		return tenanttest.Found(r.ID, err)
	})
	c.Query("Worker", all, func(actor domain.Actor, x tenantRows) ([]string, error) {
		r, err := e.Queries.Worker(ctx, actor, x.worker)
		return tenanttest.Found(r.ID, err)
	})
	c.Query("Placements", all, func(actor domain.Actor, _ tenantRows) ([]string, error) {
		ps, err := e.Queries.Placements(ctx, actor, rm.PlacementFilter{})
		return tenanttest.IDs(ps, func(p rm.Placement) string { return p.ID }), err
	})
	c.Query("Placement", all, func(actor domain.Actor, x tenantRows) ([]string, error) {
		r, err := e.Queries.Placement(ctx, actor, x.placement)
		return tenanttest.Found(r.ID, err)
	})
	c.Query("PlacementAsOf", all, func(actor domain.Actor, x tenantRows) ([]string, error) {
		r, err := e.Queries.PlacementAsOf(ctx, actor, e.Store, x.placement, now)
		return tenanttest.Found(r.ID, err)
	})
	c.Query("Accounts", nobody, func(actor domain.Actor, _ tenantRows) ([]string, error) {
		as, err := e.Queries.Accounts(ctx, actor)
		return tenanttest.IDs(as, func(x rm.Account) string { return x.ID }), err
	})
	c.Query("ClientUsers", nobody, func(actor domain.Actor, x tenantRows) ([]string, error) {
		us, err := e.Queries.ClientUsers(ctx, actor, x.client)
		if errors.Is(err, domain.ErrNotFound) {
			err = nil
		}
		return tenanttest.IDs(us, func(u rm.ClientUser) string { return u.AccountID }), err
	})
	c.Query("ActorNames", all, func(actor domain.Actor, x tenantRows) ([]string, error) {
		names, err := e.Queries.ActorNames(ctx, actor, x.accounts)
		return slices.Collect(maps.Keys(names)), err
	})
}
