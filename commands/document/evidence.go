package document

import (
	"context"
	"errors"
	"fmt"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/domain/account"
	doc "backoffice/domain/document"
	"backoffice/eventstore"
)

// The signing evidence (issue 14 §8; docs/documents.md): the signing
// screen being opened and each wrong TAN are events of the document's
// stream, next to the request and the answer; the signer's connection in
// them is sealed with the signer's data key. IP addresses and user agents
// are never logged.

// seal encrypts the connection for the signer's account, nil when unknown
// or when no Sealer is configured. A failure to seal loses the connection
// from the evidence, never the signer's answer: it is logged (without the
// connection) and nil returned.
func (h *Handler) seal(ctx context.Context, signer string, c doc.ClientInfo) *doc.Sealed {
	if h.sealer == nil || signer == "" || c.Empty() {
		return nil
	}
	subject := account.Stream(signer)
	s, err := h.sealer.Seal(ctx, subject, c)
	if err != nil {
		h.log.WarnContext(ctx, "commands/document: unable to seal the signer's connection; recorded without it",
			"subject", subject, "err", err)
		return nil
	}
	return &doc.Sealed{Subject: subject, Ciphertext: s}
}

// maxEvidenceTries bounds appends of evidence that lost a race on the
// stream (another tab, the back office): each try reloads and decides again.
const maxEvidenceTries = 5

// appendDecided loads the document, lets decide choose the events on the
// fresh state and appends them, again on a fresh state when another append
// came first.
func (h *Handler) appendDecided(ctx context.Context, meta commands.Meta, id string,
	decide func(*doc.Document) ([]domain.Event, error)) (commands.Result, error) {
	var err error
	for range maxEvidenceTries {
		var (
			d   *doc.Document
			st  commands.Stream
			evs []domain.Event
			res commands.Result
		)
		if d, st, err = h.load(ctx, meta.Actor, id); err != nil {
			return commands.Result{}, err
		}
		if evs, err = decide(d); err != nil || len(evs) == 0 {
			return commands.Result{Revision: st.Revision}, err
		}
		res, err = commands.Save(ctx, h.store, st, meta, h.clock(), evs...)
		if !errors.Is(err, eventstore.ErrWrongExpectedRevision) {
			return res, err
		}
	}
	return commands.Result{}, err
}

// OpenSigning records that the signer opened the signing screen of document
// id (the portal's page the mail links to). Anyone else, or a request that
// cannot be answered, records nothing; only a failure to load is an error.
func (h *Handler) OpenSigning(ctx context.Context, meta commands.Meta, id string, client doc.ClientInfo) (commands.Result, error) {
	d, _, err := h.load(ctx, meta.Actor, id)
	if err != nil {
		return commands.Result{}, err
	}
	if d.CanDecide(meta.Actor, h.clock()) != nil || d.Request().Openings >= doc.MaxOpenings {
		return commands.Result{}, nil // nothing to record: do not seal either
	}
	sealed := h.seal(ctx, meta.Actor.AccountID, client)
	meta.IdempotencyKey = "" // every opening is one
	return h.appendDecided(ctx, meta, id, func(d *doc.Document) ([]domain.Event, error) {
		return d.OpenSigning(meta.Actor, sealed, h.clock())
	})
}

// recordRejected appends the wrong TAN the check counted. The count is
// already committed: a failure here loses the event, not the attempt, and
// is logged.
func (h *Handler) recordRejected(ctx context.Context, meta commands.Meta, id, requestID string, attempt int, blocked bool, sealed *doc.Sealed) {
	meta.IdempotencyKey = ""
	_, err := h.appendDecided(ctx, meta, id, func(d *doc.Document) ([]domain.Event, error) {
		return d.RejectTAN(meta.Actor, requestID, attempt, blocked, sealed)
	})
	if err != nil {
		h.log.ErrorContext(ctx, "commands/document: unable to record a wrong TAN in the ledger",
			"document_id", id, "request_id", requestID, "attempt", attempt, "err", fmt.Sprint(err))
	}
}
