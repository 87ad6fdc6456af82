package document

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"backoffice/commands"
	"backoffice/domain/account"
	doc "backoffice/domain/document"
	"backoffice/domain/validate"
	"backoffice/eventstore"
)

// requestNamespace seeds request IDs derived from idempotency keys.
// WARNING: changing it breaks retries in flight.
var requestNamespace = uuid.MustParse("0f6b8a52-4d1e-4c7a-9b3e-7a2d5c9e1f40")

// RequestSignature asks a client user to sign document id (back office
// only). The signer must be an enabled user of the document's client. The
// TAN and the mail follow from the event (SignMailer). It returns the
// request's ID.
func (h *Handler) RequestSignature(ctx context.Context, meta commands.Meta, id, signerAccountID string) (commands.Result, string, error) {
	return h.RequestSignatureWithReason(ctx, meta, id, signerAccountID, "")
}

// RequestSignatureWithReason is RequestSignature with the back office's
// reason, required once doc.MaxTANReissues codes of the document were
// blocked (ErrTANReissueLimit without one). Such a request is recorded with
// its reason in the event and logged.
func (h *Handler) RequestSignatureWithReason(ctx context.Context, meta commands.Meta, id, signerAccountID, reason string) (commands.Result, string, error) {
	res, requestID, err := h.requestSignature(ctx, meta, id, signerAccountID, reason)
	for attempt := 1; attempt < 3 && errors.Is(err, eventstore.ErrWrongExpectedRevision); attempt++ {
		// The stream moved meanwhile (the TAN recorder's tan_issued, the
		// signer opening the signing screen, a new version): decide again
		// on it, as AddVersion does, rather than answer the back office
		// that someone else changed the document.
		res, requestID, err = h.requestSignature(ctx, meta, id, signerAccountID, reason)
	}
	return res, requestID, err
}

func (h *Handler) requestSignature(ctx context.Context, meta commands.Meta, id, signerAccountID, reason string) (commands.Result, string, error) {
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
	if res, requestID, found, err := h.requestedBefore(ctx, meta, d, st); err != nil || found {
		return res, requestID, err
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
		// A retry of the same decision (same revision) gets the same ID, a
		// new request under a reused key (after the expiry, or past the
		// idempotency retention) a new one: its TAN and mail are keyed by it.
		requestID = uuid.NewSHA1(requestNamespace, []byte(fmt.Sprintf("%s|%d|%s", id, st.Revision, meta.IdempotencyKey))).String()
	}
	blocked := false
	if r := d.Request(); r.ID != "" {
		err := h.pool.QueryRow(ctx, tanBlockedSQL, r.ID, MaxTANAttempts).Scan(&blocked)
		if err != nil {
			return commands.Result{}, "", fmt.Errorf("commands/document: unable to read the TAN state: %w", err)
		}
	}
	var blockedCodes int
	if err := h.pool.QueryRow(ctx, `SELECT count(*) FROM document_tans WHERE document_id = $1 AND attempts >= $2`,
		id, MaxTANAttempts).Scan(&blockedCodes); err != nil {
		return commands.Result{}, "", fmt.Errorf("commands/document: unable to count blocked TANs: %w", err)
	}
	now := h.clock()
	events, err := d.RequestSignatureAfterBlocks(meta.Actor, requestID, signer, blocked, blockedCodes, reason, now)
	if err != nil {
		return commands.Result{}, "", err
	}
	if events[0].(*doc.SignatureRequested).ReissueReason != "" {
		h.log.WarnContext(ctx, "document: signature requested again after blocked codes",
			"document_id", id, "blocked_codes", blockedCodes, "actor", meta.Actor.AccountID, "request_id", requestID)
	}
	save := requestMeta(meta, d.Request().ID)
	res, err := commands.Save(ctx, h.store, st, save, now, events...)
	if err != nil {
		return commands.Result{}, "", err
	}
	return res, requestID, nil
}

// requestMeta is the meta a request is saved with: a new request under a
// reused key (the one before it expired or was blocked) is a new command,
// not a retry of the first, so the request it follows names it.
func requestMeta(meta commands.Meta, before string) commands.Meta {
	if meta.IdempotencyKey != "" {
		meta.Command += "|after request " + before
	}
	return meta
}

// requestedBefore finds, for a retry, the latest request when its first
// attempt made it (and lost its answer): then found is true with that
// attempt's result and request ID, instead of deciding again on a state
// where the request is open (409 signature_request_open).
func (h *Handler) requestedBefore(ctx context.Context, meta commands.Meta, d *doc.Document, st commands.Stream) (commands.Result, string, bool, error) {
	if !meta.Retry || meta.IdempotencyKey == "" || d.Request().ID == "" {
		return commands.Result{}, "", false, nil
	}
	res, events, found, err := commands.Replayed(ctx, h.store, st, doc.Events, requestMeta(meta, d.PreviousRequestID()))
	if err != nil || !found {
		return commands.Result{}, "", false, err
	}
	if e, ok := events[0].(*doc.SignatureRequested); ok && e.RequestID == d.Request().ID {
		return res, e.RequestID, true, nil
	}
	return commands.Result{}, "", false, nil
}
