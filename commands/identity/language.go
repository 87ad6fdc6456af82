package identity

import (
	"context"
	"errors"
	"fmt"

	"backoffice/commands"
	"backoffice/commands/auth"
	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/eventstore"
)

// SetLanguage changes the language of the caller's own account ("nl" or
// "en"): the portal's language switch and PUT /me/language. Integration
// tokens have no account and get account.Forbidden.
func (s *Profile) SetLanguage(ctx context.Context, meta commands.Meta, lang string) (commands.Result, error) {
	if !meta.Actor.Is(domain.RoleBackoffice, domain.RoleIntermediary, domain.RoleClient, domain.RoleWorker) ||
		checkID("account_id", meta.Actor.AccountID) != nil || meta.Actor.AccountID == "" {
		return commands.Result{}, account.Forbidden
	}
	return s.SetAccountLanguage(ctx, meta, meta.Actor.AccountID, lang)
}

// SetAccountLanguage changes an account's language: the account itself or
// the bureau (back office). It records account.language_changed and stores
// the language in the credentials row, which every request reads its
// session from, so the user's next request (and the next mail, composed
// from that row) is in the new language. For anyone else the account does
// not exist.
//
// The event is appended first, then the credentials row is updated; the
// row is updated even when the language was already current, so a retry
// repairs a row an earlier call failed to update.
func (s *Profile) SetAccountLanguage(ctx context.Context, meta commands.Meta, accountID, lang string) (commands.Result, error) {
	if !account.IsStaff(meta.Actor) && (meta.Actor.AccountID == "" || meta.Actor.AccountID != accountID) {
		return commands.Result{}, domain.ErrNotFound
	}
	if accountID == "" || checkID("account_id", accountID) != nil {
		return commands.Result{}, domain.ErrNotFound
	}
	var (
		res    commands.Result
		stored string
	)
	for attempt := 0; ; attempt++ {
		acc, st, err := loadAccount(ctx, s.cfg.Store, accountID)
		if err != nil {
			return commands.Result{}, err
		}
		events, err := acc.ChangeLanguage(meta.Actor, lang, s.now())
		if err != nil {
			return commands.Result{}, err
		}
		res, err = commands.Save(ctx, s.cfg.Store, st, meta, s.now(), events...)
		// Last writer wins: a concurrent change of the stream (another
		// language switch, a password change) is retried once on the new
		// revision rather than answered with a conflict.
		if errors.Is(err, eventstore.ErrWrongExpectedRevision) && attempt == 0 {
			continue
		}
		if err != nil {
			return commands.Result{}, err
		}
		stored = languageAfter(acc, events)
		break
	}
	if err := auth.SetLanguage(ctx, s.cfg.Pool, accountID, stored); err != nil {
		return commands.Result{}, fmt.Errorf("identity: %w", err)
	}
	auth.CredentialsChanged() // the next page speaks the new language
	return res, nil
}

// languageAfter is the account's language once events are applied.
func languageAfter(acc *account.Account, events []domain.Event) string {
	lang := acc.Language()
	for _, e := range events {
		if c, ok := e.(*account.LanguageChanged); ok {
			lang = c.Language
		}
	}
	return lang
}
