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

// AsyncCommit: its rows derive from the log alone and commit with its
// checkpoint (projections.AsyncCommitProjector, docs/architecture.md).
func (Projector) AsyncCommit() bool { return true }

// Handles implements projections.Projector: every document event.
func (Projector) Handles(t string) bool { return doc.Events.Knows(t) }

// Reset implements projections.Projector.
func (Projector) Reset(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `TRUNCATE documents, document_versions`); err != nil {
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
		if err == nil {
			err = addVersion(ctx, tx, id, 1, ev.FileName, ev.ContentType, ev.Size, ev.SHA256, at, e.Metadata.ActorRole)
		}
	case *doc.VersionAdded:
		err = addVersion(ctx, tx, id, ev.Version, ev.FileName, ev.ContentType, ev.Size, ev.SHA256, at, e.Metadata.ActorRole)
		if err == nil {
			err = update(ctx, tx, id, rev, `version = $3, file_name = $4, content_type = $5, size = $6, sha256 = $7,
				signature_status = CASE WHEN request_id = $8 AND signature_status = 'requested' THEN 'superseded' ELSE signature_status END`,
				ev.Version, ev.FileName, ev.ContentType, ev.Size, ev.SHA256, ev.SupersededRequestID)
		}
	case *doc.SignatureRequested:
		// Requests from before versions name the file current then.
		err = update(ctx, tx, id, rev, `request_id = $3, signer_account_id = $4, requested_at = $5, expires_at = $6,
			signature_status = 'requested', decided_at = NULL, remark = '', tan_channel = '', tan_address = '',
			request_version = CASE WHEN $7 > 0 THEN $7 ELSE version END,
			request_sha256 = CASE WHEN $7 > 0 THEN $8 ELSE sha256 END`,
			ev.RequestID, ev.SignerAccountID, at, ev.ExpiresAt, ev.Version, ev.SHA256)
	case *doc.TANIssued:
		channel := ev.Channel
		if channel == "" {
			channel = doc.ChannelEmail
		}
		err = update(ctx, tx, id, rev, `tan_channel = CASE WHEN request_id = $3 THEN $4 ELSE tan_channel END,
			tan_address = CASE WHEN request_id = $3 THEN $5 ELSE tan_address END`, ev.RequestID, string(channel), ev.MaskedAddress)
	case *doc.SigningOpened, *doc.TANRejected:
		// Evidence for the report (read from the ledger); the row only
		// moves its revision.
		err = update(ctx, tx, id, rev, `version = version`)
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

func addVersion(ctx context.Context, tx pgx.Tx, id string, version int, fileName, contentType string, size int64, sha string,
	at time.Time, role string) error {
	_, err := tx.Exec(ctx, `INSERT INTO document_versions (document_id, version, file_name, content_type, size, sha256, added_at, added_by_role)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (document_id, version) DO NOTHING`,
		id, version, fileName, contentType, size, sha, at, role)
	return err
}

// update sets the columns and the revision of the row ($1 id, $2 revision).
func update(ctx context.Context, tx pgx.Tx, id string, rev int64, set string, args ...any) error {
	_, err := tx.Exec(ctx, `UPDATE documents SET `+set+`, revision = $2 WHERE document_id = $1`, append([]any{id, rev}, args...)...)
	return err
}
