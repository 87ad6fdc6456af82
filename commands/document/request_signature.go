package document

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"backoffice/commands"
	"backoffice/domain/account"
	doc "backoffice/domain/document"
	"backoffice/domain/validate"
)

// RequestSignature asks a client user to sign document id (back office
// only). The signer must be an enabled user of the document's client. The
// TAN and the mail follow from the event (SignMailer). It returns the
// request's ID.
func (h *Handler) RequestSignature(ctx context.Context, meta commands.Meta, id, signerAccountID string) (commands.Result, string, error) {
	d, st, err := h.load(ctx, meta.Actor, id)
	if err != nil {
		return commands.Result{}, "", err
	}
	if !account.IsStaff(meta.Actor) {
		return commands.Result{}, "", doc.Forbidden
	}
	if err := validate.ID("signer_account_id", signerAccountID); err != nil {
		return commands.Result{}, "", err
	}
	acc := &account.Account{}
	if _, err := commands.LoadInto(ctx, h.store, account.Stream(signerAccountID), account.Events, acc); err != nil {
		return commands.Result{}, "", fmt.Errorf("commands/document: signer %s: %w", signerAccountID, err)
	}
	signer := doc.Signer{}
	if acc.Exists() {
		signer = doc.Signer{AccountID: acc.ID(), Role: acc.Role(), ClientID: acc.Actor().ClientID, Enabled: !acc.Disabled()}
	}
	requestID := uuid.NewString()
	if meta.IdempotencyKey != "" {
		requestID = uuid.NewSHA1(uploadNamespace, []byte(meta.Actor.AccountID+"|request|"+meta.IdempotencyKey)).String()
	}
	blocked := false
	if r := d.Request(); r.ID != "" {
		err := h.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM document_tans WHERE request_id = $1 AND attempts >= $2)`,
			r.ID, MaxTANAttempts).Scan(&blocked)
		if err != nil {
			return commands.Result{}, "", fmt.Errorf("commands/document: unable to read the TAN state: %w", err)
		}
	}
	now := h.clock()
	events, err := d.RequestSignature(meta.Actor, requestID, signer, blocked, now)
	if err != nil {
		return commands.Result{}, "", err
	}
	res, err := commands.Save(ctx, h.store, st, meta, now, events...)
	if err != nil {
		return commands.Result{}, "", err
	}
	return res, requestID, nil
}
