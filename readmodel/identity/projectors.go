package identity

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/client"
	"backoffice/domain/intermediary"
	"backoffice/domain/placement"
	"backoffice/domain/worker"
	"backoffice/eventstore"
	"backoffice/projections"
)

// Projector names.
//
// WARNING: stored as checkpoint keys; never rename (a renamed projector
// replays from position 0 on top of its old rows).
const (
	IntermediariesProjector = "identity.intermediaries"
	ClientsProjector        = "identity.clients"
	WorkersProjector        = "identity.workers"
	PlacementsProjector     = "identity.placements"
	AccountsProjector       = "identity.accounts"
)

// Projectors returns the identity read-model projectors.
func Projectors() []projections.Projector {
	return []projections.Projector{
		intermediariesProjector{tables{IntermediariesProjector, "intermediaries",
			[]string{intermediary.TypeRegistered, intermediary.TypeContactChanged}}},
		clientsProjector{tables{ClientsProjector, "clients, client_agreements",
			[]string{client.TypeRegistered, client.TypeAgreementChanged, client.TypeDetailsChanged}}},
		workersProjector{tables{WorkersProjector, "workers", []string{worker.TypeRegistered}}},
		placementsProjector{tables{PlacementsProjector, "placements", []string{placement.TypeStarted, placement.TypeEnded}}},
		accountsProjector{tables{AccountsProjector, "accounts", []string{account.TypeCreated, account.TypeActivated,
			account.TypeDisabled, account.TypeEnabled, account.TypeLanguageChanged}}},
	}
}

// tables is what the identity projectors share: the checkpoint name, the
// tables a rebuild empties and the event types handled.
type tables struct {
	name, truncate string
	types          []string
}

func (p tables) Name() string          { return p.name }
func (p tables) Handles(t string) bool { return slices.Contains(p.types, t) }
func (p tables) Reset(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `TRUNCATE `+p.truncate)
	return err
}

// Each identity projector's rows derive from the log alone and commit with
// its checkpoint, so its live batches commit asynchronously
// (projections.AsyncCommitProjector, docs/architecture.md).
func (tables) AsyncCommit() bool { return true }

// AllProjectors names every projector of this package, for read-your-writes
// waits of queries that join their tables.
var AllProjectors = []string{IntermediariesProjector, ClientsProjector, WorkersProjector, PlacementsProjector, AccountsProjector}

func decode(reg *domain.Registry, e eventstore.RecordedEvent) (domain.Event, error) {
	ev, err := reg.Decode(e.Type, e.Data)
	if err != nil {
		return nil, fmt.Errorf("readmodel/identity: %s@%d: %w", e.Stream, e.Revision, err)
	}
	return ev, nil
}

func occurred(e eventstore.RecordedEvent) time.Time {
	if !e.Metadata.OccurredAt.IsZero() {
		return e.Metadata.OccurredAt
	}
	return e.Created
}

// revision is the event's revision in its entity's stream (each identity
// row is one entity: an intermediary, client, worker, placement or account,
// whose events are all appended to its own stream). Every row stores the
// last one it applied, and each statement applies an event only above it,
// as the timesheet projector does: an older event, redelivered or replayed
// on top of newer ones, changes nothing.
func revision(e eventstore.RecordedEvent) int64 { return int64(e.Revision) }

// advance moves the row's revision up to e's and reports whether e is newer
// than what the row holds (false too when the row does not exist).
func advance(ctx context.Context, tx pgx.Tx, table, key, id string, e eventstore.RecordedEvent) (bool, error) {
	tag, err := tx.Exec(ctx, `UPDATE `+table+` SET revision = $2 WHERE `+key+` = $1 AND revision < $2`, id, revision(e))
	return tag.RowsAffected() == 1, err
}

// --- intermediaries ---

type intermediariesProjector struct{ tables }

func (intermediariesProjector) Handle(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent) error {
	ev, err := decode(intermediary.Events, e)
	if err != nil {
		return err
	}
	switch ev := ev.(type) {
	case *intermediary.Registered:
		_, err = tx.Exec(ctx, `INSERT INTO intermediaries (intermediary_id, name, kvk, contact_name, contact_email, registered_at, revision)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (intermediary_id) DO UPDATE SET name = EXCLUDED.name, kvk = EXCLUDED.kvk,
				contact_name = EXCLUDED.contact_name, contact_email = EXCLUDED.contact_email, revision = EXCLUDED.revision
			WHERE intermediaries.revision < EXCLUDED.revision`,
			ev.IntermediaryID, ev.Name, ev.KvK, ev.Contact.Name, ev.Contact.Email, occurred(e), revision(e))
	case *intermediary.ContactChanged:
		_, err = tx.Exec(ctx, `UPDATE intermediaries SET contact_name = $2, contact_email = $3, revision = $4
			WHERE intermediary_id = $1 AND revision < $4`,
			ev.IntermediaryID, ev.Contact.Name, ev.Contact.Email, revision(e))
	}
	return err
}

// --- clients ---

type clientsProjector struct{ tables }

