package identity

import (
	"context"
	"errors"

	"backoffice/commands"
	"backoffice/commands/auth"
	"backoffice/eventstore"
)

// Activate redeems an activation link: it sets the chosen password
// (commands/auth checks the single-use token, ≤72 h old) and records
// account.activated. It returns the account ID.
func (s *Activation) Activate(ctx context.Context, token, password string) (commands.Result, string, error) {
	return s.redeem(ctx, auth.PurposeActivation, token, password)
}

// CompletePasswordReset redeems a reset link with a new password and
// records account.password_changed. Other sessions of the account end.
func (s *Activation) CompletePasswordReset(ctx context.Context, token, password string) (commands.Result, string, error) {
	return s.redeem(ctx, auth.PurposePasswordReset, token, password)
}

// redeem consumes a link's token of purpose, storing password, and
// records what setting it means for the account (recordPasswordSet).
func (s *Activation) redeem(ctx context.Context, purpose auth.Purpose, token, password string) (commands.Result, string, error) {
	accountID, err := s.cfg.Auth.ConsumeToken(ctx, token, purpose, password, s.now())
	if errors.Is(err, auth.ErrTokenResubmitted) {
		// The form sent again (a double click, a reload): answered as the
		// first, not "link used" for the password just set. A reset's event
		// is not recorded twice; an activation's is recorded if the first
		// submission died before it (account.activated is recorded once).
		if purpose == auth.PurposePasswordReset {
			return commands.Result{}, accountID, nil
		}
		res, err := s.recordPasswordSet(ctx, accountID, false)
		return res, accountID, err
	}
	if err != nil {
		return commands.Result{}, "", err
	}
	res, err := s.recordPasswordSet(ctx, accountID, purpose == auth.PurposePasswordReset)
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
