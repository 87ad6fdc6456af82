package account_test

import (
	"testing"

	"backoffice/domain"
	"backoffice/domain/account"
)

func TestRecordPasswordSet(t *testing.T) {
	activated := &account.Activated{AccountID: "a-1"}
	viaReset := &account.PasswordChanged{AccountID: "a-1", ViaReset: true}
	set := func(reset bool) func(*account.Account) ([]domain.Event, error) {
		return func(a *account.Account) ([]domain.Event, error) { return a.RecordPasswordSet(reset, now) }
	}
	tests := []struct {
		name    string
		given   []domain.Event
		when    func(*account.Account) ([]domain.Event, error)
		want    []domain.Event
		wantErr error
	}{
		{"first password activates", []domain.Event{created}, set(false), []domain.Event{activated}, nil},
		{"a reset link before activation activates too", []domain.Event{created}, set(true), []domain.Event{activated}, nil},
		{"reset after activation changes the password", []domain.Event{created, activated}, set(true), []domain.Event{viaReset}, nil},
		{"activation link used again records nothing", []domain.Event{created, activated}, set(false), nil, nil},
		{"a second reset is recorded again", []domain.Event{created, activated, viaReset}, set(true), []domain.Event{viaReset}, nil},
		{"after a block and unblock", []domain.Event{created, activated, &account.Disabled{AccountID: "a-1"}, &account.Enabled{AccountID: "a-1"}},
			set(true), []domain.Event{viaReset}, nil},
		{"no account", nil, set(false), nil, domain.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { run(t, tt.given, tt.when, tt.want, tt.wantErr) })
	}
}