func (clientsProjector) Handle(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent) error {
	ev, err := decode(client.Events, e)
	if err != nil {
		return err
	}
	switch ev := ev.(type) {
	case *client.Registered:
		tag, err := tx.Exec(ctx, `INSERT INTO clients (client_id, intermediary_id, name, kvk, address, contact_name, contact_email, registered_at, revision)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (client_id) DO UPDATE SET intermediary_id = EXCLUDED.intermediary_id, name = EXCLUDED.name,
				kvk = EXCLUDED.kvk, address = EXCLUDED.address, contact_name = EXCLUDED.contact_name,
				contact_email = EXCLUDED.contact_email, revision = EXCLUDED.revision
			WHERE clients.revision < EXCLUDED.revision`,
			ev.ClientID, ev.IntermediaryID, ev.Name, ev.KvK, ev.Address, ev.Contact.Name, ev.Contact.Email, occurred(e), revision(e))
		if err != nil || tag.RowsAffected() == 0 {
			return err // applied before: its agreement too
		}
		return putAgreement(ctx, tx, ev.ClientID, ev.AgreementFrom, ev.Agreement)
	case *client.AgreementChanged:
		if fresh, err := advance(ctx, tx, "clients", "client_id", ev.ClientID, e); err != nil || !fresh {
			return err
		}
		return putAgreement(ctx, tx, ev.ClientID, ev.EffectiveFrom, ev.Agreement)
	case *client.DetailsChanged:
		_, err := tx.Exec(ctx, `UPDATE clients SET name = $2, kvk = $3, address = $4, contact_name = $5, contact_email = $6, revision = $7
			WHERE client_id = $1 AND revision < $7`, ev.ClientID, ev.Name, ev.KvK, ev.Address, ev.Contact.Name, ev.Contact.Email, revision(e))
		return err
	}
	return nil
}

func putAgreement(ctx context.Context, tx pgx.Tx, clientID string, from time.Time, a client.Agreement) error {
	_, err := tx.Exec(ctx, `INSERT INTO client_agreements (client_id, effective_from, agreement) VALUES ($1, $2, $3)
		ON CONFLICT (client_id, effective_from) DO UPDATE SET agreement = EXCLUDED.agreement`,
		clientID, from, a)
	return err
}

// --- workers ---

type workersProjector struct{ tables }

func (workersProjector) Handle(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent) error {
	ev, err := decode(worker.Events, e)
	if err != nil {
		return err
	}
	w, ok := ev.(*worker.Registered)
	if !ok {
		return nil
	}
	_, err = tx.Exec(ctx, `INSERT INTO workers (worker_id, client_id, first_name, infix, last_name, full_name, email, function, registered_at, revision)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (worker_id) DO UPDATE SET client_id = EXCLUDED.client_id, first_name = EXCLUDED.first_name,
			infix = EXCLUDED.infix, last_name = EXCLUDED.last_name, full_name = EXCLUDED.full_name,
			email = EXCLUDED.email, function = EXCLUDED.function, revision = EXCLUDED.revision
		WHERE workers.revision < EXCLUDED.revision`,
		w.WorkerID, w.ClientID, w.Name.First, w.Name.Infix, w.Name.Last, w.Name.Full(), w.Email, w.Function, occurred(e), revision(e))
	return err
}

// --- placements ---

type placementsProjector struct{ tables }

func (placementsProjector) Handle(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent) error {
	ev, err := decode(placement.Events, e)
	if err != nil {
		return err
	}
	switch ev := ev.(type) {
	case *placement.Started:
		_, err = tx.Exec(ctx, `INSERT INTO placements (placement_id, worker_id, client_id, intermediary_id, function, start_date, end_date, started_at, revision)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (placement_id) DO UPDATE SET worker_id = EXCLUDED.worker_id, client_id = EXCLUDED.client_id,
				intermediary_id = EXCLUDED.intermediary_id, function = EXCLUDED.function,
				start_date = EXCLUDED.start_date, end_date = EXCLUDED.end_date, revision = EXCLUDED.revision
			WHERE placements.revision < EXCLUDED.revision`,
			ev.PlacementID, ev.WorkerID, ev.ClientID, ev.IntermediaryID, ev.Function, ev.Start, ev.End, occurred(e), revision(e))
	case *placement.Ended:
		_, err = tx.Exec(ctx, `UPDATE placements SET end_date = $2, ended = true, end_reason = $3, revision = $4
			WHERE placement_id = $1 AND revision < $4`,
			ev.PlacementID, ev.End, ev.Reason, revision(e))
	}
	return err
}

// --- accounts ---

type accountsProjector struct{ tables }

func (accountsProjector) Handle(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent) error {
	ev, err := decode(account.Events, e)
	if err != nil {
		return err
	}
	switch ev := ev.(type) {
	case *account.Created:
		_, err = tx.Exec(ctx, `INSERT INTO accounts (account_id, email, role, intermediary_id, client_id, worker_id, language, created_at, revision)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (account_id) DO UPDATE SET email = EXCLUDED.email, role = EXCLUDED.role,
				intermediary_id = EXCLUDED.intermediary_id, client_id = EXCLUDED.client_id,
				worker_id = EXCLUDED.worker_id, language = EXCLUDED.language, revision = EXCLUDED.revision
			WHERE accounts.revision < EXCLUDED.revision`,
			ev.AccountID, ev.Email, string(ev.Role), ev.IntermediaryID, ev.ClientID, ev.WorkerID, ev.Language, occurred(e), revision(e))
	case *account.Activated:
		_, err = tx.Exec(ctx, `UPDATE accounts SET activated = true, revision = $2 WHERE account_id = $1 AND revision < $2`, ev.AccountID, revision(e))
	case *account.Disabled:
		_, err = tx.Exec(ctx, `UPDATE accounts SET disabled = true, revision = $2 WHERE account_id = $1 AND revision < $2`, ev.AccountID, revision(e))
	case *account.Enabled:
		_, err = tx.Exec(ctx, `UPDATE accounts SET disabled = false, revision = $2 WHERE account_id = $1 AND revision < $2`, ev.AccountID, revision(e))
	case *account.LanguageChanged:
		_, err = tx.Exec(ctx, `UPDATE accounts SET language = $2, revision = $3 WHERE account_id = $1 AND revision < $3`,
			ev.AccountID, ev.Language, revision(e))
	}
	return err
}
