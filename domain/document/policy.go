package document

import (
	"backoffice/domain"
	"backoffice/domain/account"
)

// CanSee reports whether actor may see a document of these tenants: the
// bureau and the auditor all (the auditor reads, it changes nothing: the
// commands refuse it by role), a client user their company's, an
// intermediary its clients', a worker the ones concerning them. The
// payroll token sees none: documents are no part of its feed.
func CanSee(a domain.Actor, clientID, intermediaryID, workerID string) bool {
	return ScopeOf(a).Admits(account.PlacementRef{WorkerID: workerID, ClientID: clientID, IntermediaryID: intermediaryID})
}

// ScopeOf is CanSee as a row scope for the query layer (readmodel/tenant):
// the account's scope (the auditor's is every tenant, as for the signing
// evidence it may fetch of any document), but the payroll token, which
// reads every tenant's hours, sees no documents.
func ScopeOf(a domain.Actor) account.Scope {
	if a.Is(domain.RolePayroll) {
		return account.Scope{Kind: account.ScopeNone}
	}
	return account.ScopeOf(a)
}

// CanReadFile reports whether actor may read the file of a document it can
// see: an ID copy only for the bureau and the worker it concerns (DESIGN:
// clients and intermediaries never receive ID copies, not even the client
// user who uploaded one; the auditor receives no personal data).
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

// MayUpload reports whether actor's role may upload a document or a new
// version at all (the bureau and client users; Upload and AddVersion
// decide the rest). The HTTP layer asks it before it reads an upload's
// body or takes one of the process's upload slots, so logins that may
// never upload (workers) cannot hold the slots with slow bodies.
func MayUpload(a domain.Actor) bool { return isStaff(a) || a.Role == domain.RoleClient }
