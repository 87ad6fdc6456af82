package client

import (
	"fmt"
	"slices"
	"time"

	"backoffice/domain"
	"backoffice/domain/validate"
)

// StreamPrefix starts the stream name of every client.
//
// WARNING: stored stream names; never change.
const StreamPrefix = "client-"

// Stream returns the stream name of a client.
func Stream(id string) string { return StreamPrefix + id }

// Client is the aggregate state.
type Client struct {
	id             string
	intermediaryID string
	name           string
	kvk            string
	address        Address
	contact        Contact
	registered     bool
	// agreements sorted by from; one per from date.
	agreements []dated
}

type dated struct {
	from      time.Time
	agreement Agreement
}

// Apply folds one event into the state: the only place state changes.
func (c *Client) Apply(e domain.Event) error {
	switch e := e.(type) {
	case *Registered:
		c.id, c.intermediaryID, c.name, c.kvk = e.ClientID, e.IntermediaryID, e.Name, e.KvK
		c.address, c.contact, c.registered = e.Address, e.Contact, true
		c.setAgreement(e.AgreementFrom, e.Agreement)
	case *AgreementChanged:
		c.setAgreement(e.EffectiveFrom, e.Agreement)
	case *DetailsChanged:
		c.name, c.kvk, c.address, c.contact = e.Name, e.KvK, e.Address, e.Contact
	default:
		return fmt.Errorf("client: cannot apply %T", e)
	}
	return nil
}

func (c *Client) setAgreement(from time.Time, a Agreement) {
	from = validate.Day(from)
	d := dated{from: from, agreement: a.Clone()}
	i, found := slices.BinarySearchFunc(c.agreements, from, func(x dated, t time.Time) int { return x.from.Compare(t) })
	if found {
		c.agreements[i] = d
		return
	}
	c.agreements = slices.Insert(c.agreements, i, d)
}

// ID returns the client ID.
func (c *Client) ID() string { return c.id }

// Exists reports whether the client was registered.
func (c *Client) Exists() bool { return c.registered }

// IntermediaryID returns the client's intermediary.
func (c *Client) IntermediaryID() string { return c.intermediaryID }

// Name returns the company name.
func (c *Client) Name() string { return c.name }

// KvK returns the Chamber of Commerce number.
func (c *Client) KvK() string { return c.kvk }

// Address returns the company address.
func (c *Client) Address() Address { return c.address }

// Contact returns the contact person.
func (c *Client) Contact() Contact { return c.contact }

// AgreementOn returns the agreement in force on a date; ok is false before
// the first agreement applies.
func (c *Client) AgreementOn(date time.Time) (a Agreement, ok bool) {
	date = validate.Day(date)
	i, found := slices.BinarySearchFunc(c.agreements, date, func(x dated, t time.Time) int { return x.from.Compare(t) })
	if !found {
		if i == 0 {
			return Agreement{}, false
		}
		i--
	}
	return c.agreements[i].agreement.Clone(), true
}

// HourTypeCodes returns the code of every hour type any of the client's
// agreements names, past or present, sorted: what a payroll mapping may map
// (an hour type dropped from the agreement may still be in approved weeks).
func (c *Client) HourTypeCodes() []string {
	var out []string
	for _, d := range c.agreements {
		for _, h := range d.agreement.HourTypes {
			if !slices.Contains(out, h.Code) {
				out = append(out, h.Code)
			}
		}
	}
	slices.Sort(out)
	return out
}

// AgreementsFrom returns the dates from which agreements apply, in order.
func (c *Client) AgreementsFrom() []time.Time {
	out := make([]time.Time, len(c.agreements))
	for i, d := range c.agreements {
		out[i] = d.from
	}
	return out
}

// ContactPersonalData is the contact person's data that never goes into an
// event; the command layer stores it in the personal-data table under the
// client ID.
type ContactPersonalData struct {
	Mobile string `json:"mobile"`
}

// Normalize checks the data and returns its canonical form (E.164 mobile).
func (p ContactPersonalData) Normalize() (ContactPersonalData, error) {
	m, err := validate.NormalizeMobile("contact.mobile", p.Mobile)
	if err != nil {
		return ContactPersonalData{}, err
	}
	return ContactPersonalData{Mobile: m}, nil
}
