// Package tenanttest checks that read-model queries stay within a tenant:
// every query of a read model, run as each user of tenant A, never answers
// with tenant B's rows and does answer with A's own. Each read model's
// tenant test lists its queries; the check is this package's.
package tenanttest

import (
	"errors"
	"slices"
	"testing"

	"backoffice/domain"
)

// Found is a lookup's answer as IDs: id, or none when it is not found.
func Found(id string, err error) ([]string, error) {
	if errors.Is(err, domain.ErrNotFound) {
		return nil, nil
	}
	return []string{id}, err
}

// IDs maps the rows a list query returned to their IDs.
func IDs[T any](rows []T, id func(T) string) []string {
	var ids []string
	for _, r := range rows {
		ids = append(ids, id(r))
	}
	return ids
}

// Roles is an Own that is true for the roles given.
func Roles(roles ...domain.Role) func(domain.Role) bool {
	return func(r domain.Role) bool { return slices.Contains(roles, r) }
}

// AllRoles is the Own of a query whose rows every user of a tenant sees.
func AllRoles(domain.Role) bool { return true }

// Checker runs read-model queries as the users of tenant a, for the rows of
// tenant a and of tenant b (of type X: a tenant's IDs, as the test keeps
// them). mine are the IDs of a's rows.
type Checker[X any] struct {
	t     testing.TB
	users []domain.Actor
	a, b  X
	mine  []string
}

// New returns a Checker for tenant a's users.
func New[X any](t testing.TB, users []domain.Actor, a, b X, mine []string) *Checker[X] {
	return &Checker[X]{t: t, users: users, a: a, b: b, mine: mine}
}

// Query runs one query, as each user, for tenant x's rows: run returns the
// IDs of the rows it answered with. Asked for b's rows, it may answer only
// with IDs of a's; asked for a's, it answers with at least one of them
// exactly when own says the user's role sees them.
func (c *Checker[X]) Query(name string, own func(role domain.Role) bool, run func(actor domain.Actor, x X) ([]string, error)) {
	c.t.Helper()
	for _, actor := range c.users {
		got, err := run(actor, c.b)
		if err != nil {
			c.t.Fatalf("%s as %s of tenant a, asking for tenant b: %v", name, actor.Role, err)
		}
		for _, id := range got {
			if !slices.Contains(c.mine, id) {
				c.t.Fatalf("%s as %s of tenant a, asking for tenant b, returns %s: not tenant a's", name, actor.Role, id)
			}
		}
		got, err = run(actor, c.a)
		if err != nil {
			c.t.Fatalf("%s as %s of tenant a: %v", name, actor.Role, err)
		}
		if seen := slices.ContainsFunc(got, func(id string) bool { return slices.Contains(c.mine, id) }); seen != own(actor.Role) {
			c.t.Fatalf("%s as %s of tenant a: own rows %v, want seen = %v", name, actor.Role, got, own(actor.Role))
		}
	}
}
