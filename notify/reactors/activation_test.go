package reactors_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"backoffice/commands"
	"backoffice/commands/identity"
	"backoffice/domain/account"
	"backoffice/domain/intermediary"
	"backoffice/eventstore"
	"backoffice/internal/identitytest"
	"backoffice/notify/linkmail"
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
	reg := registerFlex(ctx, t, e)
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

// TestActivationRolledBackLeavesTheToken: the activation mailer issues the
// token in its own transaction, so a projection that rolls back leaves the
// account's token as it was (the one in the last mail still works) and
// waits for no other connection meanwhile.
func TestActivationRolledBackLeavesTheToken(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	e := identitytest.New(t)
	reg := registerFlex(ctx, t, e)
	evs, err := e.Store.ReadStream(ctx, account.Stream(reg.AccountID), eventstore.ReadStreamOptions{Max: 1})
	if err != nil || len(evs) != 1 || evs[0].Type != account.TypeCreated {
		t.Fatalf("account.created: %v %v", evs, err)
	}
	tokens := func() string {
		t.Helper()
		var s string
		if err := e.Pool.QueryRow(ctx, `SELECT coalesce(string_agg(encode(token_hash, 'hex'), ',' ORDER BY token_hash), '')
			FROM auth_tokens WHERE account_id = $1`, reg.AccountID).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	mailed := tokens()
	if mailed == "" {
		t.Fatal("no activation token")
	}
	// As if the event had not been handled yet: no queued mail.
	if _, err := e.Pool.Exec(ctx, `DELETE FROM mail_deliveries WHERE event_id = $1`, evs[0].ID); err != nil {
		t.Fatal(err)
	}
	m, err := reactors.NewActivationMailer(e.Auth, e.Pool, e.Dispatcher, linkmail.PortalLinks("https://portal.bureau.test"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := e.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Handle(ctx, tx, evs[0]); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if got := tokens(); got != mailed {
		t.Fatal("a rolled-back activation mail replaced the account's token")
	}
	if err := pgx.BeginFunc(ctx, e.Pool, func(tx pgx.Tx) error { return m.Handle(ctx, tx, evs[0]) }); err != nil {
		t.Fatal(err)
	}
	var queued bool
	if err := e.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT FROM mail_deliveries WHERE event_id = $1)`, evs[0].ID).Scan(&queued); err != nil {
		t.Fatal(err)
	}
	if got := tokens(); got == mailed || got == "" || !queued {
		t.Fatalf("committed: new token %v, mail queued %v", got != mailed && got != "", queued)
	}
}

// registerFlex registers the intermediary Flex Uitzend with contact Ina de
// Flex and waits for the activation mailer to have handled it.
func registerFlex(ctx context.Context, t *testing.T, e *identitytest.Env) identity.Registered {
	t.Helper()
	res, reg, err := e.Identity.Registration.RegisterIntermediary(ctx, commands.Meta{Actor: identity.System}, identity.RegisterIntermediary{
		ID: "flex", Name: "Flex Uitzend", KvK: "12345678", Contact: intermediary.Contact{Name: "Ina de Flex", Email: "ina@flex.test"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Runtime.WaitFor(ctx, res.Position, reactors.ActivationMailerName); err != nil {
		t.Fatal(err)
	}
	return reg
}
