package identity_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"

	"backoffice/domain"
	it "backoffice/internal/identitytest"
	"backoffice/readmodel/asof"
	rm "backoffice/readmodel/identity"
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

// idsOf maps the rows a list query returned to their IDs.
func idsOf[T any](rows []T, id func(T) string) []string {
	var ids []string
	for _, r := range rows {
		ids = append(ids, id(r))
	}
	return ids
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

	// Each query answers the IDs it returns for a lookup of tenant x's row
	// (lists: the IDs of every row); a lookup that is not found returns
	// none.
	lookup := func(id string, err error) ([]string, error) {
		if errors.Is(err, domain.ErrNotFound) {
			return nil, nil
		}
		return []string{id}, err
	}
	queries := []struct {
		name string
		run  func(actor domain.Actor, x tenantRows) ([]string, error)
		// own: whether users of every role of a tenant see their own row
		// (false: only some roles do, e.g. workers have no intermediaries).
		own func(role domain.Role) bool
	}{
		{"Intermediaries", func(actor domain.Actor, _ tenantRows) ([]string, error) {
			is, err := e.Queries.Intermediaries(ctx, actor)
			return idsOf(is, func(i rm.Intermediary) string { return i.ID }), err
		}, is(domain.RoleIntermediary)},
		{"Intermediary", func(actor domain.Actor, x tenantRows) ([]string, error) {
			i, err := e.Queries.Intermediary(ctx, actor, x.intermediary)
			return lookup(i.ID, err)
		}, is(domain.RoleIntermediary)},
		{"Clients", func(actor domain.Actor, _ tenantRows) ([]string, error) {
			cs, err := e.Queries.Clients(ctx, actor)
			return idsOf(cs, func(c rm.Client) string { return c.ID }), err
		}, is(domain.RoleIntermediary, domain.RoleClient)},
		{"Client", func(actor domain.Actor, x tenantRows) ([]string, error) {
			c, err := e.Queries.Client(ctx, actor, x.client)
			return lookup(c.ID, err)
		}, is(domain.RoleIntermediary, domain.RoleClient)},
		{"Worker", func(actor domain.Actor, x tenantRows) ([]string, error) {
			w, err := e.Queries.Worker(ctx, actor, x.worker)
			return lookup(w.ID, err)
		}, is(domain.RoleIntermediary, domain.RoleClient, domain.RoleWorker)},
		{"Placements", func(actor domain.Actor, _ tenantRows) ([]string, error) {
			ps, err := e.Queries.Placements(ctx, actor, rm.PlacementFilter{})
			return idsOf(ps, func(p rm.Placement) string { return p.ID }), err
		}, is(domain.RoleIntermediary, domain.RoleClient, domain.RoleWorker)},
		{"Placement", func(actor domain.Actor, x tenantRows) ([]string, error) {
			p, err := e.Queries.Placement(ctx, actor, x.placement)
			return lookup(p.ID, err)
		}, is(domain.RoleIntermediary, domain.RoleClient, domain.RoleWorker)},
		{"PlacementAsOf", func(actor domain.Actor, x tenantRows) ([]string, error) {
			p, err := e.Queries.PlacementAsOf(ctx, actor, e.Store, x.placement, now)
			return lookup(p.ID, err)
		}, is(domain.RoleIntermediary, domain.RoleClient, domain.RoleWorker)},
		{"Accounts", func(actor domain.Actor, _ tenantRows) ([]string, error) {
			as, err := e.Queries.Accounts(ctx, actor)
			return idsOf(as, func(x rm.Account) string { return x.ID }), err
		}, is()},
		{"ClientUsers", func(actor domain.Actor, x tenantRows) ([]string, error) {
			us, err := e.Queries.ClientUsers(ctx, actor, x.client)
			ids := idsOf(us, func(u rm.ClientUser) string { return u.AccountID })
			if errors.Is(err, domain.ErrNotFound) {
				err = nil
			}
			return ids, err
		}, is()},
		{"ActorNames", func(actor domain.Actor, x tenantRows) ([]string, error) {
			names, err := e.Queries.ActorNames(ctx, actor, x.accounts)
			var ids []string
			for id := range names {
				ids = append(ids, id)
			}
			return ids, err
		}, is(domain.RoleIntermediary, domain.RoleClient, domain.RoleWorker)},
	}
	users := func(x tenantRows) []domain.Actor {
		return []domain.Actor{
			{AccountID: x.accounts[0], Role: domain.RoleIntermediary, IntermediaryID: x.intermediary},
			{AccountID: x.accounts[1], Role: domain.RoleClient, ClientID: x.client},
			{AccountID: x.accounts[2], Role: domain.RoleWorker, WorkerID: x.worker},
		}
	}
	theirs := []string{b.intermediary, b.client, b.worker, b.placement}
	theirs = append(theirs, b.accounts...)
	mine := []string{a.intermediary, a.client, a.worker, a.placement}
	mine = append(mine, a.accounts...)
	for _, q := range queries {
		for _, actor := range users(a) {
			got, err := q.run(actor, b)
			if err != nil {
				t.Fatalf("%s as %s of tenant a, asking for tenant b: %v", q.name, actor.Role, err)
			}
			for _, id := range got {
				if slices.Contains(theirs, id) {
					t.Fatalf("%s as %s of tenant a returns %s of tenant b", q.name, actor.Role, id)
				}
			}
			own, err := q.run(actor, a)
			if err != nil {
				t.Fatalf("%s as %s of tenant a: %v", q.name, actor.Role, err)
			}
			seesOwn := slices.ContainsFunc(own, func(id string) bool { return slices.Contains(mine, id) })
			if seesOwn != q.own(actor.Role) {
				t.Fatalf("%s as %s of tenant a: own rows %v, want seen = %v", q.name, actor.Role, own, q.own(actor.Role))
			}
		}
	}
}

// is reports whether a role is one of roles.
func is(roles ...domain.Role) func(domain.Role) bool {
	return func(r domain.Role) bool { return slices.Contains(roles, r) }
}
