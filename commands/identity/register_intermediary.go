package identity

import (
	"context"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/domain/intermediary"
)

// RegisterIntermediary is the command to take on an intermediary. ID is
// generated when empty. Language is the contact's mail language.
type RegisterIntermediary struct {
	ID       string
	Name     string
	KvK      string
	Contact  intermediary.Contact
	Language string
}

// Registered tells what a registration created.
type Registered struct {
	ID        string
	AccountID string
}

// RegisterIntermediary records the intermediary and creates its contact's
// account (which triggers the activation mail). Back office only.
func (s *Registration) RegisterIntermediary(ctx context.Context, meta commands.Meta, cmd RegisterIntermediary) (commands.Result, Registered, error) {
	if err := ensureID(meta, "id", &cmd.ID); err != nil {
		return commands.Result{}, Registered{}, err
	}
	i, st, err := loadIntermediary(ctx, s.cfg.Store, cmd.ID)
	if err != nil {
		return commands.Result{}, Registered{}, err
	}
	if res, done, _, err := commands.Replayed(ctx, s.cfg.Store, st, intermediary.Events, meta); err != nil {
		return commands.Result{}, Registered{}, err
	} else if reg, ok := firstOf[*intermediary.Registered](done); ok {
		// A retry: the intermediary is recorded; finish its account.
		return s.registered(ctx, meta, contactSpec(domain.RoleIntermediary, cmd.ID, reg.Contact.Email, cmd.Language),
			func(context.Context) (commands.Result, error) { return res, nil })
	}
	events, err := i.Register(meta.Actor, intermediary.Register{
		IntermediaryID: cmd.ID, Name: cmd.Name, KvK: cmd.KvK, Contact: cmd.Contact,
	}, s.now())
	if err != nil {
		return commands.Result{}, Registered{}, err
	}
	reg := events[0].(*intermediary.Registered)
	return s.registered(ctx, meta, contactSpec(domain.RoleIntermediary, cmd.ID, reg.Contact.Email, cmd.Language), func(ctx context.Context) (commands.Result, error) {
		return commands.Save(ctx, s.cfg.Store, st, meta, s.now(), events...)
	})
}
