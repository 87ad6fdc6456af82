package document

import (
	"backoffice/domain"
	"backoffice/domain/account"
)

// CanSee reports whether actor may see a document of these tenants: the
// bureau all, a client user their company's, an intermediary its clients',
// a worker the ones concerning them. Integration tokens (payroll,
// auditor) see none: documents are no part of their feeds.
func CanSee(a domain.Actor, clientID, intermediaryID, workerID string) bool {
	same := func(mine, theirs string) bool { return mine != "" && mine == theirs }
	switch a.Role {
	case domain.RoleBackoffice, domain.RoleSystem:
		return true
	case domain.RoleClient:
		return same(a.ClientID, clientID)
	case domain.RoleIntermediary:
		return same(a.IntermediaryID, intermediaryID)
	case domain.RoleWorker:
		return same(a.WorkerID, workerID)
	}
	return false
}

// ScopeOf is CanSee as a row scope for the query layer (readmodel/tenant):
// the bureau sees every document, a client user, intermediary user or
// worker those of their tenant; everyone else (auditors, payroll) none.
func ScopeOf(a domain.Actor) account.Scope {
	switch {
	case a.Is(domain.RoleBackoffice, domain.RoleSystem):
		return account.Scope{Kind: account.ScopeAll}
	case a.Role == domain.RoleClient && a.ClientID != "":
		return account.Scope{Kind: account.ScopeClient, ID: a.ClientID}
	case a.Role == domain.RoleIntermediary && a.IntermediaryID != "":
		return account.Scope{Kind: account.ScopeIntermediary, ID: a.IntermediaryID}
	case a.Role == domain.RoleWorker && a.WorkerID != "":
		return account.Scope{Kind: account.ScopeWorker, ID: a.WorkerID}
	}
	return account.Scope{Kind: account.ScopeNone}
}

// CanReadFile reports whether actor may read the file of a document it can
// see: an ID copy only for the bureau and the worker it concerns (DESIGN:
// clients and intermediaries never receive ID copies, not even the client
// user who uploaded one).
func CanReadFile(a domain.Actor, category Category, clientID, intermediaryID, workerID string) bool {
	if !CanSee(a, clientID, intermediaryID, workerID) {
		return false
	}
	if category != CategoryIDCopy {
		return true
	}
	return isStaff(a) || (a.Role == domain.RoleWorker && a.WorkerID != "" && a.WorkerID == workerID)
}

// ErrFileRestricted: the actor sees the document but may not read its file.
var ErrFileRestricted = domain.Forbidden("id_copy_restricted",
	"A copy of an ID can only be viewed by the back office and the worker it belongs to.",
	"Een kopie ID-bewijs kan alleen worden bekeken door Backofficebureau en de werknemer zelf.")
