package document

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

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
// Text holding markup or script anywhere counts as HTML (refused), not as
// the plain text its first bytes suggest.
func Sniff(content []byte) string {
	ct := http.DetectContentType(content)
	if strings.HasPrefix(ct, "text/") && doc.ActiveText(content) {
		return "text/html; charset=utf-8"
	}
	// DetectContentType calls any text without control bytes UTF-8; a
	// Latin-1 or Windows-1252 file would be served as UTF-8 and its
	// accented letters come out garbled.
	if ct == "text/plain; charset=utf-8" && !utf8.Valid(content) {
		return doc.TextNotUTF8
	}
	return ct
}

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
	sha := hex.EncodeToString(sum[:])
	contentType := Sniff(cmd.Content)
	d := &doc.Document{}
	st, err := commands.LoadInto(ctx, h.store, doc.Stream(id), doc.Events, d)
	if err != nil {
		return commands.Result{}, "", fmt.Errorf("commands/document: %w", err)
	}
	now := h.clock()
	save := meta
	if save.IdempotencyKey != "" {
		// The event IDs name the whole upload, its content too: a
		// concurrent upload under the same key with other content must lose
		// the append, and a retry is told from another upload under a
		// reused key by finding its own event (retried).
		save.IdempotencyKey += "|" + uploadIdentity(cmd, sha)
	}
	if d.Exists() && meta.IdempotencyKey != "" {
		return h.retried(ctx, st, meta, save, sha, id)
	}
	up := doc.Upload{
		DocumentID: id, ClientID: cmd.ClientID, IntermediaryID: c.IntermediaryID(), WorkerID: cmd.WorkerID,
		Kind: cmd.Kind, Category: cmd.Category, Title: cmd.Title, FileName: cmd.FileName,
		ContentType: contentType, Size: int64(len(cmd.Content)), SHA256: sha, Invoice: cmd.Invoice,
	}
	events, err := d.Upload(actor, up, now)
	if err != nil {
		return commands.Result{}, "", err
	}
	if inv := events[0].(*doc.Uploaded).Invoice; inv != nil {
		if err := h.claimInvoiceNumber(ctx, cmd.ClientID, inv.Number, id, now); err != nil {
			return commands.Result{}, "", err
		}
		up.Invoice = inv // validated: the number as claimed
	}
	// The file first: an event must never name a file that is not there.
	// Rows are keyed by document and checksum, so a concurrent upload under
	// the same ID with other content writes a row of its own and can never
	// replace the bytes the winning event names; equal content shares one.
	if _, err := h.pool.Exec(ctx, `
		INSERT INTO document_files (document_id, content_type, size, sha256, content, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (document_id, sha256) DO NOTHING`,
		id, contentType, len(cmd.Content), sha, cmd.Content, now); err != nil {
		return commands.Result{}, "", fmt.Errorf("commands/document: unable to store the file: %w", err)
	}
	res, err := commands.Save(ctx, h.store, st, save, now, events...)
	if err != nil {
		return h.failedUpload(context.WithoutCancel(ctx), actor, id, sha, up, save, now, err)
	}
	return res, id, nil
}

