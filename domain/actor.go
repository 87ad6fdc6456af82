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
