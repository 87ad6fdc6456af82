package account

import (
	"time"

	"backoffice/domain"
	"backoffice/domain/validate"
)

// Create is the command to create a login.
type Create struct {
	AccountID      string
	Email          string
	Role           domain.Role
	IntermediaryID string
	ClientID       string
	WorkerID       string
	Language       string // "nl" when empty
}

// Create records a new login. Accounts for contacts and workers are
// created automatically by a process manager (actor RoleSystem) reacting to
// client.registered, intermediary.registered and worker.registered; back-office
// users can create any account. Integration tokens are not accounts: see
// Token.
//
// Rules: role is backoffice, intermediary, client or worker; exactly the
// tenant ID matching the role is set (none for backoffice). That the e-mail
// address is unique across accounts is a set rule the command layer enforces
// with a unique index on the accounts table before appending.
func (a *Account) Create(actor domain.Actor, cmd Create, now time.Time) ([]domain.Event, error) {
	if !IsStaff(actor) {
		return nil, Forbidden
	}
	if err := validate.NewID("account_id", cmd.AccountID, a.created, errAccountExists); err != nil {
		return nil, err
	}
	email, err := validate.NormalizeEmail("email", cmd.Email)
	if err != nil {
		return nil, err
	}
	lang, err := validate.Language("language", cmd.Language)
	if err != nil {
		return nil, err
	}
	switch cmd.Role {
	case domain.RoleBackoffice, domain.RoleIntermediary, domain.RoleClient, domain.RoleWorker:
	default:
		return nil, domain.Invalid("role", "role",
			"An account is for a back-office user, an intermediary, a client or a worker.",
			"Een account is voor een backoffice-gebruiker, intermediair, opdrachtgever of werknemer.")
	}
	// The account acts as holder: the one role-to-tenant mapping
	// (domain.Actor.Tenant) names the ID its role needs.
	holder := domain.Actor{Role: cmd.Role, IntermediaryID: cmd.IntermediaryID, ClientID: cmd.ClientID, WorkerID: cmd.WorkerID}
	tenant := holder.Tenant()
	if cmd.Role != domain.RoleBackoffice {
		if err := validate.ID(string(cmd.Role)+"_id", tenant); err != nil { // intermediary_id, client_id, worker_id
			return nil, err
		}
	}
	if holder != (domain.Actor{Role: cmd.Role}).WithTenant(tenant) {
		return nil, domain.Invalid("tenant_mismatch", "role",
			"Exactly the organisation that matches the role must be given.",
			"Geef precies de organisatie op die bij de rol hoort.")
	}
	return []domain.Event{&Created{
		AccountID:      cmd.AccountID,
		Email:          email,
		Role:           cmd.Role,
		IntermediaryID: cmd.IntermediaryID,
		ClientID:       cmd.ClientID,
		WorkerID:       cmd.WorkerID,
		Language:       lang,
	}}, nil
}

var errAccountExists = domain.Conflict("account_exists",
	"The account already exists.",
	"Het account bestaat al.")
