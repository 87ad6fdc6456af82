package document

import (
	"context"
	"fmt"
	"time"

	"backoffice/commands"
	doc "backoffice/domain/document"
)

// OrphanFileAge is how long a file row must have existed before
// PurgeOrphanFiles may remove it: far beyond any upload still running or
// retried.
const OrphanFileAge = 24 * time.Hour

// orphanBatch bounds one purge pass.
const orphanBatch = 200

// PurgeOrphanFiles removes file rows older than OrphanFileAge (before now)
// that no document.uploaded or document.version_added event names: those an upload kept because its
// append ended with an unknown outcome and which never became a document.
// The candidates are the rows the read model does not name; each is then
// checked against the document's stream in the event store, the source of
// truth (during a rebuild the read model is empty and names nothing). It
// returns how many rows it removed.
func (h *Handler) PurgeOrphanFiles(ctx context.Context, now time.Time) (int, error) {
	cutoff := now.Add(-OrphanFileAge)
	rows, err := h.pool.Query(ctx, `SELECT f.document_id, f.sha256 FROM document_files f
		WHERE f.created_at < $1 AND NOT EXISTS (
			SELECT FROM document_versions v WHERE v.document_id = f.document_id AND v.sha256 = f.sha256)
		ORDER BY f.created_at LIMIT $2`, cutoff, orphanBatch)
	if err != nil {
		return 0, fmt.Errorf("commands/document: orphan files: %w", err)
	}
	type file struct{ id, sha string }
	var candidates []file
	for rows.Next() {
		var f file
		if err := rows.Scan(&f.id, &f.sha); err != nil {
			rows.Close()
			return 0, fmt.Errorf("commands/document: orphan files: %w", err)
		}
		candidates = append(candidates, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("commands/document: orphan files: %w", err)
	}
	removed := 0
	for _, f := range candidates {
		d := &doc.Document{}
		if _, err := commands.LoadInto(ctx, h.store, doc.Stream(f.id), doc.Events, d); err != nil {
			return removed, fmt.Errorf("commands/document: orphan file of %s: %w", f.id, err)
		}
		if d.Exists() && d.HasFile(f.sha) {
			continue // a document: the read model has not caught up
		}
		tag, err := h.pool.Exec(ctx, `DELETE FROM document_files WHERE document_id = $1 AND sha256 = $2 AND created_at < $3`,
			f.id, f.sha, cutoff)
		if err != nil {
			return removed, fmt.Errorf("commands/document: orphan file of %s: %w", f.id, err)
		}
		removed += int(tag.RowsAffected())
	}
	return removed, nil
}
