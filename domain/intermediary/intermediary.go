package intermediary

import (
	"fmt"

	"backoffice/domain"
)

// StreamPrefix starts the stream name of every intermediary.
//
// WARNING: stored stream names; never change.
const StreamPrefix = "intermediary-"

// Stream returns the stream name of an intermediary.
func Stream(id string) string { return StreamPrefix + id }

// Intermediary is the aggregate state.
type Intermediary struct {
	id         string
	name       string
	kvk        string
	contact    Contact
	registered bool
}

// Apply folds one event into the state: the only place state changes.
func (i *Intermediary) Apply(e domain.Event) error {
	switch e := e.(type) {
	case *Registered:
		i.id, i.name, i.kvk, i.contact, i.registered = e.IntermediaryID, e.Name, e.KvK, e.Contact, true
	case *ContactChanged:
		i.contact = e.Contact
	default:
		return fmt.Errorf("intermediary: cannot apply %T", e)
	}
	return nil
}

// ID returns the intermediary ID.
func (i *Intermediary) ID() string { return i.id }

// Exists reports whether the intermediary was registered.
func (i *Intermediary) Exists() bool { return i.registered }

// Name returns the trade name.
func (i *Intermediary) Name() string { return i.name }

// Contact returns the contact person.
func (i *Intermediary) Contact() Contact { return i.contact }
