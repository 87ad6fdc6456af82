package documents

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	doc "backoffice/domain/document"
	"backoffice/eventstore"
	"backoffice/projections"
)

// NameDocuments is the name of the projector of the documents table.
//
// WARNING: stored as the projector's checkpoint key; never rename it (a
// renamed projector starts again from position 0 on top of its old rows).
const NameDocuments = "documents"

// Projector projects document events into the documents table.
type Projector struct{}

var _ projections.Projector = Projector{}

// Projectors returns the read-model projectors of this package.
func Projectors() []projections.Projector { return []projections.Projector{Projector{}} }

// Name implements projections.Projector.
func (Projector) Name() string { return NameDocuments }

// Handles implements projections.Projector: every document event.
func (Projector) Handles(t string) bool { return doc.Events.Knows(t) }

// Reset implements projections.Projector.
func (Projector) Reset(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `TRUNCATE documents`); err != nil {
		return fmt.Errorf("documents: unable to reset: %w", err)
	}
	return nil
}

func occurred(e eventstore.RecordedEvent) time.Time {
	if !e.Metadata.OccurredAt.IsZero() {
		return e.Metadata.OccurredAt
	}
	return e.Created
}

// Handle implements projections.Projector.
func (Projector) Handle(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent) error {
	ev, err := doc.Events.Decode(e.Type, e.Data)
	if err != nil {
		return fmt.Errorf("documents: %s@%d: %w", e.Stream, e.Revision, err)
	}
	id := e.Stream[len(doc.StreamPrefix):]
	cur := int64(-1)
	err = tx.QueryRow(ctx, `SELECT revision FROM documents WHERE document_id = $1`, id).Scan(&cur)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("documents: unable to read %s: %w", id, err)
	}
	rev := int64(e.Revision)
	if rev <= cur {
		return nil // applied before
	}
	if rev != cur+1 {
		return fmt.Errorf("documents: %s: event at revision %d after revision %d: refusing a gap", e.Stream, rev, cur)
	}
	at := occurred(e)
	switch ev := ev.(type) {
	case *doc.Uploaded:
		var (
			number *string
			date   *time.Time
			amount *int64
		)
		if ev.Invoice != nil {
			number, date, amount = &ev.Invoice.Number, &ev.Invoice.Date, &ev.Invoice.AmountCents
		}
		_, err = tx.Exec(ctx, `INSERT INTO documents (document_id, client_id, intermediary_id, worker_id, kind, category,
				title, file_name, content_type, size, sha256, uploaded_at, uploaded_by_role,
				invoice_number, invoice_date, amount_cents, revision)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
			id, ev.ClientID, ev.IntermediaryID, ev.WorkerID, string(ev.Kind), string(ev.Category),
			ev.Title, ev.FileName, ev.ContentType, ev.Size, ev.SHA256, at, e.Metadata.ActorRole,
			number, date, amount, rev)
	case *doc.SignatureRequested:
		err = update(ctx, tx, id, rev, `request_id = $3, signer_account_id = $4, requested_at = $5, expires_at = $6,
			signature_status = 'requested', decided_at = NULL, remark = ''`,
			ev.RequestID, ev.SignerAccountID, at, ev.ExpiresAt)
	case *doc.Signed:
		err = update(ctx, tx, id, rev, `signature_status = CASE WHEN request_id = $3 THEN 'signed' ELSE signature_status END,
			decided_at = CASE WHEN request_id = $3 THEN $4 ELSE decided_at END,
			remark = CASE WHEN request_id = $3 THEN $5 ELSE remark END`, ev.RequestID, at, ev.Remark)
	case *doc.SignatureDeclined:
		err = update(ctx, tx, id, rev, `signature_status = CASE WHEN request_id = $3 THEN 'declined' ELSE signature_status END,
			decided_at = CASE WHEN request_id = $3 THEN $4 ELSE decided_at END,
			remark = CASE WHEN request_id = $3 THEN $5 ELSE remark END`, ev.RequestID, at, ev.Remark)
	default:
		// An event this table shows nothing of (document.tan_issued, the
		// signing evidence): only the revision moves on, so the next event
		// is no gap.
		_, err = tx.Exec(ctx, `UPDATE documents SET revision = $2 WHERE document_id = $1`, id, rev)
	}
	if err != nil {
		return fmt.Errorf("documents: %s@%d: %w", e.Stream, e.Revision, err)
	}
	return nil
}

// update sets the columns and the revision of the row ($1 id, $2 revision).
func update(ctx context.Context, tx pgx.Tx, id string, rev int64, set string, args ...any) error {
	_, err := tx.Exec(ctx, `UPDATE documents SET `+set+`, revision = $2 WHERE document_id = $1`, append([]any{id, rev}, args...)...)
	return err
}
