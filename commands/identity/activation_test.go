package identity_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"backoffice/commands"
	"backoffice/commands/auth"
	"backoffice/commands/identity"
	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/intermediary"
	"backoffice/eventstore"
	it "backoffice/internal/identitytest"
)

// TestPasswordEvents: what redeeming a link and bootstrapping append to the
// account stream, as decided by Account.RecordPasswordSet: activation
// records account.activated, a reset account.password_changed with
// via_reset, the bootstrap user account.created and account.activated.
func TestPasswordEvents(t *testing.T) {
	e := it.New(t)
	ctx := context.Background()
	history := func(accountID string) []domain.Event {
		t.Helper()
		recs, err := e.Store.ReadStream(ctx, account.Stream(accountID), eventstore.ReadStreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var out []domain.Event
		for _, r := range recs {
			ev, err := account.Events.Decode(r.Type, r.Data)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, ev)
		}
		return out
	}
	token := func(accountID string, purpose auth.Purpose) string {
		t.Helper()
		tok, _, err := e.Auth.IssueToken(ctx, accountID, purpose, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}

	bo := commands.Meta{Actor: domain.Actor{AccountID: "bo", Role: domain.RoleBackoffice}}
	_, reg, err := e.Identity.Registration.RegisterIntermediary(ctx, bo, identity.RegisterIntermediary{
		ID: "pw-a", Name: "Flex pw", Contact: intermediary.Contact{Name: "Anna", Email: "anna@pw.test"}})
	if err != nil {
		t.Fatal(err)
	}
	e.WaitForMail(t, "anna@pw.test", 1) // the mailer's link would void the token below
	created := history(reg.AccountID)
	if len(created) != 1 || created[0].EventType() != account.TypeCreated {
		t.Fatalf("after registration: %#v", created)
	}

	res, accID, err := e.Identity.Activation.Activate(ctx, token(reg.AccountID, auth.PurposeActivation), "een-goed-wachtwoord")
	if err != nil || accID != reg.AccountID || res.Position.IsStart() {
		t.Fatalf("activate: %v %q %v", res, accID, err)
	}
	activated := &account.Activated{AccountID: reg.AccountID}
	if got := history(reg.AccountID)[1:]; !reflect.DeepEqual(got, []domain.Event{activated}) {
		t.Fatalf("after activation: %#v", got)
	}

	res, _, err = e.Identity.Activation.CompletePasswordReset(ctx, token(reg.AccountID, auth.PurposePasswordReset), "een-nieuw-wachtwoord")
	if err != nil || res.Position.IsStart() {
		t.Fatalf("reset: %v %v", res, err)
	}
	viaReset := &account.PasswordChanged{AccountID: reg.AccountID, ViaReset: true}
	if got := history(reg.AccountID)[1:]; !reflect.DeepEqual(got, []domain.Event{activated, viaReset}) {
		t.Fatalf("after reset: %#v", got)
	}
	e.Login(t, "anna@pw.test", "een-nieuw-wachtwoord")

	// The demo's password on an activated account changes nothing.
	if err := e.Identity.Activation.DemoSetPassword(ctx, reg.AccountID, "nog-een-wachtwoord"); err != nil {
		t.Fatal(err)
	}
	if got := history(reg.AccountID); len(got) != 3 {
		t.Fatalf("demo password on an activated account appended: %#v", got[3:])
	}

	boID, ok, err := e.Identity.Activation.BootstrapBackoffice(ctx, "piet@pw.test", "piet-wachtwoord-1")
	if err != nil || !ok {
		t.Fatalf("bootstrap: %v %v", ok, err)
	}
	want := []domain.Event{
		&account.Created{AccountID: boID, Email: "piet@pw.test", Role: domain.RoleBackoffice, Language: "nl"},
		&account.Activated{AccountID: boID},
	}
	if got := history(boID); !reflect.DeepEqual(got, want) {
		t.Fatalf("bootstrap history:\n got %#v\nwant %#v", got, want)
	}
}
