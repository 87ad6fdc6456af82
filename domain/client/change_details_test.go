package client_test

import (
	"testing"

	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/client"
	"backoffice/domain/domaintest"
)

var detailsChanged = &client.DetailsChanged{
	ClientID: "c-1", Name: "Bakkerij De Korenaar Utrecht B.V.", KvK: "12345678",
	Address: client.Address{Street: "Oudegracht", HouseNumber: "200", PostalCode: "3511 NR", City: "Utrecht", Country: "NL"},
	Contact: client.Contact{Name: "Ruud Visser", Email: "ruud@korenaar.nl"},
}

func TestChangeDetails(t *testing.T) {
	change := client.Details{Name: " Bakkerij De Korenaar Utrecht B.V.", KvK: "1234 5678",
		Address: client.Address{Street: "Oudegracht", HouseNumber: "200", PostalCode: "3511nr", City: "Utrecht"},
		Contact: client.Contact{Name: "Ruud Visser", Email: "Ruud@Korenaar.nl"}}
	same := client.Details{Name: registered.Name, KvK: registered.KvK, Address: registered.Address, Contact: registered.Contact}
	// changeTo is actor changing the details to d; edited is change with one edit.
	changeTo := func(actor domain.Actor, d client.Details) func(*client.Client) ([]domain.Event, error) {
		return func(c *client.Client) ([]domain.Event, error) { return c.ChangeDetails(actor, d, now) }
	}
	edited := func(edit func(*client.Details)) client.Details {
		d := change
		edit(&d)
		return d
	}
	given := []domain.Event{registered}
	domaintest.Cases(t, []domaintest.Case[*client.Client]{
		{Name: "change", Given: given, When: changeTo(backoffice, change), Want: []domain.Event{detailsChanged},
			Then: func(t *testing.T, c *client.Client) {
				if c.Name() != detailsChanged.Name || c.Contact() != detailsChanged.Contact || c.Address() != detailsChanged.Address {
					t.Fatalf("state after the change: %+v", c.Details())
				}
			}},
		{Name: "unchanged", Given: given, When: changeTo(backoffice, same)},
		{Name: "unknown client", When: changeTo(backoffice, change), WantErr: domain.ErrNotFound},
		{Name: "by the client", Given: given, When: changeTo(domain.Actor{Role: domain.RoleClient, ClientID: "c-1"}, change), WantErr: account.Forbidden},
		{Name: "by intermediary", Given: given, When: changeTo(domain.Actor{Role: domain.RoleIntermediary, IntermediaryID: "i-1"}, change), WantErr: account.Forbidden},
		{Name: "no name", Given: given, When: changeTo(backoffice, edited(func(d *client.Details) { d.Name = " " })), WantErr: code("required")},
		{Name: "bad kvk", Given: given, When: changeTo(backoffice, edited(func(d *client.Details) { d.KvK = "1234" })), WantErr: code("kvk_format")},
		{Name: "bad postal code", Given: given, When: changeTo(backoffice, edited(func(d *client.Details) { d.Address.PostalCode = "35111" })), WantErr: code("postal_code_format")},
		{Name: "bad contact email", Given: given, When: changeTo(backoffice, edited(func(d *client.Details) { d.Contact.Email = "ruud" })), WantErr: code("email_format")},
	})
}
