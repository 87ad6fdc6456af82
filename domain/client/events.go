package client

import (
	"time"

	"backoffice/domain"
	"backoffice/domain/validate"
)

// Stored event type names.
//
// WARNING: these strings are stored with every event forever. Never rename
// one; add a new event type instead.
const (
	TypeRegistered       = "client.registered"
	TypeAgreementChanged = "client.agreement_changed"
	TypeDetailsChanged   = "client.details_changed"
)

// Events is the registry of this package's event payloads.
var Events = domain.NewRegistry(&Registered{}, &AgreementChanged{}, &DetailsChanged{})

// Address is the company's visiting address (not personal data).
type Address = validate.Address

// Contact is the client's contact person, without the mobile number.
type Contact = validate.Contact

// Registered: the bureau took on a client under an intermediary, with the
// agreement in force from AgreementFrom.
type Registered struct {
	ClientID       string    `json:"client_id"`
	IntermediaryID string    `json:"intermediary_id"`
	Name           string    `json:"name"`
	KvK            string    `json:"kvk"`
	Address        Address   `json:"address"`
	Contact        Contact   `json:"contact"`
	AgreementFrom  time.Time `json:"agreement_from"`
	Agreement      Agreement `json:"agreement"`
}

// AgreementChanged: from EffectiveFrom (a Monday) on, Agreement applies.
// A later change with the same EffectiveFrom replaces an earlier one.
type AgreementChanged struct {
	ClientID      string    `json:"client_id"`
	EffectiveFrom time.Time `json:"effective_from"`
	Agreement     Agreement `json:"agreement"`
}

// DetailsChanged: from now on the company's name, KvK number, address and
// contact person are these (all of them, changed or not, so a reader needs
// no earlier event). The contact's mobile number is personal data and not
// in it.
type DetailsChanged struct {
	ClientID string  `json:"client_id"`
	Name     string  `json:"name"`
	KvK      string  `json:"kvk"`
	Address  Address `json:"address"`
	Contact  Contact `json:"contact"`
}

func (*Registered) EventType() string       { return TypeRegistered }
func (*DetailsChanged) EventType() string   { return TypeDetailsChanged }
func (*AgreementChanged) EventType() string { return TypeAgreementChanged }
