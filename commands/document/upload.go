package document

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"

	"github.com/google/uuid"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/domain/client"
	doc "backoffice/domain/document"
	"backoffice/domain/validate"
	"backoffice/domain/worker"
	"backoffice/eventstore"
)

// Upload is "document aanbieden": a client user for their own company
// (kind document), the back office for any client (documents and invoices).
type Upload struct {
	// ClientID defaults to the client user's own company; the back office
	// must name it.
	ClientID string
	WorkerID string // optional: the worker the document concerns
	Kind     doc.Kind
	Category doc.Category // default general
	Title    string
	FileName string
	Content  []byte // at most doc.MaxSize bytes
	Invoice  *doc.Invoice
}

// uploadNamespace seeds document IDs derived from idempotency keys.
// WARNING: changing it breaks retries in flight.
var uploadNamespace = uuid.MustParse("5d0c7c1e-55f4-4e7b-8a0b-2f4f3c6b9d11")

// Sniff returns the content type the server believes (never the browser's).
func Sniff(content []byte) string { return http.DetectContentType(content) }

// Upload stores the file and records document.uploaded. It returns the new
// document's ID. With an idempotency key the ID is derived from it, and a
// retry of the same upload answers with the stored document instead of a
// second one.
func (h *Handler) Upload(ctx context.Context, meta commands.Meta, cmd Upload) (commands.Result, string, error) {
	actor := meta.Actor
	if actor.Role == domain.RoleClient && cmd.ClientID == "" {
		cmd.ClientID = actor.ClientID
	}
	if !actor.Is(domain.RoleBackoffice, domain.RoleSystem, domain.RoleClient) {
		return commands.Result{}, "", doc.Forbidden
	}
	if actor.Role == domain.RoleClient && cmd.ClientID != actor.ClientID {
		return commands.Result{}, "", domain.ErrNotFound
	}
	if len(cmd.Content) > doc.MaxSize {
		return commands.Result{}, "", doc.ErrFileTooLarge // before hashing or loading anything
	}
	if err := validate.ID("client_id", cmd.ClientID); err != nil {
		return commands.Result{}, "", err
	}
	c := &client.Client{}
	if _, err := commands.LoadInto(ctx, h.store, client.Stream(cmd.ClientID), client.Events, c); err != nil {
		return commands.Result{}, "", fmt.Errorf("commands/document: client %s: %w", cmd.ClientID, err)
	}
	if !c.Exists() {
		return commands.Result{}, "", domain.Rule("client_unknown", "client_id", "There is no client with this ID.",
			"Er is geen opdrachtgever met deze identificatie.")
	}
	if cmd.WorkerID != "" {
		if err := h.checkWorker(ctx, cmd.WorkerID, cmd.ClientID); err != nil {
			return commands.Result{}, "", err
		}
	}

	id := uuid.NewString()
	if meta.IdempotencyKey != "" {
		id = uuid.NewSHA1(uploadNamespace, []byte(actor.AccountID+"|"+meta.IdempotencyKey)).String()
	}
	sum := sha256.Sum256(cmd.Content)
	contentType := Sniff(cmd.Content)
	d := &doc.Document{}
	st, err := commands.LoadInto(ctx, h.store, doc.Stream(id), doc.Events, d)
	if err != nil {
		return commands.Result{}, "", fmt.Errorf("commands/document: %w", err)
	}
	now := h.clock()
	if d.Exists() && meta.IdempotencyKey != "" && d.SHA256() == hex.EncodeToString(sum[:]) && d.ClientID() == cmd.ClientID {
		res, err := h.existing(ctx, st)
		return res, id, err
	}
	events, err := d.Upload(actor, doc.Upload{
		DocumentID: id, ClientID: cmd.ClientID, IntermediaryID: c.IntermediaryID(), WorkerID: cmd.WorkerID,
		Kind: cmd.Kind, Category: cmd.Category, Title: cmd.Title, FileName: cmd.FileName,
		ContentType: contentType, Size: int64(len(cmd.Content)), SHA256: hex.EncodeToString(sum[:]), Invoice: cmd.Invoice,
	}, now)
	if err != nil {
		return commands.Result{}, "", err
	}
	// The file first: an event must never name a file that is not there. A
	// row left by an append that failed before is replaced.
	if _, err := h.pool.Exec(ctx, `
		INSERT INTO document_files (document_id, content_type, size, sha256, content, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (document_id) DO UPDATE SET content_type = EXCLUDED.content_type, size = EXCLUDED.size,
			sha256 = EXCLUDED.sha256, content = EXCLUDED.content, created_at = EXCLUDED.created_at`,
		id, contentType, len(cmd.Content), hex.EncodeToString(sum[:]), cmd.Content, now); err != nil {
		return commands.Result{}, "", fmt.Errorf("commands/document: unable to store the file: %w", err)
	}
	res, err := commands.Save(ctx, h.store, st, meta, now, events...)
	if err != nil {
		h.dropOrphan(context.WithoutCancel(ctx), id)
		return commands.Result{}, "", err
	}
	return res, id, nil
}

// dropOrphan removes the file of an upload whose append failed, unless the
// stream exists after all (the append did happen, or a retry won).
func (h *Handler) dropOrphan(ctx context.Context, id string) {
	_, err := h.store.ReadStream(ctx, doc.Stream(id), eventstore.ReadStreamOptions{Max: 1})
	if !errors.Is(err, eventstore.ErrStreamNotFound) {
		return
	}
	if _, err := h.pool.Exec(ctx, `DELETE FROM document_files WHERE document_id = $1`, id); err != nil {
		h.log.ErrorContext(ctx, "commands/document: unable to remove the file of a failed upload", "document_id", id, "err", err)
	}
}

// checkWorker: the worker exists and was registered by the client.
func (h *Handler) checkWorker(ctx context.Context, workerID, clientID string) error {
	if err := validate.ID("worker_id", workerID); err != nil {
		return err
	}
	w := &worker.Worker{}
	if _, err := commands.LoadInto(ctx, h.store, worker.Stream(workerID), worker.Events, w); err != nil {
		return fmt.Errorf("commands/document: worker %s: %w", workerID, err)
	}
	if !w.Exists() || w.ClientID() != clientID {
		return domain.Rule("worker_unknown", "worker_id", "There is no worker with this ID at this client.",
			"Er is geen werknemer met deze identificatie bij deze opdrachtgever.")
	}
	return nil
}

// existing answers a retried upload with the stored stream's last event.
func (h *Handler) existing(ctx context.Context, st commands.Stream) (commands.Result, error) {
	evs, err := h.store.ReadStream(ctx, st.Name, eventstore.ReadStreamOptions{From: st.Revision, Max: 1})
	if err != nil || len(evs) == 0 {
		return commands.Result{}, fmt.Errorf("commands/document: read %s: %w", st.Name, err)
	}
	return commands.Result{Position: evs[0].Position, Revision: st.Revision}, nil
}
