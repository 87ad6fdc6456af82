package reactors_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"backoffice/commands"
	"backoffice/commands/identity"
	"backoffice/domain/intermediary"
	"backoffice/internal/identitytest"
	"backoffice/notify/mail"
	"backoffice/notify/mail/mailtest"
	"backoffice/notify/reactors"
)

// TestActivationMailerKeepsItsNameAndMailsOnce: the activation mailer moved
// from commands/identity to notify/reactors under its old projector name, so
// an install that ran the old code resumes from its checkpoint; and even
// replaying the whole log (a rebuild, or a checkpoint lost) issues no second
// link and queues no second mail, because deliveries are keyed by the
// event ID. The mail is multipart on the notice layout.
func TestActivationMailerKeepsItsNameAndMailsOnce(t *testing.T) {
	// The stored name: changing it would start the projector from 0 on
	// every running install.
	if reactors.ActivationMailerName != "identity.activation_mail" {
		t.Fatalf("projector name changed to %q", reactors.ActivationMailerName)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	e := identitytest.New(t)
	res, reg, err := e.Identity.Registration.RegisterIntermediary(ctx, commands.Meta{Actor: identity.System}, identity.RegisterIntermediary{
		ID: "flex", Name: "Flex Uitzend", KvK: "12345678", Contact: intermediary.Contact{Name: "Ina de Flex", Email: "ina@flex.test"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Runtime.WaitFor(ctx, res.Position, reactors.ActivationMailerName); err != nil {
		t.Fatal(err)
	}
	m, err := e.SMTP.WaitFor(ctx, mailtest.To("ina@flex.test"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Uw inloggegevens voor Backofficebureau Digitaal" || !strings.Contains(m.Text, "Beste Ina de Flex,") ||
		!strings.Contains(m.Text, "/activeren?token=") {
		t.Fatalf("activation mail: %q\n%s", m.Subject, m.Text)
	}
	if !strings.Contains(m.HTML, `<html lang="nl">`) || !strings.Contains(m.HTML, `href="https://portal.bureau.test/activeren?token=`) {
		t.Fatalf("activation mail without its HTML part:\n%s", m.HTML)
	}

	// The checkpoint is stored under the old name.
	var n int
	if err := e.Pool.QueryRow(ctx, `SELECT count(*) FROM projection_checkpoints WHERE name = 'identity.activation_mail' AND commit_pos > 0`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatal("no checkpoint under identity.activation_mail")
	}
	counts := func() (deliveries, tokens int) {
		t.Helper()
		if err := e.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM mail_deliveries WHERE recipient = 'ina@flex.test' AND kind = $1),
			(SELECT count(*) FROM auth_tokens WHERE account_id = $2)`, mail.KindActivation, reg.AccountID).Scan(&deliveries, &tokens); err != nil {
			t.Fatal(err)
		}
		return deliveries, tokens
	}
	if d, tok := counts(); d != 1 || tok != 1 {
		t.Fatalf("after the registration: %d mails, %d tokens; want 1, 1", d, tok)
	}
	// A replay of the whole log, as after a lost or renamed checkpoint.
	if err := e.Runtime.Rebuild(ctx, reactors.ActivationMailerName, nil); err != nil {
		t.Fatal(err)
	}
	if d, tok := counts(); d != 1 || tok != 1 {
		t.Fatalf("after a rebuild: %d mails, %d tokens; want still 1, 1", d, tok)
	}
	// The greeting's name came back with the rebuild (Reset empties it).
	var name string
	if err := e.Pool.QueryRow(ctx, `SELECT name FROM mail_recipient_names WHERE email = 'ina@flex.test'`).Scan(&name); err != nil || name != "Ina de Flex" {
		t.Fatalf("remembered name %q (%v)", name, err)
	}
	ina := 0
	for _, m := range e.SMTP.Messages() {
		if m.To[0] == "ina@flex.test" {
			ina++
		}
	}
	if ina != 1 {
		t.Fatalf("Ina received %d mails, want 1", ina)
	}
}
