package identity

import (
	"context"

	"backoffice/commands"
	"backoffice/commands/auth"
	"backoffice/domain"
	"backoffice/domain/account"
)

// InviteClientUser is the command to give one more person of a client's
// company a login. Language is the mail language ("nl" when empty).
type InviteClientUser struct {
	ClientID string
	Email    string
	Language string
}

// InviteClientUser creates a client login for another person of the
// company; account.created makes the ActivationMailer send the activation
// mail, as for the contact. Back office only: anyone else gets not-found
// for every client. An address that already has a login of this client is
// a conflict; one of another account is refused at the field "email".
func (s *Registration) InviteClientUser(ctx context.Context, meta commands.Meta, cmd InviteClientUser) (commands.Result, Registered, error) {
	if !account.IsStaff(meta.Actor) {
		return commands.Result{}, Registered{}, domain.ErrNotFound
	}
	if cmd.ClientID == "" || checkID("client_id", cmd.ClientID) != nil {
		return commands.Result{}, Registered{}, domain.ErrNotFound
	}
	c, _, err := loadClient(ctx, s.cfg.Store, cmd.ClientID)
	if err != nil {
		return commands.Result{}, Registered{}, err
	}
	if !c.Exists() {
		return commands.Result{}, Registered{}, domain.ErrNotFound
	}
	_, st, err := loadAccount(ctx, s.cfg.Store, accountIDFor(domain.RoleClient, cmd.ClientID, auth.NormalizeEmail(cmd.Email)))
	if err != nil {
		return commands.Result{}, Registered{}, err
	}
	if st.Exists {
		return commands.Result{}, Registered{}, domain.Conflict("client_user_exists",
			"This person already has a login for this client.",
			"Deze persoon heeft al een login bij deze opdrachtgever.")
	}
	res, accountID, err := s.withAccount(ctx, meta, accountSpec{
		Role: domain.RoleClient, TenantID: cmd.ClientID, Email: cmd.Email, Language: cmd.Language, Field: "email",
	}, func(context.Context) (commands.Result, error) { return commands.Result{}, nil })
	if err != nil {
		return commands.Result{}, Registered{}, err
	}
	return res, Registered{ID: cmd.ClientID, AccountID: accountID}, nil
}

// DisableAccount is the command to block a login. ClientID, when set, is
// the client the account must belong to (the client-users screen), so a
// form cannot reach another company's user.
type DisableAccount struct {
	AccountID string
	ClientID  string
	Reason    string
}

// DisableAccount blocks a login at once (credentials and sessions first, so
// a failure to record leaves the user blocked rather than logged in; a
// retry records it) and records account.disabled. Back office only; for
// anyone else every account is not-found.
func (s *Accounts) DisableAccount(ctx context.Context, meta commands.Meta, cmd DisableAccount) (commands.Result, error) {
	acc, st, err := s.loadBlockable(ctx, meta, cmd)
	if err != nil {
		return commands.Result{}, err
	}
	if acc.Disabled() {
		// Recorded already; make sure the login agrees.
		return commands.Result{Revision: st.Revision}, s.cfg.Auth.Disable(ctx, cmd.AccountID)
	}
	events, err := acc.Disable(meta.Actor, cmd.Reason, s.now())
	if err != nil {
		return commands.Result{}, err
	}
	if err := s.cfg.Auth.Disable(ctx, cmd.AccountID); err != nil {
		return commands.Result{}, err
	}
	return commands.Save(ctx, s.cfg.Store, st, meta, s.now(), events...)
}

// loadBlockable loads the account DisableAccount and EnableAccount act
// on: back office only, and within cmd.ClientID's users when it is set;
// anything else is not found.
func (s *Accounts) loadBlockable(ctx context.Context, meta commands.Meta, cmd DisableAccount) (*account.Account, commands.Stream, error) {
	if !account.IsStaff(meta.Actor) {
		return nil, commands.Stream{}, domain.ErrNotFound
	}
	if cmd.AccountID == "" || checkID("account_id", cmd.AccountID) != nil || checkID("client_id", cmd.ClientID) != nil {
		return nil, commands.Stream{}, domain.ErrNotFound
	}
	acc, st, err := loadAccount(ctx, s.cfg.Store, cmd.AccountID)
	if err != nil {
		return nil, commands.Stream{}, err
	}
	if !acc.Exists() || (cmd.ClientID != "" && (acc.Role() != domain.RoleClient || acc.Actor().ClientID != cmd.ClientID)) {
		return nil, commands.Stream{}, domain.ErrNotFound
	}
	return acc, st, nil
}

// EnableAccount lets a blocked login in again (account.enabled), with the
// same scope as DisableAccount. The event is recorded first: a failure
// after it leaves the user blocked, and a retry finishes the job.
func (s *Accounts) EnableAccount(ctx context.Context, meta commands.Meta, cmd DisableAccount) (commands.Result, error) {
	acc, st, err := s.loadBlockable(ctx, meta, cmd)
	if err != nil {
		return commands.Result{}, err
	}
	res := commands.Result{Revision: st.Revision}
	if acc.Disabled() {
		events, err := acc.Enable(meta.Actor, s.now())
		if err != nil {
			return commands.Result{}, err
		}
		if res, err = commands.Save(ctx, s.cfg.Store, st, meta, s.now(), events...); err != nil {
			return commands.Result{}, err
		}
	}
	return res, s.cfg.Auth.Enable(ctx, cmd.AccountID)
}
