package document

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"backoffice/commands"
	"backoffice/domain"
	doc "backoffice/domain/document"
	rmdocuments "backoffice/readmodel/documents"
)

// ErrInvoiceNumberTaken: the client has an invoice with this number already.
// An invoice number identifies one invoice of its issuer for good (Dutch
// bookkeeping); a correction is a credit note with a number of its own.
var ErrInvoiceNumberTaken = &domain.Error{Kind: domain.KindConflict, Code: "invoice_number_taken", Field: "invoice_number",
	Message:   "This client already has an invoice with this number. Use a new number (a correction is a credit note with a number of its own).",
	MessageNL: "Deze opdrachtgever heeft al een factuur met dit nummer. Gebruik een nieuw nummer (een correctie is een creditnota met een eigen nummer)."}

// invoiceClaimOrphanAge is how old a claim whose document was never
// appended (the process died in between) must be before another upload
// may take its number: far longer than an upload takes.
const invoiceClaimOrphanAge = 10 * time.Minute

// invoiceNumberKey is what makes two numbers the same: the validated
// number (spaces already collapsed) without regard to case.
func invoiceNumberKey(number string) string { return strings.ToLower(number) }

// claimInvoiceNumber claims number for documentID within clientID, in
// document_invoice_numbers (committed at once: the primary key decides
// between concurrent uploads, nobody waits on a lock). An invoice of the
// documents read model with that number (one uploaded before the table
// existed) takes it too. Claiming again for the same document is fine.
func (h *Handler) claimInvoiceNumber(ctx context.Context, clientID, number, documentID string, now time.Time) error {
	key := invoiceNumberKey(number)
	inReadModel, err := rmdocuments.InvoiceNumberUsed(ctx, h.pool, clientID, number, documentID)
	if err != nil {
		return err
	}
	if inReadModel {
		return ErrInvoiceNumberTaken
	}
	if _, err := h.pool.Exec(ctx, `INSERT INTO document_invoice_numbers (client_id, number_key, document_id, claimed_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, clientID, key, documentID, now); err != nil {
		return fmt.Errorf("commands/document: unable to claim the invoice number: %w", err)
	}
	var owner string
	var claimed time.Time
	if err := h.pool.QueryRow(ctx, `SELECT document_id, claimed_at FROM document_invoice_numbers WHERE client_id = $1 AND number_key = $2`,
		clientID, key).Scan(&owner, &claimed); err != nil {
		return fmt.Errorf("commands/document: unable to read the invoice number's claim: %w", err)
	}
	if owner == documentID {
		return nil
	}
	if now.Sub(claimed) < invoiceClaimOrphanAge {
		return ErrInvoiceNumberTaken
	}
	// An old claim whose document never came (a process that died between
	// claim and append) is taken over.
	d := &doc.Document{}
	if _, err := commands.LoadInto(ctx, h.store, doc.Stream(owner), doc.Events, d); err != nil {
		return fmt.Errorf("commands/document: %w", err)
	}
	if d.Exists() {
		return ErrInvoiceNumberTaken
	}
	tag, err := h.pool.Exec(ctx, `UPDATE document_invoice_numbers SET document_id = $3, claimed_at = $4
		WHERE client_id = $1 AND number_key = $2 AND document_id = $5`, clientID, key, documentID, now, owner)
	if err != nil {
		return fmt.Errorf("commands/document: unable to take over the invoice number's claim: %w", err)
	}
	if tag.RowsAffected() != 1 {
		return ErrInvoiceNumberTaken // another upload took it over first
	}
	return nil
}

// releaseInvoiceNumber drops documentID's claim of number (an upload whose
// append lost to another document under the same ID).
func (h *Handler) releaseInvoiceNumber(ctx context.Context, clientID, number, documentID string) {
	if _, err := h.pool.Exec(ctx, `DELETE FROM document_invoice_numbers WHERE client_id = $1 AND number_key = $2 AND document_id = $3`,
		clientID, invoiceNumberKey(number), documentID); err != nil && !errors.Is(err, pgx.ErrNoRows) {
		h.log.ErrorContext(ctx, "commands/document: unable to release an invoice number's claim", "document_id", documentID, "err", err)
	}
}
