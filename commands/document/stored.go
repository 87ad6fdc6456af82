package document

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	rmdocuments "backoffice/readmodel/documents"
)

// Stored reads this package's tables for the document queries
// (readmodel/documents.Stored: the query layer cannot import this one,
// which imports it; the application hands Stored{} to its NewQueries):
// the stored file of a version, and whether wrong TANs blocked a request.
// The SQL about document_files and document_tans stays here.
type Stored struct{}

var _ rmdocuments.Stored = Stored{}

// tanBlockedSQL: whether the request's TAN took MaxTANAttempts wrong
// tries ($1 request ID, $2 MaxTANAttempts).
const tanBlockedSQL = `SELECT EXISTS (SELECT 1 FROM document_tans WHERE request_id = $1 AND attempts >= $2)`

// File implements readmodel/documents.Stored: one statement over the
// documents read model (the document's scope, the version's name and
// checksum) and the file stored under that checksum.
func (Stored) File(ctx context.Context, q rmdocuments.RowQuerier, id string, version int) (rmdocuments.StoredFile, bool, error) {
	var (
		f           rmdocuments.StoredFile
		contentType *string
	)
	err := q.QueryRow(ctx, `SELECT d.category, d.client_id, d.intermediary_id, d.worker_id, v.file_name, v.sha256,
			f.content_type, f.content
		FROM documents d
		JOIN document_versions v ON v.document_id = d.document_id AND v.version = CASE WHEN $2 > 0 THEN $2 ELSE d.version END
		LEFT JOIN document_files f ON f.document_id = d.document_id AND f.sha256 = v.sha256
		WHERE d.document_id = $1`, id, version).
		Scan(&f.Category, &f.ClientID, &f.IntermediaryID, &f.WorkerID, &f.FileName, &f.SHA256, &contentType, &f.Content)
	if errors.Is(err, pgx.ErrNoRows) {
		return f, false, nil
	}
	if err != nil {
		return f, false, fmt.Errorf("commands/document: unable to read the stored file: %w", err)
	}
	if contentType != nil {
		f.HasFile, f.ContentType = true, *contentType
	}
	return f, true, nil
}

// QueueTANBlocked implements readmodel/documents.Stored.
func (Stored) QueueTANBlocked(b *pgx.Batch, requestID string, blocked *bool) {
	b.Queue(tanBlockedSQL, requestID, MaxTANAttempts).QueryRow(func(row pgx.Row) error { return row.Scan(blocked) })
}
