package identity

import (
	"context"
	"time"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/domain/client"
)

// RegisterClient is the command to take on a client under an intermediary.
// ID is generated when empty. Language is the contact's mail language.
type RegisterClient struct {
	ID              string
	IntermediaryID  string
	Name            string
	KvK             string
	Address         client.Address
	Contact         client.Contact
	ContactPersonal client.ContactPersonalData
	AgreementFrom   time.Time
	Agreement       client.Agreement
	Language        string
}

// RegisterClient records the client, stores the contact's mobile number in
// the vault and creates the contact's account. Back office only.
func (s *Registration) RegisterClient(ctx context.Context, meta commands.Meta, cmd RegisterClient) (commands.Result, Registered, error) {
	if err := ensureID(meta, "id", &cmd.ID); err != nil {
		return commands.Result{}, Registered{}, err
	}
	if err := checkID("intermediary_id", cmd.IntermediaryID); err != nil {
		return commands.Result{}, Registered{}, err
	}
	inter, _, err := loadIntermediary(ctx, s.cfg.Store, cmd.IntermediaryID)
	if err != nil {
		return commands.Result{}, Registered{}, err
	}
	c, st, err := loadClient(ctx, s.cfg.Store, cmd.ID)
	if err != nil {
		return commands.Result{}, Registered{}, err
	}
	if res, done, _, err := commands.Replayed(ctx, s.cfg.Store, st, client.Events, meta); err != nil {
		return commands.Result{}, Registered{}, err
	} else if reg, ok := firstOf[*client.Registered](done); ok {
		// A retry: the client and its contact's personal data (stored
		// before the append) are recorded; finish the contact's account.
		return s.registered(ctx, meta, contactSpec(domain.RoleClient, cmd.ID, reg.Contact.Email, cmd.Language),
			func(context.Context) (commands.Result, error) { return res, nil })
	}
	events, personal, err := c.Register(meta.Actor, inter, client.Register{
		ClientID: cmd.ID, Name: cmd.Name, KvK: cmd.KvK, Address: cmd.Address, Contact: cmd.Contact,
		ContactPersonal: cmd.ContactPersonal, AgreementFrom: cmd.AgreementFrom, Agreement: cmd.Agreement,
	}, s.now())
	if err != nil {
		return commands.Result{}, Registered{}, err
	}
	reg := events[0].(*client.Registered)
	return s.registered(ctx, meta, contactSpec(domain.RoleClient, cmd.ID, reg.Contact.Email, cmd.Language), func(ctx context.Context) (commands.Result, error) {
		// Personal data first: an event never refers to data that is missing.
		if err := s.cfg.Vault.Put(ctx, clientSubject(cmd.ID), personal); err != nil {
			return commands.Result{}, err
		}
		return commands.Save(ctx, s.cfg.Store, st, meta, s.now(), events...)
	})
}

// ChangeClientDetails records a client's new name, KvK number, address or
// contact person. A new contact e-mail address gets its own login, created
// like the first contact's (with the activation mail); the former
// contact's login stays until the back office blocks it. Back office only:
// a caller who can see the client (its own users, its intermediary, the
// auditors) is forbidden, anyone else gets not-found.
func (s *Registration) ChangeClientDetails(ctx context.Context, meta commands.Meta, clientID string, d client.Details, language string) (commands.Result, error) {
	if err := checkID("client_id", clientID); err != nil || clientID == "" {
		return commands.Result{}, domain.ErrNotFound
	}
	c, st, err := loadClient(ctx, s.cfg.Store, clientID)
	if err != nil {
		return commands.Result{}, err
	}
	if err := staffFor(meta.Actor, c.Exists() && canSeeClient(meta.Actor, c)); err != nil {
		return commands.Result{}, err
	}
	events, err := c.ChangeDetails(meta.Actor, d, s.now())
	if err != nil {
		return commands.Result{}, err
	}
	email := c.Contact().Email
	if len(events) > 0 {
		email = events[0].(*client.DetailsChanged).Contact.Email
	}
	return s.saveContactChange(ctx, meta, st, events, c.Contact().Email,
		contactSpec(domain.RoleClient, clientID, email, language))
}
