package client_test

import (
	"errors"
	"reflect"
	"testing"

	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/client"
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
	tests := []struct {
		name    string
		given   []domain.Event
		actor   domain.Actor
		edit    func(*client.Details)
		base    client.Details
		want    []domain.Event
		wantErr error
	}{
		{"change", []domain.Event{registered}, backoffice, nil, change, []domain.Event{detailsChanged}, nil},
		{"unchanged", []domain.Event{registered}, backoffice, nil, same, nil, nil},
		{"unknown client", nil, backoffice, nil, change, nil, domain.ErrNotFound},
		{"by the client", []domain.Event{registered}, domain.Actor{Role: domain.RoleClient, ClientID: "c-1"}, nil, change, nil, account.Forbidden},
		{"by intermediary", []domain.Event{registered}, domain.Actor{Role: domain.RoleIntermediary, IntermediaryID: "i-1"}, nil, change, nil, account.Forbidden},
		{"no name", []domain.Event{registered}, backoffice, func(d *client.Details) { d.Name = " " }, change, nil, code("required")},
		{"bad kvk", []domain.Event{registered}, backoffice, func(d *client.Details) { d.KvK = "1234" }, change, nil, code("kvk_format")},
		{"bad postal code", []domain.Event{registered}, backoffice, func(d *client.Details) { d.Address.PostalCode = "35111" }, change, nil, code("postal_code_format")},
		{"bad contact email", []domain.Event{registered}, backoffice, func(d *client.Details) { d.Contact.Email = "ruud" }, change, nil, code("email_format")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := domain.Replay[client.Client](tt.given...)
			if err != nil {
				t.Fatal(err)
			}
			d := tt.base
			if tt.edit != nil {
				tt.edit(&d)
			}
			got, err := c.ChangeDetails(tt.actor, d, now)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || got != nil {
					t.Fatalf("got %v, %v; want error %v", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %#v, %v\nwant %#v", got, err, tt.want)
			}
			for _, e := range got {
				if err := c.Apply(e); err != nil {
					t.Fatal(err)
				}
			}
			if len(got) > 0 && (c.Name() != detailsChanged.Name || c.Contact() != detailsChanged.Contact || c.Address() != detailsChanged.Address) {
				t.Fatalf("state after the change: %+v", c.Details())
			}
		})
	}
}
