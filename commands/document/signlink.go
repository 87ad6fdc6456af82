package document

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"

	"github.com/jackc/pgx/v5"

	"backoffice/domain"
)

// The signing link (manual §5.1, "de unieke link"): the mail's URL carries
// a random token of 256 bits; document_sign_links keeps its SHA-256 (a
// token this long needs no key), bound to one request and one signer.
// OpenSignLink is the only way to the signing screen.

// signTokenPattern is the shape of a token: 32 bytes, base64url.
var signTokenPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

// newSignToken returns a random token and its hash.
func newSignToken() (string, []byte) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	t := base64.RawURLEncoding.EncodeToString(b)
	return t, hashSignToken(t)
}

func hashSignToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// Errors of OpenSignLink.
var (
	ErrSignLinkUnknown = domain.NotFound("sign_link_unknown",
		"This signing link is not known. Use the link in the latest e-mail.",
		"Deze ondertekeningslink is onbekend. Gebruik de link uit de laatste e-mail.")
	ErrSignLinkNotYours = domain.Forbidden("sign_link_not_yours",
		"This signing link is meant for another user. Log in as the person the e-mail was sent to.",
		"Deze ondertekeningslink is bestemd voor een andere gebruiker. Log in als degene aan wie de e-mail is gestuurd.")
	ErrSignLinkReplaced = domain.Rule("sign_link_replaced", "",
		"This link belongs to an earlier signature request. Use the link in the latest e-mail.",
		"Deze link hoort bij een eerder verzoek tot ondertekening. Gebruik de link uit de laatste e-mail.")
)

// OpenSignLink checks the token of a signing link for actor: it must have
// been issued for document id, to actor, for the document's latest
// request. A token that is unknown, or of another document, is
// ErrSignLinkUnknown; for a user who may not see the document it does not
// exist (domain.ErrNotFound); another user of the client gets
// ErrSignLinkNotYours; a token of an earlier request
// ErrSignLinkReplaced. Whether the request is still open is the signing
// screen's business (it says so).
func (h *Handler) OpenSignLink(ctx context.Context, actor domain.Actor, id, token string) error {
	if !signTokenPattern.MatchString(token) {
		return ErrSignLinkUnknown
	}
	var requestID, documentID, signer string
	err := h.pool.QueryRow(ctx, `SELECT request_id, document_id, signer_account_id FROM document_sign_links
		WHERE token_hash = $1`, hashSignToken(token)).Scan(&requestID, &documentID, &signer)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && documentID != id) {
		return ErrSignLinkUnknown
	}
	if err != nil {
		return fmt.Errorf("commands/document: unable to read a signing link: %w", err)
	}
	// Outside the actor's scope the document does not exist, link or not.
	d, _, err := h.load(ctx, actor, id)
	if err != nil {
		return err
	}
	if actor.AccountID == "" || actor.AccountID != signer {
		return ErrSignLinkNotYours
	}
	if d.Request().ID != requestID {
		return ErrSignLinkReplaced
	}
	return nil
}
