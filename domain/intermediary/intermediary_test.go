package intermediary_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"backoffice/domain"
	"backoffice/domain/account"
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

func code(c string) error { return &domain.Error{Code: c} }

func TestIntermediary(t *testing.T) {
	reg := intermediary.Register{IntermediaryID: "i-1", Name: " Flex Uitzend B.V. ", KvK: "1234 5678",
		Contact: intermediary.Contact{Name: "Anna de Boer", Email: "Anna@Flex.nl"}}
	newContact := intermediary.Contact{Name: "Bram Smit", Email: "bram@flex.nl"}
	tests := []struct {
		name    string
		given   []domain.Event
		when    func(*intermediary.Intermediary) ([]domain.Event, error)
		want    []domain.Event
		wantErr error
	}{
		{"register", nil, func(i *intermediary.Intermediary) ([]domain.Event, error) {
			return i.Register(backoffice, reg, now)
		}, []domain.Event{registered}, nil},
		{"register without kvk", nil, func(i *intermediary.Intermediary) ([]domain.Event, error) {
			r := reg
			r.KvK = ""
			return i.Register(backoffice, r, now)
		}, []domain.Event{&intermediary.Registered{IntermediaryID: "i-1", Name: "Flex Uitzend B.V.", Contact: registered.Contact}}, nil},
		{"register twice", []domain.Event{registered}, func(i *intermediary.Intermediary) ([]domain.Event, error) {
			return i.Register(backoffice, reg, now)
		}, nil, code("intermediary_exists")},
		{"register by intermediary", nil, func(i *intermediary.Intermediary) ([]domain.Event, error) {
			return i.Register(own, reg, now)
		}, nil, account.Forbidden},
		{"bad kvk", nil, func(i *intermediary.Intermediary) ([]domain.Event, error) {
			r := reg
			r.KvK = "123"
			return i.Register(backoffice, r, now)
		}, nil, code("kvk_format")},
		{"bad contact email", nil, func(i *intermediary.Intermediary) ([]domain.Event, error) {
			r := reg
			r.Contact.Email = "anna"
			return i.Register(backoffice, r, now)
		}, nil, code("email_format")},
		{"no name", nil, func(i *intermediary.Intermediary) ([]domain.Event, error) {
			r := reg
			r.Name = ""
			return i.Register(backoffice, r, now)
		}, nil, code("required")},
		{"change contact by itself", []domain.Event{registered}, func(i *intermediary.Intermediary) ([]domain.Event, error) {
			return i.ChangeContact(own, newContact, now)
		}, []domain.Event{&intermediary.ContactChanged{IntermediaryID: "i-1", Contact: newContact}}, nil},
		{"unchanged contact records nothing", []domain.Event{registered}, func(i *intermediary.Intermediary) ([]domain.Event, error) {
			return i.ChangeContact(backoffice, intermediary.Contact{Name: "Anna  de Boer", Email: "ANNA@flex.nl"}, now)
		}, nil, nil},
		{"other intermediary", []domain.Event{registered}, func(i *intermediary.Intermediary) ([]domain.Event, error) {
			return i.ChangeContact(other, newContact, now)
		}, nil, domain.ErrNotFound},
		{"auditor reads only", []domain.Event{registered}, func(i *intermediary.Intermediary) ([]domain.Event, error) {
			return i.ChangeContact(auditor, newContact, now)
		}, nil, account.Forbidden},
		{"unknown", nil, func(i *intermediary.Intermediary) ([]domain.Event, error) {
			return i.ChangeContact(backoffice, newContact, now)
		}, nil, domain.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i, err := domain.Replay[intermediary.Intermediary](tt.given...)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tt.when(i)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("error = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %#v, %v; want %#v", got, err, tt.want)
			}
		})
	}
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
	seen := map[string]bool{}
	for _, e := range samples {
		seen[e.EventType()] = true
		b, err := domain.Encode(e)
		if err != nil {
			t.Fatal(err)
		}
		got, err := intermediary.Events.Decode(e.EventType(), b)
		if err != nil || !reflect.DeepEqual(got, e) {
			t.Fatalf("%s: got %#v, %v", e.EventType(), got, err)
		}
	}
	for _, name := range intermediary.Events.Types() {
		if !seen[name] {
			t.Errorf("no sample for %s", name)
		}
	}
}
