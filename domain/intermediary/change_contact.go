package intermediary

import (
	"time"

	"backoffice/domain"
	"backoffice/domain/account"
)

// ChangeContact replaces the contact person: back office, or the
// intermediary itself. An unchanged contact records nothing. A new e-mail
// address needs a new account; the process manager creates it.
func (i *Intermediary) ChangeContact(actor domain.Actor, c Contact, now time.Time) ([]domain.Event, error) {
	if !i.registered || !account.CanSeeIntermediary(actor, i.id) {
		return nil, domain.ErrNotFound
	}
	if !account.IsStaff(actor) && actor.Role != domain.RoleIntermediary {
		return nil, account.Forbidden
	}
	c, err := c.Normalize()
	if err != nil {
		return nil, err
	}
	if c == i.contact {
		return nil, nil
	}
	return []domain.Event{&ContactChanged{IntermediaryID: i.id, Contact: c}}, nil
}
