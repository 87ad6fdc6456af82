package payroll

import (
	"fmt"
	"slices"
	"strings"

	"backoffice/domain"
	"backoffice/domain/account"
	ts "backoffice/domain/timesheet"
	"backoffice/domain/validate"
)

// Settings are a client's payroll settings.
type Settings struct {
	// Administration is the employer administration the client's workers
	// are paid in: Loket's aansluitnummer (aanslnr), Nmbrs' company number
	// (Bedrijfnr). Personnel numbers are per administration.
	Administration string `json:"administration"`
	// DebtorNumber is Nmbrs' Debiteurnr (optional).
	DebtorNumber string `json:"debtor_number,omitempty"`
	// Relation is the client's Easyflex relation number (optional).
	Relation string `json:"relation,omitempty"`
	// Period is the client's payroll period.
	Period PeriodKind `json:"period"`
	// Package is the payroll package the client's exports are made for;
	// an export refuses sources without a component there.
	Package Target `json:"package"`
}

func (s Settings) normalize() (Settings, error) {
	s.Administration = strings.TrimSpace(s.Administration)
	if !codeChars(s.Administration, 20, false) {
		return s, domain.Invalid("administration_invalid", "administration",
			"the administration is 1 to 20 letters, digits, - or _", "De administratie is 1 tot 20 letters, cijfers, - of _.")
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"debtor_number", &s.DebtorNumber}, {"relation", &s.Relation}} {
		*f.v = strings.TrimSpace(*f.v)
		if *f.v != "" && !codeChars(*f.v, 20, false) {
			return s, domain.Invalid("number_invalid", f.name,
				"the number is 1 to 20 letters, digits, - or _", "Het nummer is 1 tot 20 letters, cijfers, - of _.")
		}
	}
	if !s.Period.valid() {
		return s, domain.Invalid("period_kind", "period", "the payroll period is week, 4weeks or month",
			"De verloningsperiode is week, 4weeks of month.")
	}
	if !slices.Contains(Targets, s.Package) {
		return s, domain.Invalid("package_invalid", "package", "the payroll package is loket, nmbrs, easyflex or afas",
			"Het salarispakket is loket, nmbrs, easyflex of afas.")
	}
	return s, nil
}

// Client is a client's payroll settings and mapping history.
type Client struct {
	clientID string
	settings *Settings
	mappings []MappingSet // by ValidFrom
}

// Apply folds one event; an event of another aggregate is an error.
func (c *Client) Apply(e domain.Event) error {
	switch e := e.(type) {
	case *SettingsSet:
		c.clientID = e.ClientID
		s := e.Settings
		c.settings = &s
	case *MappingSet:
		c.clientID = e.ClientID
		c.mappings = slices.DeleteFunc(c.mappings, func(m MappingSet) bool { return m.ValidFrom == e.ValidFrom })
		m := *e
		m.Entries = slices.Clone(e.Entries) // the event may be shared (commands' decoded-event cache)
		c.mappings = append(c.mappings, m)
		slices.SortFunc(c.mappings, func(a, b MappingSet) int { return strings.Compare(a.ValidFrom, b.ValidFrom) })
	default:
		return fmt.Errorf("payroll: client: unexpected event %s", e.EventType())
	}
	return nil
}

// Settings are the current settings; false when none were set.
func (c *Client) Settings() (Settings, bool) {
	if c.settings == nil {
		return Settings{}, false
	}
	return *c.settings, true
}

// Mappings is the mapping history, oldest first.
func (c *Client) Mappings() []MappingSet { return slices.Clone(c.mappings) }

// MappingOn is the mapping in force on day d.
func (c *Client) MappingOn(d ts.Date) ([]Mapping, bool) {
	day := d.String()
	for i := len(c.mappings) - 1; i >= 0; i-- {
		if c.mappings[i].ValidFrom <= day {
			return slices.Clone(c.mappings[i].Entries), true
		}
	}
	return nil, false
}

// SetSettings records the client's payroll settings. Back office only;
// clientID must name an existing client (the command checks).
func (c *Client) SetSettings(actor domain.Actor, clientID string, s Settings) ([]domain.Event, error) {
	if !account.IsStaff(actor) {
		return nil, account.Forbidden
	}
	s, err := s.normalize()
	if err != nil {
		return nil, err
	}
	if cur, ok := c.Settings(); ok && cur == s {
		return nil, nil
	}
	e := &SettingsSet{ClientID: clientID, Settings: s}
	return []domain.Event{e}, c.Apply(e)
}

// SetMapping records the client's complete mapping valid from validFrom
// (YYYY-MM-DD); a mapping set for the same date before is replaced. Back
// office only. hourTypes are the codes of the hour types the client's
// agreements name (client.Client.HourTypeCodes): an hours entry maps one of
// them, or it would map nothing and still replace the whole mapping.
func (c *Client) SetMapping(actor domain.Actor, clientID, validFrom string, entries []Mapping, hourTypes []string) ([]domain.Event, error) {
	if !account.IsStaff(actor) {
		return nil, account.Forbidden
	}
	from, err := validate.ParseDate("valid_from", validFrom)
	if err != nil {
		return nil, err
	}
	norm, err := normalizeMappings(entries, hourTypes)
	if err != nil {
		return nil, err
	}
	e := &MappingSet{ClientID: clientID, ValidFrom: from.Format("2006-01-02"), Entries: norm}
	for _, m := range c.mappings {
		if m.ValidFrom == e.ValidFrom && slices.Equal(m.Entries, norm) {
			return nil, nil
		}
	}
	return []domain.Event{e}, c.Apply(e)
}
