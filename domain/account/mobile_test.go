package account_test

import (
	"errors"
	"testing"

	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/domaintest"
)

func TestChangeMobile(t *testing.T) {
	self := domaintest.Replay[account.Account](created).Actor()
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
			domaintest.DecidePersonal(t, []domain.Event{created}, func(a *account.Account) ([]domain.Event, string, error) {
				return a.ChangeMobile(tt.actor, tt.in, now)
			}, []domain.Event{&account.MobileChanged{AccountID: created.AccountID, MaskedMobile: tt.wantMask}}, tt.wantErr, tt.wantNumber)
		})
	}
	if _, _, err := (&account.Account{}).ChangeMobile(staff, "0612345678", now); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("no account: %v", err)
	}
}
