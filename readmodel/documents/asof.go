package documents

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"backoffice/domain"
	doc "backoffice/domain/document"
	"backoffice/domain/validate"
	"backoffice/eventstore"
	"backoffice/readmodel/asof"
)

// DocumentAsOf answers the document detail as it was at moment m, replayed
// from the event store (not the read model): the document's stream up to m
// runs through this package's own projector into temporary copies of its
// tables, inside a transaction that is always rolled back, and the detail
// is read from them with the same query. Its versions, request, answer and
// scope are as they were then; the names (client, worker, signer) and
// whether wrong TANs blocked the request are today's; "expired" is judged
// at the moment (the time given, or the recording time of the document's
// last event in it). Before the document was uploaded it is not found.
//
// The replay runs on a connection of its own that never caches statements:
// statements prepared against the real tables on a pooled connection would
// keep reading them although temporary tables of the same name shadow them.
func (q *Queries) DocumentAsOf(ctx context.Context, actor domain.Actor, r asof.StreamReader, id string, m asof.Moment) (Detail, error) {
	if m.IsZero() {
		return q.Document(ctx, actor, id)
	}
	if validate.ID("id", id) != nil {
		return Detail{}, domain.ErrNotFound
	}
	// The stream is read before the transaction begins: its temporary
	// tables give it a transaction ID, and while one is open the
	// PostgreSQL event store shows no reader the events committed after it
	// began; the read may be a network round trip (EventStoreDB).
	var evs []eventstore.RecordedEvent
	last, n, err := asof.Stream(ctx, r, doc.Stream(id), m, func(rec eventstore.RecordedEvent) error {
		evs = append(evs, rec)
		return nil
	})
	if err != nil {
		return Detail{}, err
	}
	if n == 0 {
		return Detail{}, domain.ErrNotFound
	}
	cfg := q.pool.Config().ConnConfig.Copy()
	cfg.DefaultQueryExecMode = pgx.QueryExecModeExec
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return Detail{}, fmt.Errorf("documents: as of: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	tx, err := conn.Begin(ctx)
	if err != nil {
		return Detail{}, fmt.Errorf("documents: as of: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	for _, table := range []string{"documents", "document_versions"} {
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE `+table+` (LIKE `+table+` INCLUDING ALL) ON COMMIT DROP`); err != nil {
			return Detail{}, fmt.Errorf("documents: as of: %w", err)
		}
	}
	for _, rec := range evs {
		if err := (Projector{}).Handle(ctx, tx, rec); err != nil {
			return Detail{}, err
		}
	}
	now := last.Created
	if at, ok := m.Time(); ok {
		now = at
	}
	return q.document(ctx, tx, actor, id, now)
}
