package document

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"backoffice/commands"
	"backoffice/domain"
	doc "backoffice/domain/document"
	"backoffice/eventstore"
)

// TANIssuer issues the TAN and the unique signing link of each signature
// request (this package owns document_tans and document_sign_links) and
// records where the TAN went (document.tan_issued). The side-effect
// projector that sends them (notify/reactors.SignMailer) calls Issue in its
// transaction, keyed by the request event's ID, so a request gets exactly
// one TAN however often the event is handled, and Record after that
// transaction committed.
type TANIssuer struct {
	store  eventstore.Store
	tanKey []byte
	now    func() time.Time
}

// NewTANIssuer returns the issuer. masterKey is the identity vault's
// master key (the TAN key is derived from it, as the Handler does).
func NewTANIssuer(store eventstore.Store, masterKey []byte, clock func() time.Time) (*TANIssuer, error) {
	if store == nil || len(masterKey) != 32 {
		return nil, errors.New("commands/document: NewTANIssuer needs a store and a 32-byte master key")
	}
	if clock == nil {
		clock = time.Now
	}
	return &TANIssuer{store: store, tanKey: TANKey(masterKey), now: clock}, nil
}

// IssuedTAN is a new TAN and signing-link token in clear: to be sent once,
// never stored or logged.
type IssuedTAN struct {
	TAN   string
	Token string // the signing link's token (Links.Sign)
}

// Issue stores a new TAN and signing link for the request of event
// eventID in tx (only their keyed hash and hash). ok is false for a replay
// of the event: issued and sent before, nothing to send. Another event
// naming a request that has a TAN already violates the primary key: an
// error (the projector stops and retries), never a request without TAN.
func (i *TANIssuer) Issue(ctx context.Context, tx pgx.Tx, eventID uuid.UUID, ev *doc.SignatureRequested) (IssuedTAN, bool, error) {
	out := IssuedTAN{TAN: NewTAN()}
	token, tokenHash := newSignToken()
	out.Token = token
	tag, err := tx.Exec(ctx, `INSERT INTO document_tans (request_id, document_id, signer_account_id, event_id, tan_hash, expires_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_id) DO NOTHING`,
		ev.RequestID, ev.DocumentID, ev.SignerAccountID, eventID, hashTAN(i.tanKey, ev.RequestID, out.TAN), ev.ExpiresAt, i.now())
	if err != nil {
		return IssuedTAN{}, false, fmt.Errorf("commands/document: unable to store the TAN of request %s (event %s): %w", ev.RequestID, eventID, err)
	}
	if tag.RowsAffected() == 0 {
		return IssuedTAN{}, false, nil
	}
	if _, err := tx.Exec(ctx, `INSERT INTO document_sign_links (token_hash, request_id, document_id, signer_account_id, event_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, tokenHash, ev.RequestID, ev.DocumentID, ev.SignerAccountID, eventID, i.now()); err != nil {
		return IssuedTAN{}, false, fmt.Errorf("commands/document: unable to store the signing link of request %s: %w", ev.RequestID, err)
	}
	return out, true, nil
}

// System is the actor that issues TANs.
var System = domain.Actor{AccountID: "system", Role: domain.RoleSystem}

// Record appends document.tan_issued, decided by the caller
// (doc.Document.IssueTAN with System), on the document's stream as it is
// now. Its ID comes from the request event's (eventID), so a repeat after
// a lost answer appends nothing twice; a request answered or replaced
// meanwhile, or whose issue is recorded already, records nothing, and a
// concurrent append to the stream (the signer's answer) is retried on the
// new revision.
//
// Call it with no transaction open: the append waits for the stream's
// lock, and a transaction with a transaction ID open meanwhile would keep
// every reader of the PostgreSQL event store from the events committed
// after it began (notify/reactors queues the record in its transaction and
// calls Record after the commit).
func (i *TANIssuer) Record(ctx context.Context, eventID uuid.UUID, issued *doc.TANIssued) error {
	if issued == nil {
		return nil
	}
	meta := commands.Meta{Actor: System, IdempotencyKey: eventID.String(), Command: doc.TypeTANIssued}
	for attempt := 0; ; attempt++ {
		d := &doc.Document{}
		st, err := commands.LoadInto(ctx, i.store, doc.Stream(issued.DocumentID), doc.Events, d)
		if err != nil {
			return fmt.Errorf("commands/document: %w", err)
		}
		if d.Request().ID != issued.RequestID || d.Request().TANIssued {
			return nil // answered or replaced meanwhile, or recorded by an earlier attempt
		}
		_, err = commands.Save(ctx, i.store, st, meta, i.now(), issued)
		if err == nil || errors.Is(err, eventstore.ErrDuplicateEventID) {
			return nil
		}
		if !errors.Is(err, eventstore.ErrWrongExpectedRevision) || attempt >= 2 {
			return fmt.Errorf("commands/document: unable to record the TAN issue: %w", err)
		}
	}
}
