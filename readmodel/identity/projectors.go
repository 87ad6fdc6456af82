package identity

import (
	"context"
	"fmt"
	"slices"
	"strings"
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
		projector{IntermediariesProjector, "intermediaries", intermediary.Events, applyIntermediary,
			[]string{intermediary.TypeRegistered, intermediary.TypeContactChanged}},
		projector{ClientsProjector, "clients, client_agreements", client.Events, applyClient,
			[]string{client.TypeRegistered, client.TypeAgreementChanged, client.TypeDetailsChanged}},
		projector{WorkersProjector, "workers", worker.Events, applyWorker, []string{worker.TypeRegistered}},
		projector{PlacementsProjector, "placements", placement.Events, applyPlacement,
			[]string{placement.TypeStarted, placement.TypeEnded, placement.TypeCorrected}},
		projector{AccountsProjector, "accounts", account.Events, applyAccount, []string{account.TypeCreated, account.TypeActivated,
			account.TypeDisabled, account.TypeEnabled, account.TypeLanguageChanged}},
	}
}

// projector is one identity projector: the checkpoint name, the tables a
// rebuild empties, the registry its events decode with, how a decoded event
// changes its rows and the event types handled.
type projector struct {
	name, truncate string
	events         *domain.Registry
	apply          func(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent, ev domain.Event) error
	types          []string
}

func (p projector) Name() string          { return p.name }
func (p projector) Handles(t string) bool { return slices.Contains(p.types, t) }
func (p projector) Reset(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `TRUNCATE `+p.truncate)
	return err
}

func (p projector) Handle(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent) error {
	ev, err := p.events.Decode(e.Type, e.Data)
	if err != nil {
		return fmt.Errorf("readmodel/identity: %s@%d: %w", e.Stream, e.Revision, err)
	}
	return p.apply(ctx, tx, e, ev)
}

// Each identity projector's rows derive from the log alone and commit with
// its checkpoint, so its live batches commit asynchronously
// (projections.AsyncCommitProjector, docs/architecture.md).
func (projector) AsyncCommit() bool { return true }

// AllProjectors names every projector of this package, for read-your-writes
// waits of queries that join their tables.
var AllProjectors = []string{IntermediariesProjector, ClientsProjector, WorkersProjector, PlacementsProjector, AccountsProjector}

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
// on top of newer ones, changes nothing. register and update are the two
// statements that do so.
func revision(e eventstore.RecordedEvent) int64 { return int64(e.Revision) }

// register inserts the row of a newly registered entity: cols names its
// columns, the key first, with values in the same order; at is the column
// of the registration time (the event's), written on insert only. When the
// row exists (a replay) it is rewritten only if e is newer than the row.
// fresh reports whether a row was written.
func register(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent, table, at, cols string, values ...any) (fresh bool, err error) {
	names := strings.Split(cols, ", ")
	var params, set []string
	for i, c := range append(names, at, "revision") {
		params = append(params, fmt.Sprintf("$%d", i+1))
		if i > 0 && c != at {
			set = append(set, c+" = EXCLUDED."+c)
		}
	}
	tag, err := tx.Exec(ctx, `INSERT INTO `+table+` (`+cols+`, `+at+`, revision) VALUES (`+strings.Join(params, ", ")+`)
		ON CONFLICT (`+names[0]+`) DO UPDATE SET `+strings.Join(set, ", ")+`
		WHERE `+table+`.revision < EXCLUDED.revision`,
		append(values, occurred(e), revision(e))...)
	return tag.RowsAffected() == 1, err
}

// update sets cols (none: only the revision) of the row whose key is id to
// values, if e is newer than what the row holds, and reports whether it did
// (false too when the row does not exist).
func update(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent, table, key, id, cols string, values ...any) (fresh bool, err error) {
	args := append([]any{id}, values...)
	var set []string
	if cols != "" {
		for i, c := range strings.Split(cols, ", ") {
			set = append(set, fmt.Sprintf("%s = $%d", c, i+2))
		}
	}
	args = append(args, revision(e))
	set = append(set, fmt.Sprintf("revision = $%d", len(args)))
	tag, err := tx.Exec(ctx, `UPDATE `+table+` SET `+strings.Join(set, ", ")+
		fmt.Sprintf(` WHERE %s = $1 AND revision < $%d`, key, len(args)), args...)
	return tag.RowsAffected() == 1, err
}

