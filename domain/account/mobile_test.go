package account_test

import (
	"errors"
	"testing"

	"backoffice/domain"
	"backoffice/domain/account"
)

func TestChangeMobile(t *testing.T) {
	acc, err := domain.Replay[account.Account](created)
	if err != nil {
		t.Fatal(err)
	}
	self := acc.Actor()
	staff := domain.Actor{AccountID: "bo", Role: domain.RoleBackoffice}
	other := domain.Actor{AccountID: "a-2", Role: domain.RoleClient, ClientID: "c-1"}
	for _, tt := range []struct {
		name       string
		actor      domain.Actor
		in         string
		wantNumber string
		wantMask   string
		wantErr    error
	}{
		{"own, Dutch form", self, "06-12345678", "+31612345678", "+31 6 ••• ••78", nil},
		{"by staff, foreign", staff, "+32 470 12 34 56", "+32470123456", "+32 ••• ••56", nil},
		{"removed", self, "  ", "", "", nil},
		{"a landline", self, "020-1234567", "", "", &domain.Error{Code: "mobile_format"}},
		{"garbage", self, "06\u202e12345678", "", "", &domain.Error{Code: "phone_format"}},
		{"someone else", other, "0612345678", "", "", account.Forbidden},
	} {
		t.Run(tt.name, func(t *testing.T) {
			evs, n, err := acc.ChangeMobile(tt.actor, tt.in, now)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || evs != nil || n != "" {
					t.Fatalf("got %v %q %v, want %v", evs, n, err, tt.wantErr)
				}
				return
			}
			if err != nil || n != tt.wantNumber || len(evs) != 1 {
				t.Fatalf("got %v %q %v", evs, n, err)
			}
			if e := evs[0].(*account.MobileChanged); e.AccountID != acc.ID() || e.MaskedMobile != tt.wantMask {
				t.Fatalf("event %+v", e)
			}
			if err := acc.Apply(evs[0]); err != nil {
				t.Fatal(err)
			}
		})
	}
	if _, _, err := (&account.Account{}).ChangeMobile(staff, "0612345678", now); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("no account: %v", err)
	}
}
