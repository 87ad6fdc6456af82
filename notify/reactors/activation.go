package reactors

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"backoffice/commands/auth"
	"backoffice/commands/identity"
	"backoffice/domain/account"
	"backoffice/eventstore"
	"backoffice/notify/linkmail"
	"backoffice/notify/mail"
)

// ActivationMailerName is the projector name of ActivationMailer.
//
// WARNING: stored as checkpoint key; never rename (a renamed projector
// starts from position 0 and would re-issue links to every account that is
// not yet activated). The mailer moved here from commands/identity with its
// name, so an install keeps its checkpoint and mails nothing again.
const ActivationMailerName = "identity.activation_mail"

// ActivationMailer is the side-effect projector that sends every new
// account its "your login details" mail: on account.created it issues an
// activation token (commands/auth) and queues the mail with the
// Dispatcher inside the projector's transaction, keyed by the event ID, so
// the mail exists exactly when the checkpoint moves past the event and a
// replay sends nothing twice. Delivery (with retries) is the Dispatcher's;
// a mail failure never undoes the registration.
//
// It also remembers contact and worker names by e-mail address to greet
// the recipient by name (RecipientNames, in the same transaction).
type ActivationMailer struct {
	auth  *auth.Service
	pool  auth.DBTX
	mail  *mail.Dispatcher
	links linkmail.Links
	now   func() time.Time
	log   *slog.Logger
}

// NewActivationMailer returns the projector. pool is the database of the
// credentials table (for repairs outside the projector's transaction).
func NewActivationMailer(a *auth.Service, pool auth.DBTX, d *mail.Dispatcher, links linkmail.Links, clock func() time.Time, log *slog.Logger) (*ActivationMailer, error) {
	if a == nil || pool == nil || d == nil || links.Activation == nil {
		return nil, errors.New("notify/reactors: NewActivationMailer needs auth, pool, dispatcher and links")
	}
	clock, log = orDefaults(clock, log)
	return &ActivationMailer{auth: a, pool: pool, mail: d, links: links, now: clock, log: log}, nil
}

// Name implements projections.Projector.
func (m *ActivationMailer) Name() string { return ActivationMailerName }

// Handles implements projections.Projector.
func (m *ActivationMailer) Handles(t string) bool {
	return t == account.TypeCreated || (RecipientNames{}).Handles(t)
}

// Reset forgets the names; sent mail stays sent (mail_deliveries is never
// emptied by a rebuild, which is what keeps a rebuild from mailing again).
func (m *ActivationMailer) Reset(ctx context.Context, tx pgx.Tx) error {
	return RecipientNames{}.Reset(ctx, tx)
}

// Handle implements projections.Projector: the names (RecipientNames),
// and the mail of a new account.
func (m *ActivationMailer) Handle(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent) error {
	if e.Type != account.TypeCreated {
		return RecipientNames{}.Handle(ctx, tx, e)
	}
	ev, err := account.Events.Decode(e.Type, e.Data)
	if err != nil {
		return err
	}
	if c, ok := ev.(*account.Created); ok {
		return m.created(ctx, tx, e, c)
	}
	return nil
}

func (m *ActivationMailer) created(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent, c *account.Created) error {
	queued, err := mail.Queued(ctx, tx, e.ID)
	if err != nil {
		return err
	}
	if queued {
		return nil // a replay: the mail was queued before
	}
	acc, err := m.auth.Account(ctx, c.AccountID)
	if errors.Is(err, auth.ErrAccountNotFound) {
		// The registration died between its appends and the commit of
		// its e-mail claim: recreate the credentials row from the event.
		if err := auth.UpsertAccount(ctx, m.pool, identity.CredentialsRow(c)); err != nil && !errors.Is(err, auth.ErrEmailTaken) {
			return err
		}
		acc, err = m.auth.Account(ctx, c.AccountID)
	}
	if errors.Is(err, auth.ErrAccountNotFound) {
		m.log.WarnContext(ctx, "notify/reactors: no credentials for new account (e-mail address taken?); no activation mail",
			"account_id", c.AccountID, "event_id", e.ID)
		return nil
	}
	if err != nil {
		return err
	}
	if acc.Disabled || acc.HasPassword {
		return nil // bootstrap and demo accounts have a password already
	}
	// In the projector's transaction (a savepoint of it), not on a
	// connection of its own: the projector never waits, with its
	// transaction open, for another connection, whose lock waits
	// PostgreSQL cannot see as part of a deadlock; and a rolled-back
	// projection leaves no token that replaced the one last mailed.
	tok, expires, err := m.auth.IssueTokenIn(ctx, tx, c.AccountID, auth.PurposeActivation, m.now())
	if errors.Is(err, auth.ErrAccountNotFound) {
		return nil // disabled meanwhile
	}
	if err != nil {
		return err
	}
	name, err := RecipientName(ctx, tx, acc.Email)
	if err != nil {
		return err
	}
	msg := mail.ActivationMail(acc.Language, acc.Email, name, acc.Email, m.links.Activation(tok), expires)
	msg.AccountID = c.AccountID
	if err := m.mail.Enqueue(ctx, tx, e.ID, msg); err != nil {
		return err
	}
	m.mail.Kick() // may run before the commit; the next poll finds it then
	return nil
}
