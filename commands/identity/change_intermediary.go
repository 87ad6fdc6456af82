package identity

import (
	"context"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/intermediary"
)

// ChangeIntermediaryContact records another contact person (or address)
// of an intermediary. A new e-mail address gets its own login, created
// like the first contact's (with the activation mail); the former
// contact's login stays until the back office blocks it. Back office only
// (the domain also lets the intermediary change it; this command is the
// back office's): a caller who can see the intermediary is forbidden,
// anyone else gets not-found.
func (s *Registration) ChangeIntermediaryContact(ctx context.Context, meta commands.Meta, intermediaryID string, c intermediary.Contact, language string) (commands.Result, error) {
	if err := checkID("intermediary_id", intermediaryID); err != nil || intermediaryID == "" {
		return commands.Result{}, domain.ErrNotFound
	}
	i, st, err := loadIntermediary(ctx, s.cfg.Store, intermediaryID)
	if err != nil {
		return commands.Result{}, err
	}
	if err := staffFor(meta.Actor, i.Exists() && account.CanSeeIntermediary(meta.Actor, intermediaryID)); err != nil {
		return commands.Result{}, err
	}
	events, err := i.ChangeContact(meta.Actor, c, s.now())
	if err != nil {
		return commands.Result{}, err
	}
	email := i.Contact().Email
	if len(events) > 0 {
		email = events[0].(*intermediary.ContactChanged).Contact.Email
	}
	return s.saveContactChange(ctx, meta, st, events, i.Contact().Email,
		contactSpec(domain.RoleIntermediary, intermediaryID, email, language))
}
