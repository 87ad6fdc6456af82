package identity

import (
	"context"
	"errors"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/eventstore"
)

// PasswordChange is what a logged-in user sends to change his password.
type PasswordChange struct {
	Current string // the password he logged in with
	New     string
	// KeepSession is the caller's session token: it stays valid, every
	// other session of the account ends.
	KeepSession string
	// IP is the caller's address, for the login throttle that also counts
	// wrong current passwords.
	IP string
}

// ChangePassword changes the caller's own password (the settings page, PUT
// /me/password) and records account.password_changed.
//
// The account decides first (Account.ChangePassword: only the account
// itself, and only while it can log in); then commands/auth proves the
// current password, stores the new one and ends the other sessions in one
// transaction; then the event is appended. The credentials go first
// because the event is the trail of a change that happened: appended
// first, a crash or a wrong current password would leave a change on
// record that never took place. A crash between the two leaves the new
// password without its event; the user's retry of the same request
// closes that gap, since commands/auth accepts a request whose new
// password is stored already, and the event is recorded then (with an
// Idempotency-Key a retry after a lost answer appends nothing twice).
func (s *Profile) ChangePassword(ctx context.Context, meta commands.Meta, in PasswordChange) (commands.Result, error) {
	id := meta.Actor.AccountID
	if !meta.Actor.Is(domain.RoleBackoffice, domain.RoleIntermediary, domain.RoleClient, domain.RoleWorker) ||
		id == "" || checkID("account_id", id) != nil {
		return commands.Result{}, account.Forbidden
	}
	acc, _, err := loadAccount(ctx, s.cfg.Store, id)
	if err != nil {
		return commands.Result{}, err
	}
	if _, err := acc.ChangePassword(meta.Actor, s.now()); err != nil {
		return commands.Result{}, err
	}
	if err := s.cfg.Auth.ChangePassword(ctx, id, in.Current, in.New, in.KeepSession, in.IP, s.now()); err != nil {
		return commands.Result{}, err
	}
	res, err := s.recordPasswordChanged(ctx, meta)
	if err != nil {
		s.log.ErrorContext(ctx, "identity: password changed but account.password_changed not recorded; the user's retry records it",
			"account_id", id, "err", err)
	}
	return res, err
}

// recordPasswordChanged appends the account's decision on the stream as it
// is now; a concurrent change of the stream is decided again once.
func (s *Profile) recordPasswordChanged(ctx context.Context, meta commands.Meta) (commands.Result, error) {
	for attempt := 0; ; attempt++ {
		acc, st, err := loadAccount(ctx, s.cfg.Store, meta.Actor.AccountID)
		if err != nil {
			return commands.Result{}, err
		}
		events, err := acc.ChangePassword(meta.Actor, s.now())
		if err != nil {
			return commands.Result{}, err
		}
		res, err := commands.Save(ctx, s.cfg.Store, st, meta, s.now(), events...)
		if errors.Is(err, eventstore.ErrWrongExpectedRevision) && attempt == 0 {
			continue
		}
		return res, err
	}
}
