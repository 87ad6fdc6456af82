package tenant_test

import (
	"testing"

	"backoffice/domain/account"
	"backoffice/readmodel/tenant"
)

func TestWhere(t *testing.T) {
	all := tenant.Columns{Intermediary: "p.intermediary_id", Client: "p.client_id", Worker: "p.worker_id"}
	noWorker := tenant.Columns{Intermediary: "c.intermediary_id", Client: "c.client_id"}
	for _, c := range []struct {
		name  string
		scope account.Scope
		cols  tenant.Columns
		cond  string
		ok    bool
		arg   any
	}{
		{"all", account.Scope{Kind: account.ScopeAll}, all, "true", true, nil},
		{"intermediary", account.Scope{Kind: account.ScopeIntermediary, ID: "i1"}, all, "p.intermediary_id = $2", true, "i1"},
		{"client", account.Scope{Kind: account.ScopeClient, ID: "c1"}, all, "p.client_id = $2", true, "c1"},
		{"worker", account.Scope{Kind: account.ScopeWorker, ID: "w1"}, all, "p.worker_id = $2", true, "w1"},
		{"worker on a table without workers", account.Scope{Kind: account.ScopeWorker, ID: "w1"}, noWorker, "false", false, nil},
		{"none", account.Scope{Kind: account.ScopeNone}, all, "false", false, nil},
		{"a tenant kind without its ID", account.Scope{Kind: account.ScopeClient}, all, "false", false, nil},
	} {
		args := []any{"first"}
		cond, ok := tenant.Where(c.scope, c.cols, &args)
		if cond != c.cond || ok != c.ok {
			t.Fatalf("%s: %q, %v; want %q, %v", c.name, cond, ok, c.cond, c.ok)
		}
		if c.arg == nil && len(args) != 1 || c.arg != nil && (len(args) != 2 || args[1] != c.arg) {
			t.Fatalf("%s: args %v", c.name, args)
		}
	}
}
