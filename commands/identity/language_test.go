package identity_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"backoffice/commands"
	"backoffice/commands/identity"
	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/intermediary"
	it "backoffice/internal/identitytest"
)

// TestSetLanguage: the command records account.language_changed only on a
// change, keeps the credentials row (and so the session's actor) in step,
// and lets only the account itself and the back office change it.
func TestSetLanguage(t *testing.T) {
	e := it.New(t)
	ctx := context.Background()
	bo := commands.Meta{Actor: domain.Actor{AccountID: "bo", Role: domain.RoleBackoffice}}
	register := func(id, email string) string {
		t.Helper()
		_, reg, err := e.Identity.Registration.RegisterIntermediary(ctx, bo, identity.RegisterIntermediary{
			ID: id, Name: "Flex " + id, Contact: intermediary.Contact{Name: "Contact " + id, Email: email}})
		if err != nil {
			t.Fatal(err)
		}
		// After the activation mail, so the mailer's link does not void the
		// token DemoSetPassword uses.
		e.WaitForMail(t, email, 1)
		if err := e.Identity.Activation.DemoSetPassword(ctx, reg.AccountID, "een-goed-wachtwoord"); err != nil {
			t.Fatal(err)
		}
		return reg.AccountID
	}
	accID := register("lang-a", "anna@lang.test")
	otherID := register("lang-b", "bert@lang.test")
	self := commands.Meta{Actor: domain.Actor{AccountID: accID, Role: domain.RoleIntermediary, IntermediaryID: "lang-a"}}

	token, _, err := e.Auth.Login(ctx, "anna@lang.test", "een-goed-wachtwoord", "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	sessionLanguage := func() string {
		t.Helper()
		s, err := e.Auth.Authenticate(ctx, token, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return s.Actor().Language
	}
	changes := func(id string) []string {
		t.Helper()
		var out []string
		for _, ev := range e.History(t, account.Stream(id), account.Events) {
			if c, ok := ev.(*account.LanguageChanged); ok {
				out = append(out, c.Language)
			}
		}
		return out
	}

	if got := sessionLanguage(); got != "nl" {
		t.Fatalf("session before: %q", got)
	}
	res, err := e.Identity.Profile.SetLanguage(ctx, self, "en")
	if err != nil || res.Position.IsStart() {
		t.Fatalf("set en: %v %v", res, err)
	}
	if got := sessionLanguage(); got != "en" {
		t.Fatalf("the session's next request: %q", got)
	}
	// The current language again: nothing recorded.
	res, err = e.Identity.Profile.SetLanguage(ctx, self, "EN")
	if err != nil || !res.Position.IsStart() {
		t.Fatalf("set en again: %v %v", res, err)
	}
	if got := changes(accID); len(got) != 1 || got[0] != "en" {
		t.Fatalf("recorded changes: %v", got)
	}

	// The back office may change anyone's; other accounts may not.
	if _, err := e.Identity.Profile.SetAccountLanguage(ctx, bo, accID, "nl"); err != nil {
		t.Fatal(err)
	}
	if got := sessionLanguage(); got != "nl" {
		t.Fatalf("after the back office's change: %q", got)
	}
	if _, err := e.Identity.Profile.SetAccountLanguage(ctx, self, otherID, "en"); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("another's account: %v", err)
	}
	if _, err := e.Identity.Profile.SetAccountLanguage(ctx, bo, "no-such-account", "en"); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("unknown account: %v", err)
	}
	if got := changes(otherID); len(got) != 0 {
		t.Fatalf("the other account changed: %v", got)
	}
	payroll := commands.Meta{Actor: domain.Actor{AccountID: "token:abc", Role: domain.RolePayroll}}
	if _, err := e.Identity.Profile.SetLanguage(ctx, payroll, "en"); !errors.Is(err, account.Forbidden) {
		t.Fatalf("integration token: %v", err)
	}
	if _, err := e.Identity.Profile.SetLanguage(ctx, self, "de"); !errors.Is(err, &domain.Error{Code: "language"}) {
		t.Fatalf("German: %v", err)
	}

	// A credentials row that missed an update is repaired by choosing the
	// language again, although nothing new is recorded.
	if _, err := e.Pool.Exec(ctx, `UPDATE credentials SET language = 'en' WHERE account_id = $1`, accID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Identity.Profile.SetLanguage(ctx, self, "nl"); err != nil {
		t.Fatal(err)
	}
	if got := sessionLanguage(); got != "nl" {
		t.Fatalf("not repaired: %q", got)
	}
	if got := changes(accID); len(got) != 2 {
		t.Fatalf("recorded changes: %v", got)
	}
}
