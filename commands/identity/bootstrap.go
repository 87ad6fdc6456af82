package identity

import (
	"context"
	"errors"

	"backoffice/commands"
	"backoffice/commands/auth"
	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/validate"
)

// BootstrapBackoffice creates a back-office account with a known password,
// for the first user of a new installation and for the demo. No mail is
// sent. When an account with the address exists, nothing changes and
// created is false.
//
// The password is set before account.created is appended, so the
// activation-mail projector sees an account that needs no link.
func (s *Activation) BootstrapBackoffice(ctx context.Context, email, password string) (accountID string, created bool, err error) {
	email, err = validate.NormalizeEmail("email", email)
	if err != nil {
		return "", false, err
	}
	if err := auth.ValidatePassword(password); err != nil {
		return "", false, err
	}
	if acc, err := s.cfg.Auth.AccountByEmail(ctx, email); err == nil {
		return acc.AccountID, false, nil
	} else if !errors.Is(err, auth.ErrAccountNotFound) {
		return "", false, err
	}
	accountID = accountIDFor(domain.RoleBackoffice, "", email)
	acc, st, err := loadAccount(ctx, s.cfg.Store, accountID)
	if err != nil {
		return "", false, err
	}
	var events []domain.Event
	if !st.Exists {
		if events, err = acc.Create(System, account.Create{AccountID: accountID, Email: email, Role: domain.RoleBackoffice}, s.now()); err != nil {
			return "", false, err
		}
	}
	err = auth.UpsertAccount(ctx, s.cfg.Pool, auth.AccountRow{AccountID: accountID, Email: email, Role: domain.RoleBackoffice, Language: "nl"})
	if errors.Is(err, auth.ErrEmailTaken) {
		if acc, err := s.cfg.Auth.AccountByEmail(ctx, email); err == nil {
			return acc.AccountID, false, nil // a concurrent bootstrap won
		}
		return "", false, errEmailTaken("email")
	}
	if err != nil {
		return "", false, err
	}
	if err := s.setPassword(ctx, accountID, password); err != nil {
		return "", false, err
	}
	for _, e := range events {
		if err := acc.Apply(e); err != nil {
			return "", false, err
		}
	}
	activated, err := acc.RecordPasswordSet(false, s.now())
	if err != nil {
		return "", false, err
	}
	events = append(events, activated...)
	if _, err := commands.Save(ctx, s.cfg.Store, st, commands.Meta{Actor: System}, s.now(), events...); err != nil {
		return "", false, err
	}
	return accountID, true, nil
}

// setPassword stores a password without a mail, through a token that never
// leaves this function. Issuing a token voids the account's earlier unused
// ones, so the ActivationMailer (notify/reactors) issuing the account's first link at the same
// moment can void this one: it is then issued again (a few times at most;
// the mailer issues one link per account).
func (s *Activation) setPassword(ctx context.Context, accountID, password string) error {
	for attempt := 0; ; attempt++ {
		now := s.now()
		tok, _, err := s.cfg.Auth.IssueToken(ctx, accountID, auth.PurposeActivation, now)
		if err != nil {
			return err
		}
		_, err = s.cfg.Auth.ConsumeToken(ctx, tok, auth.PurposeActivation, password, now)
		if errors.Is(err, auth.ErrTokenInvalid) && attempt < 3 {
			continue
		}
		return err
	}
}

// DemoSetPassword gives an account a known password and records its
// activation. DEMO SEEDING ONLY: real users choose their password through
// the activation link. An account that already has a password is left
// alone.
func (s *Activation) DemoSetPassword(ctx context.Context, accountID, password string) error {
	acc, err := s.cfg.Auth.Account(ctx, accountID)
	if err != nil {
		return err
	}
	if acc.HasPassword {
		return nil
	}
	if err := s.setPassword(ctx, accountID, password); err != nil {
		return err
	}
	_, err = s.recordPasswordSet(ctx, accountID, false)
	return err
}
