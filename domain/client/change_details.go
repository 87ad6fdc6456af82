package client

import (
	"time"

	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/validate"
)

// Details are the company's data the back office keeps up to date.
type Details struct {
	Name    string
	KvK     string
	Address Address
	Contact Contact
}

// normalize checks the details (as at registration) and returns their
// canonical form.
func (d Details) normalize() (Details, error) {
	var err error
	if d.Name, err = validate.Text("name", d.Name, 100); err != nil {
		return Details{}, err
	}
	if d.KvK, err = validate.NormalizeKvK(d.KvK); err != nil {
		return Details{}, err
	}
	if d.Address, err = d.Address.Normalize("address"); err != nil {
		return Details{}, err
	}
	if d.Contact, err = d.Contact.Normalize(); err != nil {
		return Details{}, err
	}
	return d, nil
}

// Details returns the company's current details.
func (c *Client) Details() Details {
	return Details{Name: c.name, KvK: c.kvk, Address: c.address, Contact: c.contact}
}

// ChangeDetails records new company details (name, KvK number, address,
// contact person), with the rules of Register. Back office only. Unchanged
// details record nothing. A new contact e-mail address needs its own
// login: the command layer creates it.
func (c *Client) ChangeDetails(actor domain.Actor, d Details, now time.Time) ([]domain.Event, error) {
	if !account.IsStaff(actor) {
		return nil, account.Forbidden
	}
	if !c.registered {
		return nil, domain.ErrNotFound
	}
	d, err := d.normalize()
	if err != nil {
		return nil, err
	}
	if d == c.Details() {
		return nil, nil
	}
	return []domain.Event{&DetailsChanged{ClientID: c.id, Name: d.Name, KvK: d.KvK, Address: d.Address, Contact: d.Contact}}, nil
}
