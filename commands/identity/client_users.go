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
// mail, as for the contact. Back office only: a caller who can see the
// client is forbidden, anyone else gets not-found. An address that
// already has a login of this client is a conflict (unless it is this
// request's retry, which answers its first attempt); one of another
// account is refused at the field "email".
func (s *Registration) InviteClientUser(ctx context.Context, meta commands.Meta, cmd InviteClientUser) (commands.Result, Registered, error) {
	if err := checkID("client_id", cmd.ClientID); err != nil || cmd.ClientID == "" {
		return commands.Result{}, Registered{}, domain.ErrNotFound
	}
	c, _, err := loadClient(ctx, s.cfg.Store, cmd.ClientID)
	if err != nil {
		return commands.Result{}, Registered{}, err
	}
	if err := staffFor(meta.Actor, c.Exists() && canSeeClient(meta.Actor, c)); err != nil {
		return commands.Result{}, Registered{}, err
	}
	accountID := accountIDFor(domain.RoleClient, cmd.ClientID, auth.NormalizeEmail(cmd.Email))
	_, st, err := loadAccount(ctx, s.cfg.Store, accountID)
	if err != nil {
		return commands.Result{}, Registered{}, err
	}
	if st.Exists && meta.Retry {
		if res, _, found, err := commands.Replayed(ctx, s.cfg.Store, st, account.Events, meta); err != nil || found {
			return res, Registered{ID: cmd.ClientID, AccountID: accountID}, err
		}
	}
	if st.Exists {
		return commands.Result{}, Registered{}, domain.Conflict("client_user_exists",
			"This person already has a login for this client.",
			"Deze persoon heeft al een login bij deze opdrachtgever.")
	}
	return s.registered(ctx, meta, accountSpec{
		Role: domain.RoleClient, TenantID: cmd.ClientID, Email: cmd.Email, Language: cmd.Language, Field: "email",
	}, func(context.Context) (commands.Result, error) { return commands.Result{}, nil })
}
