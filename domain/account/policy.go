package account

import "backoffice/domain"

// Forbidden is returned when an actor's role may not perform a command at all
// (a worker registering a worker). When the target lies outside the actor's
// tenant, commands return domain.ErrNotFound instead so existence does not
// leak.
var Forbidden = &domain.Error{
	Kind:      domain.KindForbidden,
	Code:      "forbidden",
	Message:   "You are not allowed to do this.",
	MessageNL: "U heeft hiervoor geen rechten.",
}

// IsStaff reports whether the actor is the bureau itself: a back-office user
// or the application acting on its own (process managers, demo seeding).
func IsStaff(a domain.Actor) bool {
	return a.Is(domain.RoleBackoffice, domain.RoleSystem)
}

// readsAll reports whether the actor may read every tenant's rows.
// Auditors and the payroll package read everything but change nothing
// outside their own feeds.
func readsAll(a domain.Actor) bool {
	return a.Is(domain.RoleBackoffice, domain.RoleSystem, domain.RoleAuditor, domain.RolePayroll)
}

// same compares a tenant ID of the actor with a row's, never matching empty.
func same(mine, theirs string) bool { return mine != "" && mine == theirs }

// CanSeeIntermediary reports whether a may read the intermediary's data.
func CanSeeIntermediary(a domain.Actor, intermediaryID string) bool {
	if readsAll(a) {
		return true
	}
	return a.Role == domain.RoleIntermediary && same(a.IntermediaryID, intermediaryID)
}

// CanSeeClient reports whether a may read a client that belongs to
// intermediaryID: staff, auditors and payroll all; an intermediary its own
// clients; a client user its own company.
func CanSeeClient(a domain.Actor, clientID, intermediaryID string) bool {
	switch {
	case readsAll(a):
		return true
	case a.Role == domain.RoleIntermediary:
		return same(a.IntermediaryID, intermediaryID)
	case a.Role == domain.RoleClient:
		return same(a.ClientID, clientID)
	}
	return false
}

// PlacementRef is what the policy needs to know about a placement (and so
// about its timesheets, which inherit the placement's visibility).
type PlacementRef struct {
	WorkerID       string
	ClientID       string
	IntermediaryID string
}

// CanSeePlacement reports whether a may read a placement and its timesheets:
// what CanSeeClient allows for its client, plus the worker their own.
func CanSeePlacement(a domain.Actor, p PlacementRef) bool {
	if a.Role == domain.RoleWorker {
		return same(a.WorkerID, p.WorkerID)
	}
	return CanSeeClient(a, p.ClientID, p.IntermediaryID)
}

// CanSeeWorker reports whether a may see a worker (name, e-mail, function)
// given the worker's placements: the worker themself, and anyone who may see
// one of the placements. Personal fields have their own rule:
// CanSeePersonalField.
func CanSeeWorker(a domain.Actor, workerID string, placements []PlacementRef) bool {
	if readsAll(a) {
		return true
	}
	if a.Role == domain.RoleWorker {
		return same(a.WorkerID, workerID)
	}
	for _, p := range placements {
		if p.WorkerID == workerID && CanSeePlacement(a, p) {
			return true
		}
	}
	return false
}

// CanSeeEmail reports whether a receives the e-mail addresses of the
// people and logins it may see (workers, contact persons, accounts,
// signers). The auditor does not: it needs to know who acted (account,
// role, name, tenant), not how to reach them; its token reads every
// tenant, so the addresses would be a list of everyone's.
func CanSeeEmail(a domain.Actor) bool { return a.Role != domain.RoleAuditor }

// PersonalField names a field of a worker's personal data for per-field
// visibility.
type PersonalField string

const (
	FieldBSN         PersonalField = "bsn"
	FieldIBAN        PersonalField = "iban"
	FieldDateOfBirth PersonalField = "date_of_birth"
	FieldAddress     PersonalField = "address"
	FieldMobile      PersonalField = "mobile"
	FieldIDDocument  PersonalField = "id_document"
)

// CanSeePersonalField reports whether a may receive one personal field of a
// worker the caller has already found visible with CanSeeWorker.
//
// Rules: the bureau (backoffice, system) and the worker themself see
// everything. The payroll package gets what it needs to pay wages and file
// wage tax (BSN, IBAN, date of birth, address), not ID copies or the mobile
// number. Clients and intermediaries NEVER receive BSN, IBAN or ID copies,
// nor the home address; they do get the mobile number (to reach the worker)
// and the date of birth (youth wage rates depend on age). Auditors replay
// events, which carry no personal data, and get none.
func CanSeePersonalField(a domain.Actor, workerID string, f PersonalField) bool {
	switch a.Role {
	case domain.RoleBackoffice, domain.RoleSystem:
		return true
	case domain.RoleWorker:
		return same(a.WorkerID, workerID)
	case domain.RolePayroll:
		return f == FieldBSN || f == FieldIBAN || f == FieldDateOfBirth || f == FieldAddress
	case domain.RoleClient, domain.RoleIntermediary:
		return f == FieldMobile || f == FieldDateOfBirth
	}
	return false
}

// ScopeKind says which rows a Scope admits.
type ScopeKind uint8

const (
	ScopeNone         ScopeKind = iota // nothing (unknown role, missing tenant ID)
	ScopeAll                           // every tenant
	ScopeIntermediary                  // rows whose intermediary_id = ID
	ScopeClient                        // rows whose client_id = ID
	ScopeWorker                        // rows whose worker_id = ID
)

// Scope is the row filter the query layer applies to every query: one kind
// and one tenant ID, so each query is a single WHERE clause.
type Scope struct {
	Kind ScopeKind
	ID   string
}

// ScopeOf derives the row scope of an actor. A tenant role without its
// tenant ID gets ScopeNone: a half-filled actor must see nothing.
func ScopeOf(a domain.Actor) Scope {
	switch {
	case readsAll(a):
		return Scope{Kind: ScopeAll}
	case a.Role == domain.RoleIntermediary && a.IntermediaryID != "":
		return Scope{Kind: ScopeIntermediary, ID: a.IntermediaryID}
	case a.Role == domain.RoleClient && a.ClientID != "":
		return Scope{Kind: ScopeClient, ID: a.ClientID}
	case a.Role == domain.RoleWorker && a.WorkerID != "":
		return Scope{Kind: ScopeWorker, ID: a.WorkerID}
	}
	return Scope{Kind: ScopeNone}
}

// Admits reports whether a row with these tenant IDs is in scope. Read
// models that store all three IDs on a row can use it in Go; SQL queries
// use Kind and ID directly.
func (s Scope) Admits(p PlacementRef) bool {
	switch s.Kind {
	case ScopeAll:
		return true
	case ScopeIntermediary:
		return same(s.ID, p.IntermediaryID)
	case ScopeClient:
		return same(s.ID, p.ClientID)
	case ScopeWorker:
		return same(s.ID, p.WorkerID)
	}
	return false
}
