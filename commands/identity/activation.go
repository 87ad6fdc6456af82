package identity

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"backoffice/commands"
	"backoffice/commands/auth"
	"backoffice/domain/validate"
	"backoffice/eventstore"
	"backoffice/notify/audience"
	"backoffice/notify/mail"
)

// Activate redeems an activation link: it sets the chosen password
// (commands/auth checks the single-use token, ≤72 h old) and records
// account.activated. It returns the account ID.
func (s *Activation) Activate(ctx context.Context, token, password string) (commands.Result, string, error) {
	accountID, err := s.cfg.Auth.ConsumeToken(ctx, token, auth.PurposeActivation, password, s.now())
	if err != nil {
		return commands.Result{}, "", err
	}
	res, err := s.recordPasswordSet(ctx, accountID, false)
	return res, accountID, err
}

// CompletePasswordReset redeems a reset link with a new password and
// records account.password_changed. Other sessions of the account end.
func (s *Activation) CompletePasswordReset(ctx context.Context, token, password string) (commands.Result, string, error) {
	accountID, err := s.cfg.Auth.ConsumeToken(ctx, token, auth.PurposePasswordReset, password, s.now())
	if err != nil {
		return commands.Result{}, "", err
	}
	res, err := s.recordPasswordSet(ctx, accountID, true)
	return res, accountID, err
}

// recordPasswordSet appends what the account decides a stored password
// means (account.activated the first time, account.password_changed after
// a reset; Account.RecordPasswordSet), for the audit trail. The password itself is
// already stored; a concurrent change of the stream is retried once.
func (s *Activation) recordPasswordSet(ctx context.Context, accountID string, viaReset bool) (commands.Result, error) {
	for attempt := 0; ; attempt++ {
		acc, st, err := loadAccount(ctx, s.cfg.Store, accountID)
		if err != nil {
			return commands.Result{}, err
		}
		if !st.Exists {
			return commands.Result{}, nil
		}
		events, err := acc.RecordPasswordSet(viaReset, s.now())
		if err != nil || len(events) == 0 {
			return commands.Result{Revision: st.Revision}, err
		}
		res, err := commands.Save(ctx, s.cfg.Store, st, commands.Meta{Actor: acc.Actor()}, s.now(), events...)
		if errors.Is(err, eventstore.ErrWrongExpectedRevision) && attempt == 0 {
			continue
		}
		return res, err
	}
}

// RequestLink mails a new link to the account with this e-mail address: a
// password-reset link when the account has a password, otherwise a fresh
// activation link (an expired activation link is re-issued this way).
// Unknown and disabled addresses, and addresses that already received
// ResetLimitPerHour links in the last hour, get nothing, and the caller
// answers every case the same way. Only a malformed address is an error.
//
// The caller is answered before any work that depends on whether the
// address exists, so the response time does not tell either; the link is
// issued and queued in the background (bounded by 30 seconds).
func (s *LinkMails) RequestLink(ctx context.Context, email string) error {
	email, err := validate.NormalizeEmail("email", email)
	if err != nil {
		return err
	}
	s.background.Add(1)
	go func() {
		defer s.background.Done()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if err := s.requestLink(ctx, email); err != nil {
			s.log.ErrorContext(ctx, "identity: link request failed", "err", err)
		}
	}()
	return nil
}

func (s *LinkMails) requestLink(ctx context.Context, email string) error {
	acc, err := s.cfg.Auth.AccountByEmail(ctx, email)
	if errors.Is(err, auth.ErrAccountNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if acc.Disabled {
		return nil
	}
	now := s.now()
	// The cap is decided in the database: one transaction per address at a
	// time (advisory lock on the address) counts, issues the token and
	// queues the mail on its one connection, so concurrent requests, on any
	// instance, cannot pass the cap together.
	sent := false
	err = pgx.BeginFunc(ctx, s.cfg.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('link-mail:' || $1, 0))`, acc.Email); err != nil {
			return fmt.Errorf("identity: unable to lock link mails: %w", err)
		}
		var recent int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM mail_deliveries
			WHERE recipient = $1 AND kind IN ('activation', 'password_reset') AND created_at > $2`,
			acc.Email, now.Add(-time.Hour)).Scan(&recent); err != nil {
			return fmt.Errorf("identity: unable to count recent link mails: %w", err)
		}
		if recent >= s.cfg.ResetLimitPerHour {
			s.log.WarnContext(ctx, "identity: link mail suppressed (limit per hour)", "account_id", acc.AccountID)
			return nil
		}
		name, err := recipientName(ctx, tx, acc.Email)
		if err != nil {
			return err
		}
		var msg mail.Message
		if acc.HasPassword {
			tok, exp, err := s.cfg.Auth.IssueTokenIn(ctx, tx, acc.AccountID, auth.PurposePasswordReset, now)
			if err != nil {
				return wrapf("identity: issue reset token: %w", err)
			}
			msg = mail.PasswordResetMail(acc.Language, acc.Email, name, s.cfg.Links.PasswordReset(tok), exp)
		} else {
			tok, exp, err := s.cfg.Auth.IssueTokenIn(ctx, tx, acc.AccountID, auth.PurposeActivation, now)
			if err != nil {
				return wrapf("identity: issue activation token: %w", err)
			}
			msg = mail.ActivationMail(acc.Language, acc.Email, name, acc.Email, s.cfg.Links.Activation(tok), exp)
		}
		if err := s.cfg.Mail.Enqueue(ctx, tx, uuid.New(), msg); err != nil {
			return err
		}
		sent = true
		return nil
	})
	if err != nil {
		return err
	}
	if sent {
		s.cfg.Mail.Kick()
	}
	return nil
}

// querier is a pool or a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// recipientName is the name to greet in a mail ("" when unknown).
func recipientName(ctx context.Context, q querier, email string) (string, error) {
	return audience.RecipientName(ctx, q, email)
}
