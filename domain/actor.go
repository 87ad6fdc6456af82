package domain

// Role is what an actor acts as. Stored in event metadata: never rename.
type Role string

const (
	RoleBackoffice   Role = "backoffice"
	RoleIntermediary Role = "intermediary"
	RoleClient       Role = "client"
	RoleWorker       Role = "worker"
	RolePayroll      Role = "payroll" // integration token: payroll feed and imports
	RoleAuditor      Role = "auditor" // integration token: read-only history
	RoleSystem       Role = "system"  // the application itself (demo seeding, schedulers)
)

// Actor is who asks, with the tenant they belong to. Commands and queries
// check it; the HTTP layer only fills it from the session or token.
type Actor struct {
	AccountID string
	Role      Role
	// Exactly the ID that matches Role is set: IntermediaryID for an
	// intermediary user, ClientID for a client user, WorkerID for a worker.
	IntermediaryID string
	ClientID       string
	WorkerID       string
	Language       string // "nl" (default) or "en"
}

// Is reports whether the actor has one of the roles.
func (a Actor) Is(roles ...Role) bool {
	for _, r := range roles {
		if a.Role == r {
			return true
		}
	}
	return false
}

// WithTenant returns a with tenantID as the organisation of its role: the
// intermediary's, the client's or the worker's ID. Other roles have none
// and are returned as they are.
func (a Actor) WithTenant(tenantID string) Actor {
	switch a.Role {
	case RoleIntermediary:
		a.IntermediaryID = tenantID
	case RoleClient:
		a.ClientID = tenantID
	case RoleWorker:
		a.WorkerID = tenantID
	}
	return a
}

// Tenant is the ID WithTenant sets: the organisation of the actor's role
// ("" for the back office, tokens and the system).
func (a Actor) Tenant() string {
	switch a.Role {
	case RoleIntermediary:
		return a.IntermediaryID
	case RoleClient:
		return a.ClientID
	case RoleWorker:
		return a.WorkerID
	}
	return ""
}
