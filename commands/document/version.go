package document

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"backoffice/commands"
	doc "backoffice/domain/document"
	"backoffice/eventstore"
)

// NewVersion is "een nieuwe versie aanbieden" (manual ch. 4): a new file
// for an existing document.
type NewVersion struct {
	FileName string
	Content  []byte // at most doc.MaxSize bytes
}

// AddVersion stores the file and records document.version_added (the
// back office for any document, a client user for their company's). The
// earlier versions' files stay; an open signature request is superseded.
// It returns the new version's number. With an idempotency key, a retry
// whose file is the current version already answers with that version.
func (h *Handler) AddVersion(ctx context.Context, meta commands.Meta, id string, in NewVersion) (commands.Result, int, error) {
	res, n, err := h.addVersion(ctx, meta, id, in)
	if errors.Is(err, eventstore.ErrWrongExpectedRevision) {
		// The stream moved meanwhile, most often by the signing mailer's
		// document.tan_issued right after a request: decide again on it.
		return h.addVersion(ctx, meta, id, in)
	}
	return res, n, err
}

func (h *Handler) addVersion(ctx context.Context, meta commands.Meta, id string, in NewVersion) (commands.Result, int, error) {
	if len(in.Content) > doc.MaxSize {
		return commands.Result{}, 0, doc.ErrFileTooLarge
	}
	d, st, err := h.load(ctx, meta.Actor, id)
	if err != nil {
		return commands.Result{}, 0, err
	}
	sum := sha256.Sum256(in.Content)
	sha := hex.EncodeToString(sum[:])
	contentType := Sniff(in.Content)
	now := h.clock()
	if meta.IdempotencyKey != "" && d.SHA256() == sha && d.Version() > 1 {
		// A retry of this very version: answer with what is stored.
		res, err := h.existing(ctx, st)
		return res, d.Version(), err
	}
	events, err := d.AddVersion(meta.Actor, doc.NewVersion{FileName: in.FileName, ContentType: contentType,
		Size: int64(len(in.Content)), SHA256: sha}, now)
	if err != nil {
		return commands.Result{}, 0, err
	}
	// The file first, as for an upload: an event never names a missing
	// file. Content an earlier version had shares its row.
	_, err = h.pool.Exec(ctx, `
		INSERT INTO document_files (document_id, content_type, size, sha256, content, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (document_id, sha256) DO NOTHING`,
		id, contentType, len(in.Content), sha, in.Content, now)
	if err != nil {
		return commands.Result{}, 0, fmt.Errorf("commands/document: unable to store the file: %w", err)
	}
	save := meta
	if save.IdempotencyKey != "" {
		save.IdempotencyKey += "|" + sha // another file under the same key is another command
	}
	res, err := commands.Save(ctx, h.store, st, save, now, events...)
	if err != nil {
		// The row stays: a concurrent version with the same content may
		// name it; one that no event names is removed by PurgeOrphanFiles.
		return commands.Result{}, 0, err
	}
	return res, events[0].(*doc.VersionAdded).Version, nil
}
