package client

import (
	"time"

	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/intermediary"
	"backoffice/domain/validate"
)

// Register is the command to register a client.
type Register struct {
	ClientID        string
	Name            string
	KvK             string
	Address         Address
	Contact         Contact
	ContactPersonal ContactPersonalData // mobile: stored outside events
	AgreementFrom   time.Time
	Agreement       Agreement
}

// Register records a new client under an existing intermediary (loaded by
// the caller). Back office only. It returns the events and the normalized
// personal data of the contact, which the caller stores in the personal-data
// table; it is not in the events.
//
// Rules: a valid KvK number and address, a contact with name and e-mail and
// a mobile number, and a valid agreement (see Agreement.Normalize) applying
// from AgreementFrom (any date).
func (c *Client) Register(actor domain.Actor, inter *intermediary.Intermediary, cmd Register, now time.Time) ([]domain.Event, ContactPersonalData, error) {
	var none ContactPersonalData
	if !account.IsStaff(actor) {
		return nil, none, account.Forbidden
	}
	if err := validate.NewID("client_id", cmd.ClientID, c.registered, errExists); err != nil {
		return nil, none, err
	}
	if inter == nil || !inter.Exists() {
		return nil, none, domain.Rule("intermediary_unknown", "intermediary_id",
			"The intermediary does not exist.",
			"De intermediair bestaat niet.")
	}
	d, err := Details{Name: cmd.Name, KvK: cmd.KvK, Address: cmd.Address, Contact: cmd.Contact}.normalize()
	if err != nil {
		return nil, none, err
	}
	personal, err := cmd.ContactPersonal.Normalize()
	if err != nil {
		return nil, none, err
	}
	from, err := validate.Date("agreement_from", cmd.AgreementFrom)
	if err != nil {
		return nil, none, err
	}
	agreement, err := cmd.Agreement.Normalize()
	if err != nil {
		return nil, none, err
	}
	return []domain.Event{&Registered{
		ClientID:       cmd.ClientID,
		IntermediaryID: inter.ID(),
		Name:           d.Name,
		KvK:            d.KvK,
		Address:        d.Address,
		Contact:        d.Contact,
		AgreementFrom:  from,
		Agreement:      agreement,
	}}, personal, nil
}

var errExists = domain.Conflict("client_exists",
	"The client is already registered.",
	"De opdrachtgever is al ingeschreven.")