// failedUpload sorts out an upload whose append failed. Only a lost race
// (another upload under the same ID appended first) is a verdict: the
// winner's retry of the same content answers with the stored document;
// other content is refused, and its file row, which no event can name
// any more, is removed. Any other failure leaves the outcome open (the
// append may still land, or a retry with the same content may be about to
// append and need the row), so the file is kept: an orphan row is never
// served, a missing file would break the document for good.
func (h *Handler) failedUpload(ctx context.Context, actor domain.Actor, id, sha string, up doc.Upload, save commands.Meta, now time.Time, appendErr error) (commands.Result, string, error) {
	if !errors.Is(appendErr, eventstore.ErrWrongExpectedRevision) {
		h.log.WarnContext(ctx, "commands/document: append of an upload failed; its file is kept", "document_id", id, "err", appendErr)
		return commands.Result{}, "", appendErr
	}
	d := &doc.Document{}
	st, err := commands.LoadInto(ctx, h.store, doc.Stream(id), doc.Events, d)
	if err != nil || !d.Exists() {
		h.log.WarnContext(ctx, "commands/document: upload lost a race it cannot read back; its file is kept", "document_id", id, "err", err)
		return commands.Result{}, "", appendErr
	}
	if save.IdempotencyKey != "" {
		res, _, found, err := commands.Replayed(ctx, h.store, st, doc.Events, save)
		if err != nil {
			return commands.Result{}, "", err
		}
		if found {
			return res, id, nil
		}
	}
	if !d.HasFile(sha) {
		if _, err := h.pool.Exec(ctx, `DELETE FROM document_files WHERE document_id = $1 AND sha256 = $2`, id, sha); err != nil {
			h.log.ErrorContext(ctx, "commands/document: unable to remove the file of a failed upload", "document_id", id, "err", err)
		}
	}
	// The number this upload claimed for id, unless the winner under id is
	// an invoice of that number itself (the loser may have the winner's
	// file and another number).
	if up.Invoice != nil && invoiceNumberKey(d.InvoiceNumber()) != invoiceNumberKey(up.Invoice.Number) {
		h.releaseInvoiceNumber(ctx, up.ClientID, up.Invoice.Number, id)
	}
	if save.IdempotencyKey != "" {
		return commands.Result{}, "", ErrUploadKeyReused
	}
	_, err = d.Upload(actor, up, now) // the stored document: "document_exists"
	return commands.Result{}, "", err
}

// ErrUploadKeyReused refuses another upload under the idempotency key of
// one that is stored (API: another body under the Idempotency-Key; portal:
// the form sent again with other values after the browser's back button).
var ErrUploadKeyReused = domain.Rule("idempotency_key_reused", "Idempotency-Key",
	"This Idempotency-Key was used for another upload, which is stored. Use a new key for another document.",
	"Dit formulier is al verzonden met andere gegevens; dat document is opgeslagen. Verstuur het formulier opnieuw om nog een document aan te bieden.")

// retried answers an upload under the key of a stored document: with the
// document when it is this upload's retry (the stream holds the event
// its key derives), else ErrUploadKeyReused. An upload stored before the
// event ID named the whole upload derived it from the key and the content
// alone (legacyUploadKey): the same content is its retry, as it was then
// (the demo's seeding repeats its uploads at every start).
func (h *Handler) retried(ctx context.Context, st commands.Stream, meta, save commands.Meta, sha, id string) (commands.Result, string, error) {
	for _, m := range []commands.Meta{save, legacyUploadKey(meta, sha)} {
		res, _, found, err := commands.Replayed(ctx, h.store, st, doc.Events, m)
		if err != nil {
			return commands.Result{}, "", err
		}
		if found {
			return res, id, nil
		}
	}
	return commands.Result{}, "", ErrUploadKeyReused
}

// legacyUploadKey is the key the event IDs of uploads stored before
// uploadIdentity were derived from.
// WARNING: keep it while such uploads may be retried or seeded again.
func legacyUploadKey(meta commands.Meta, sha string) commands.Meta {
	meta.IdempotencyKey += "|" + sha
	return meta
}

// uploadIdentity names everything an upload asked for, the content by its
// checksum: what makes a second request under the key a retry of the first.
func uploadIdentity(cmd Upload, sha string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%q|%q|%q|%q|%q|%q|%s", cmd.ClientID, cmd.WorkerID, cmd.Kind, cmd.Category, cmd.Title, cmd.FileName, sha)
	if inv := cmd.Invoice; inv != nil {
		fmt.Fprintf(h, "|%q|%s|%d", inv.Number, inv.Date.UTC().Format(time.RFC3339), inv.AmountCents)
	}
	return hex.EncodeToString(h.Sum(nil))
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
