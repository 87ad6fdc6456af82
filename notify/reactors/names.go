package reactors

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"backoffice/commands/auth"
	"backoffice/domain"
	"backoffice/domain/client"
	"backoffice/domain/intermediary"
	"backoffice/domain/worker"
	"backoffice/eventstore"
	"backoffice/notify/audience"
)

// RecipientNamesName is the projector name of RecipientNames when it runs
// on its own.
//
// WARNING: stored as checkpoint key; never rename.
const RecipientNamesName = "notify.recipient_names"

// RecipientNames is the half of the ActivationMailer that mails nobody: it
// remembers contact and worker names by e-mail address
// (mail_recipient_names) to greet recipients by name. The ActivationMailer
// runs it in its own transaction, before the activation mail of the same
// registration reads the name, so production runs no RecipientNames of its
// own. On its own it fills the names where no mail may go out: a data set
// seeded through events (internal/notifytest).
type RecipientNames struct{}

// Name implements projections.Projector.
func (RecipientNames) Name() string { return RecipientNamesName }

// Handles implements projections.Projector.
func (RecipientNames) Handles(t string) bool {
	switch t {
	case intermediary.TypeRegistered, intermediary.TypeContactChanged,
		client.TypeRegistered, client.TypeDetailsChanged, worker.TypeRegistered:
		return true
	}
	return false
}

// Reset forgets the names.
func (RecipientNames) Reset(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `TRUNCATE mail_recipient_names`)
	return err
}

// Handle implements projections.Projector.
func (RecipientNames) Handle(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent) error {
	var (
		ev  domain.Event
		err error
	)
	switch e.Type {
	case intermediary.TypeRegistered, intermediary.TypeContactChanged:
		ev, err = intermediary.Events.Decode(e.Type, e.Data)
	case client.TypeRegistered, client.TypeDetailsChanged:
		ev, err = client.Events.Decode(e.Type, e.Data)
	case worker.TypeRegistered:
		ev, err = worker.Events.Decode(e.Type, e.Data)
	default:
		return nil
	}
	if err != nil {
		return err
	}
	switch ev := ev.(type) {
	case *intermediary.Registered:
		return rememberName(ctx, tx, ev.Contact.Email, ev.Contact.Name)
	case *intermediary.ContactChanged:
		return rememberName(ctx, tx, ev.Contact.Email, ev.Contact.Name)
	case *client.Registered:
		return rememberName(ctx, tx, ev.Contact.Email, ev.Contact.Name)
	case *client.DetailsChanged:
		return rememberName(ctx, tx, ev.Contact.Email, ev.Contact.Name)
	case *worker.Registered:
		return rememberName(ctx, tx, ev.Email, ev.Name.Full())
	}
	return nil
}

func rememberName(ctx context.Context, tx pgx.Tx, email, name string) error {
	_, err := tx.Exec(ctx, `INSERT INTO mail_recipient_names (email, name) VALUES ($1, $2)
		ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name`, auth.NormalizeEmail(email), name)
	return err
}

// RecipientName is the name to greet someone by in a mail ("" when
// unknown): the contact and worker names RecipientNames remembers by
// e-mail address. Read it in the transaction that queues the mail. A
// projector that reads it declares the one that keeps the names
// (ActivationMailerName) in its DependsOn, so a name changed or a
// rebuild under way is not read from before the event it handles.
func RecipientName(ctx context.Context, q audience.RowQuerier, email string) (string, error) {
	var name string
	err := q.QueryRow(ctx, `SELECT name FROM mail_recipient_names WHERE email = $1`, email).Scan(&name)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("notify/reactors: unable to read the recipient's name: %w", err)
	}
	return name, nil
}
