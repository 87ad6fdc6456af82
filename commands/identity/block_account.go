package identity

import (
	"context"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/domain/account"
)

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
	if staffOn(meta.Actor, "account_id", cmd.AccountID) != nil || checkID("client_id", cmd.ClientID) != nil {
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
