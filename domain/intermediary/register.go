package intermediary

import (
	"time"

	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/validate"
)

// Register is the command to register an intermediary.
type Register struct {
	IntermediaryID string
	Name           string
	KvK            string // optional: a foreign agency has none
	Contact        Contact
}

// Register records a new intermediary. Back office only.
func (i *Intermediary) Register(actor domain.Actor, cmd Register, now time.Time) ([]domain.Event, error) {
	if !account.IsStaff(actor) {
		return nil, account.Forbidden
	}
	if err := validate.NewID("intermediary_id", cmd.IntermediaryID, i.registered, errExists); err != nil {
		return nil, err
	}
	name, err := validate.Text("name", cmd.Name, 100)
	if err != nil {
		return nil, err
	}
	kvk := ""
	if cmd.KvK != "" {
		if kvk, err = validate.NormalizeKvK(cmd.KvK); err != nil {
			return nil, err
		}
	}
	contact, err := cmd.Contact.Normalize()
	if err != nil {
		return nil, err
	}
	return []domain.Event{&Registered{IntermediaryID: cmd.IntermediaryID, Name: name, KvK: kvk, Contact: contact}}, nil
}

var errExists = domain.Conflict("intermediary_exists",
	"The intermediary is already registered.",
	"De intermediair is al ingeschreven.")
