// Package tenant renders a row scope (account.Scope) as one SQL condition,
// the same way for every read model (identity, timesheets, documents): one
// place decides which column a tenant kind filters on, and a scope a table
// cannot express admits nothing.
package tenant

import (
	"fmt"

	"backoffice/domain/account"
)

// Columns names a table's tenant columns as the query spells them (e.g.
// "p.client_id"); "" where the table has no column for that kind.
type Columns struct {
	Intermediary, Client, Worker string
}

// Where returns the condition restricting rows to s, with its argument
// appended to *args as the next $n. For a scope that admits nothing (no
// tenant ID, or a kind the table has no column for) it is "false" and ok is
// false, so a caller can skip the query; for ScopeAll it is "true".
func Where(s account.Scope, cols Columns, args *[]any) (cond string, ok bool) {
	col := ""
	switch s.Kind {
	case account.ScopeAll:
		return "true", true
	case account.ScopeIntermediary:
		col = cols.Intermediary
	case account.ScopeClient:
		col = cols.Client
	case account.ScopeWorker:
		col = cols.Worker
	}
	if col == "" || s.ID == "" {
		return "false", false
	}
	*args = append(*args, s.ID)
	return fmt.Sprintf("%s = $%d", col, len(*args)), true
}
