package intermediary_test

import (
	"testing"
	"time"

	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/domaintest"
	"backoffice/domain/intermediary"
)

var (
	now        = time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	backoffice = domain.Actor{Role: domain.RoleBackoffice}
	own        = domain.Actor{Role: domain.RoleIntermediary, IntermediaryID: "i-1"}
	other      = domain.Actor{Role: domain.RoleIntermediary, IntermediaryID: "i-2"}
	auditor    = domain.Actor{Role: domain.RoleAuditor}
	registered = &intermediary.Registered{IntermediaryID: "i-1", Name: "Flex Uitzend B.V.", KvK: "12345678",
		Contact: intermediary.Contact{Name: "Anna de Boer", Email: "anna@flex.nl"}}
)

var code = domaintest.Code

func TestIntermediary(t *testing.T) {
	reg := intermediary.Register{IntermediaryID: "i-1", Name: " Flex Uitzend B.V. ", KvK: "1234 5678",
		Contact: intermediary.Contact{Name: "Anna de Boer", Email: "Anna@Flex.nl"}}
	newContact := intermediary.Contact{Name: "Bram Smit", Email: "bram@flex.nl"}
	tests := []domaintest.Case[*intermediary.Intermediary]{
		{Name: "register", When: func(i *intermediary.Intermediary) ([]domain.Event, error) {
			return i.Register(backoffice, reg, now)
		}, Want: []domain.Event{registered}},
		{Name: "register without kvk", When: func(i *intermediary.Intermediary) ([]domain.Event, error) {
			r := reg
			r.KvK = ""
			return i.Register(backoffice, r, now)
		}, Want: []domain.Event{&intermediary.Registered{IntermediaryID: "i-1", Name: "Flex Uitzend B.V.", Contact: registered.Contact}}},
		{Name: "register twice", Given: []domain.Event{registered}, When: func(i *intermediary.Intermediary) ([]domain.Event, error) {
			return i.Register(backoffice, reg, now)
		}, WantErr: code("intermediary_exists")},
		{Name: "register by intermediary", When: func(i *intermediary.Intermediary) ([]domain.Event, error) {
			return i.Register(own, reg, now)
		}, WantErr: account.Forbidden},
		{Name: "bad kvk", When: func(i *intermediary.Intermediary) ([]domain.Event, error) {
			r := reg
			r.KvK = "123"
			return i.Register(backoffice, r, now)
		}, WantErr: code("kvk_format")},
		{Name: "bad contact email", When: func(i *intermediary.Intermediary) ([]domain.Event, error) {
			r := reg
			r.Contact.Email = "anna"
			return i.Register(backoffice, r, now)
		}, WantErr: code("email_format")},
		{Name: "no name", When: func(i *intermediary.Intermediary) ([]domain.Event, error) {
			r := reg
			r.Name = ""
			return i.Register(backoffice, r, now)
		}, WantErr: code("required")},
		{Name: "change contact by itself", Given: []domain.Event{registered}, When: func(i *intermediary.Intermediary) ([]domain.Event, error) {
			return i.ChangeContact(own, newContact, now)
		}, Want: []domain.Event{&intermediary.ContactChanged{IntermediaryID: "i-1", Contact: newContact}}},
		{Name: "unchanged contact records nothing", Given: []domain.Event{registered}, When: func(i *intermediary.Intermediary) ([]domain.Event, error) {
			return i.ChangeContact(backoffice, intermediary.Contact{Name: "Anna  de Boer", Email: "ANNA@flex.nl"}, now)
		}},
		{Name: "other intermediary", Given: []domain.Event{registered}, When: func(i *intermediary.Intermediary) ([]domain.Event, error) {
			return i.ChangeContact(other, newContact, now)
		}, WantErr: domain.ErrNotFound},
		{Name: "auditor reads only", Given: []domain.Event{registered}, When: func(i *intermediary.Intermediary) ([]domain.Event, error) {
			return i.ChangeContact(auditor, newContact, now)
		}, WantErr: account.Forbidden},
		{Name: "unknown", When: func(i *intermediary.Intermediary) ([]domain.Event, error) {
			return i.ChangeContact(backoffice, newContact, now)
		}, WantErr: domain.ErrNotFound},
	}
	domaintest.Cases(t, tests)
}

func TestState(t *testing.T) {
	i, err := domain.Replay[intermediary.Intermediary](registered, &intermediary.ContactChanged{IntermediaryID: "i-1", Contact: intermediary.Contact{Name: "B", Email: "b@flex.nl"}})
	if err != nil {
		t.Fatal(err)
	}
	if !i.Exists() || i.ID() != "i-1" || i.Name() != "Flex Uitzend B.V." || i.Contact().Email != "b@flex.nl" {
		t.Fatal("state not folded")
	}
	if intermediary.Stream("i-1") != "intermediary-i-1" {
		t.Fatal("stream")
	}
	if _, err := domain.Replay[intermediary.Intermediary](&account.Activated{}); err == nil {
		t.Fatal("foreign event applied")
	}
}

func TestEventsRoundTrip(t *testing.T) {
	samples := []domain.Event{registered, &intermediary.ContactChanged{IntermediaryID: "i-1", Contact: registered.Contact}}
	domaintest.RoundTrip(t, intermediary.Events, samples...)
}