// --- intermediaries ---

func applyIntermediary(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent, ev domain.Event) error {
	var err error
	switch ev := ev.(type) {
	case *intermediary.Registered:
		_, err = register(ctx, tx, e, "intermediaries", "registered_at", "intermediary_id, name, kvk, contact_name, contact_email",
			ev.IntermediaryID, ev.Name, ev.KvK, ev.Contact.Name, ev.Contact.Email)
	case *intermediary.ContactChanged:
		_, err = update(ctx, tx, e, "intermediaries", "intermediary_id", ev.IntermediaryID, "contact_name, contact_email",
			ev.Contact.Name, ev.Contact.Email)
	}
	return err
}

// --- clients ---

func applyClient(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent, ev domain.Event) error {
	switch ev := ev.(type) {
	case *client.Registered:
		fresh, err := register(ctx, tx, e, "clients", "registered_at", "client_id, intermediary_id, name, kvk, address, contact_name, contact_email",
			ev.ClientID, ev.IntermediaryID, ev.Name, ev.KvK, ev.Address, ev.Contact.Name, ev.Contact.Email)
		if err != nil || !fresh {
			return err // applied before: its agreement too
		}
		return putAgreement(ctx, tx, ev.ClientID, ev.AgreementFrom, ev.Agreement)
	case *client.AgreementChanged:
		if fresh, err := update(ctx, tx, e, "clients", "client_id", ev.ClientID, ""); err != nil || !fresh {
			return err
		}
		return putAgreement(ctx, tx, ev.ClientID, ev.EffectiveFrom, ev.Agreement)
	case *client.DetailsChanged:
		_, err := update(ctx, tx, e, "clients", "client_id", ev.ClientID, "name, kvk, address, contact_name, contact_email",
			ev.Name, ev.KvK, ev.Address, ev.Contact.Name, ev.Contact.Email)
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

func applyWorker(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent, ev domain.Event) error {
	w, ok := ev.(*worker.Registered)
	if !ok {
		return nil
	}
	_, err := register(ctx, tx, e, "workers", "registered_at", "worker_id, client_id, first_name, infix, last_name, full_name, email, function",
		w.WorkerID, w.ClientID, w.Name.First, w.Name.Infix, w.Name.Last, w.Name.Full(), w.Email, w.Function)
	return err
}

// --- placements ---

func applyPlacement(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent, ev domain.Event) error {
	var err error
	switch ev := ev.(type) {
	case *placement.Started:
		_, err = register(ctx, tx, e, "placements", "started_at", "placement_id, worker_id, client_id, intermediary_id, function, start_date, end_date",
			ev.PlacementID, ev.WorkerID, ev.ClientID, ev.IntermediaryID, ev.Function, ev.Start, ev.End)
	case *placement.Ended:
		_, err = update(ctx, tx, e, "placements", "placement_id", ev.PlacementID, "end_date, ended, end_reason", ev.End, true, ev.Reason)
	case *placement.Corrected:
		_, err = update(ctx, tx, e, "placements", "placement_id", ev.PlacementID, "function, start_date", ev.Function, ev.Start)
	}
	return err
}

// --- accounts ---

func applyAccount(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent, ev domain.Event) error {
	var err error
	switch ev := ev.(type) {
	case *account.Created:
		_, err = register(ctx, tx, e, "accounts", "created_at", "account_id, email, role, intermediary_id, client_id, worker_id, language",
			ev.AccountID, ev.Email, string(ev.Role), ev.IntermediaryID, ev.ClientID, ev.WorkerID, ev.Language)
	case *account.Activated:
		_, err = update(ctx, tx, e, "accounts", "account_id", ev.AccountID, "activated", true)
	case *account.Disabled:
		_, err = update(ctx, tx, e, "accounts", "account_id", ev.AccountID, "disabled, disabled_at", true, occurred(e))
	case *account.Enabled:
		_, err = update(ctx, tx, e, "accounts", "account_id", ev.AccountID, "disabled, disabled_at", false, nil)
	case *account.LanguageChanged:
		_, err = update(ctx, tx, e, "accounts", "account_id", ev.AccountID, "language", ev.Language)
	}
	return err
}
