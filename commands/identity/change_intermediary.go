package identity

import (
	"context"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/domain/intermediary"
)

// ChangeIntermediaryContact records another contact person (or address)
// of an intermediary. A new e-mail address gets its own login, created
// like the first contact's (with the activation mail); the former
// contact's login stays until the back office blocks it. Back office only
// (the domain also lets the intermediary change it; this command is the
// back office's screen): anyone else gets not-found.
func (s *Registration) ChangeIntermediaryContact(ctx context.Context, meta commands.Meta, intermediaryID string, c intermediary.Contact, language string) (commands.Result, error) {
	if err := staffOn(meta.Actor, "intermediary_id", intermediaryID); err != nil {
		return commands.Result{}, err
	}
	i, st, err := loadIntermediary(ctx, s.cfg.Store, intermediaryID)
	if err != nil {
		return commands.Result{}, err
	}
	events, err := i.ChangeContact(meta.Actor, c, s.now())
	if err != nil || len(events) == 0 {
		return commands.Result{Revision: st.Revision}, err
	}
	changed := events[0].(*intermediary.ContactChanged)
	return s.saveContactChange(ctx, meta, st, events, i.Contact().Email,
		contactSpec(domain.RoleIntermediary, intermediaryID, changed.Contact.Email, language))
}
