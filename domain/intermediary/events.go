package intermediary

import (
	"backoffice/domain"
	"backoffice/domain/validate"
)

// Stored event type names.
//
// WARNING: these strings are stored with every event forever. Never rename
// one; add a new event type instead.
const (
	TypeRegistered     = "intermediary.registered"
	TypeContactChanged = "intermediary.contact_changed"
)

// Events is the registry of this package's event payloads.
var Events = domain.NewRegistry(&Registered{}, &ContactChanged{})

// Contact is the contact person (no phone number: that is personal data).
type Contact = validate.Contact

// Registered: the bureau took on an intermediary.
type Registered struct {
	IntermediaryID string  `json:"intermediary_id"`
	Name           string  `json:"name"`
	KvK            string  `json:"kvk,omitempty"`
	Contact        Contact `json:"contact"`
}

// ContactChanged: another person (or address) is the contact from now on.
type ContactChanged struct {
	IntermediaryID string  `json:"intermediary_id"`
	Contact        Contact `json:"contact"`
}

func (*Registered) EventType() string     { return TypeRegistered }
func (*ContactChanged) EventType() string { return TypeContactChanged }
