package document

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"backoffice/commands"
	"backoffice/domain"
	doc "backoffice/domain/document"
	"backoffice/eventstore"
)

// Signature is the signing screen's form (manual §5.2).
type Signature struct {
	TAN           string // the 4-letter code from the mail
	Remark        string // optional, for the back office (at most 1000 characters)
	ReadConfirmed bool   // "ik heb het document gelezen"; required to sign
	// ConsentLanguage is the language the consent text was shown in
	// (doc.ConsentText); its hash is recorded with the answer.
	ConsentLanguage string
	// Client is the signer's connection, sealed into the evidence.
	Client doc.ClientInfo
}

// Errors of the TAN check.
var (
	ErrTANWrong = domain.Invalid("tan_wrong", "tan", "The verification code is not correct.",
		"De verificatiecode is onjuist.")
	ErrTANRequired = domain.Invalid("required", "tan", "Enter the verification code from the e-mail.",
		"Vul de verificatiecode uit de e-mail in.")
	ErrTANBlocked = &domain.Error{Kind: domain.KindTooMany, Code: "tan_blocked", Field: "tan",
		Message:   "The verification code was entered wrongly too often; ask Backofficebureau for a new code.",
		MessageNL: "De verificatiecode is te vaak onjuist ingevuld; vraag Backofficebureau om een nieuwe code."}
)

// wrongTAN is ErrTANWrong (same code and field) saying how many tries are
// left before the request is blocked: the signer should know that the next
// mistakes count.
func wrongTAN(left int) error {
	en := fmt.Sprintf("The verification code is not correct; %d attempts left.", left)
	if left == 1 {
		en = "The verification code is not correct; 1 attempt left."
	}
	return domain.Invalid(ErrTANWrong.Code, ErrTANWrong.Field, en,
		fmt.Sprintf("%s U kunt het nog %d keer proberen.", ErrTANWrong.MessageNL, left))
}

// Sign is "Akkoord": the signer signs the open request of document id.
func (h *Handler) Sign(ctx context.Context, meta commands.Meta, id string, in Signature) (commands.Result, error) {
	return h.decide(ctx, meta, id, in, (*doc.Document).Sign)
}

// Decline is "Niet akkoord": the signer refuses; the back office gets a mail.
func (h *Handler) Decline(ctx context.Context, meta commands.Meta, id string, in Signature) (commands.Result, error) {
	return h.decide(ctx, meta, id, in, (*doc.Document).Decline)
}

type decision func(*doc.Document, domain.Actor, doc.Decision, time.Time) ([]domain.Event, error)

// ErrAnsweredMeanwhile: another submission (a second tab) holds or has
// just used the TAN; only one answer can be recorded.
var ErrAnsweredMeanwhile = domain.Conflict("signature_answered_meanwhile",
	"The request is being answered, or has just been answered, in another window; reload the page.",
	"Op het verzoek wordt in een ander venster al gereageerd, of is zojuist gereageerd; laad de pagina opnieuw.")

// tanClaimLease is how long a checked TAN stays claimed by the submission
// that checked it, while that one appends. A claim older than this whose
// request is still open (the append failed and the release was lost, or
// the process died) no longer blocks the signer.
const tanClaimLease = time.Minute

// decide lets the aggregate decide first (who, which request, the form),
// so a mistake in the form costs no TAN attempt; then it checks the TAN and
// claims it in a short transaction of its own, and appends after that
// transaction has ended: no connection is held while the append waits for
// one from the same pool. Two correct submissions at once: one claims the
// TAN, the other gets ErrAnsweredMeanwhile; and both decided on the same
// revision, so at most one append can succeed anyway.
func (h *Handler) decide(ctx context.Context, meta commands.Meta, id string, in Signature, fn decision) (commands.Result, error) {
	d, st, err := h.load(ctx, meta.Actor, id)
	if err != nil {
		return commands.Result{}, err
	}
	if meta.Retry {
		// The first attempt may have recorded the answer and lost its
		// reply: answer with it, not "no open request" (the signer would
		// believe the signature failed).
		if res, _, found, err := commands.Replayed(ctx, h.store, st, doc.Events, meta); err != nil || found {
			return res, err
		}
	}
	now := h.clock()
	dec := doc.Decision{Remark: in.Remark, ReadConfirmed: in.ReadConfirmed, ConsentSHA256: doc.ConsentSHA256(in.ConsentLanguage)}
	if _, err := fn(d, meta.Actor, dec, now); err != nil {
		return commands.Result{}, err // the form first: a mistake in it costs no TAN attempt
	}
	tan := NormalizeTAN(in.TAN)
	if tan == "" {
		return commands.Result{}, ErrTANRequired
	}
	dec.Client = h.seal(ctx, meta.Actor.AccountID, in.Client)
	requestID := d.Request().ID
	claim, attempts, err := h.claimTAN(ctx, requestID, id, meta.Actor.AccountID, tan, tanClaimant(meta))
	if attempts > 0 && (errors.Is(err, ErrTANWrong) || errors.Is(err, ErrTANBlocked)) {
		h.recordRejected(ctx, meta, id, requestID, attempts, errors.Is(err, ErrTANBlocked), dec.Client)
	}
	if err != nil {
		return commands.Result{}, err
	}
	res, err := h.saveAnswer(ctx, meta, id, d, st, requestID, dec, fn)
	if errors.Is(err, eventstore.ErrWrongExpectedRevision) || errors.Is(err, errAnsweredMeanwhile) {
		// Another submission answered, or the request ended meanwhile.
		// The TAN stays used.
		return commands.Result{}, ErrAnsweredMeanwhile
	}
	if err != nil {
		// Not recorded (or not known to be): the signer may try again. Had
		// the append landed after all, the request is no longer open and
		// the aggregate refuses a second answer.
		if _, rerr := h.pool.Exec(context.WithoutCancel(ctx), `UPDATE document_tans SET used_at = NULL
			WHERE request_id = $1 AND used_at = $2`, requestID, claim); rerr != nil {
			h.log.ErrorContext(ctx, "commands/document: unable to release a TAN after a failed append", "document_id", id, "err", rerr)
		}
		return commands.Result{}, err
	}
	return res, nil
}

var errAnsweredMeanwhile = errors.New("the request was answered or replaced meanwhile")

// saveAnswer appends the answer decided on d. Evidence events (the signing
// screen opened in another tab) may have moved the stream since the load:
// then the answer is decided again on the fresh state, as long as the same
// request is still open; the claimed TAN keeps any other answer out.
func (h *Handler) saveAnswer(ctx context.Context, meta commands.Meta, id string, d *doc.Document, st commands.Stream,
	requestID string, dec doc.Decision, fn decision) (commands.Result, error) {
	var err error
	for range maxEvidenceTries {
		now := h.clock()
		var events []domain.Event
		if d.Request().ID != requestID {
			return commands.Result{}, errAnsweredMeanwhile
		}
		if events, err = fn(d, meta.Actor, dec, now); err != nil {
			return commands.Result{}, errAnsweredMeanwhile
		}
		var res commands.Result
		res, err = commands.Save(ctx, h.store, st, meta, now, events...)
		if !errors.Is(err, eventstore.ErrWrongExpectedRevision) {
			return res, err
		}
		if d, st, err = h.load(ctx, meta.Actor, id); err != nil {
			return commands.Result{}, err
		}
	}
	return commands.Result{}, err
}

// tanClaimant names the submission that claims a TAN: its actor,
// idempotency key and request; "" without a key (every submission is
// another then).
func tanClaimant(meta commands.Meta) string {
	if meta.IdempotencyKey == "" {
		return ""
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "%q|%q|%q", meta.Actor.AccountID, meta.IdempotencyKey, meta.Command))
	return hex.EncodeToString(sum[:])
}

// claimTAN checks the TAN of the request with its row locked, in a
// transaction of its own: a wrong TAN counts an attempt (and may block the
// request), the right one is marked used (claimed) so no other submission
// can use it. A claim held by the same submission (claimant: its retry,
// after the first attempt died between the claim and the append) is taken
// over: both would append the same events (their IDs come from the key),
// so at most one answer is recorded. It returns the claim's time, which
// identifies it.
func (h *Handler) claimTAN(ctx context.Context, requestID, documentID, signer, tan, claimant string) (time.Time, int, error) {
	var (
		claim          time.Time
		wrong, blocked bool
		attempts       int
	)
	err := pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		var (
			hash    []byte
			claimed bool
		)
		err := tx.QueryRow(ctx, `SELECT tan_hash, attempts, used_at IS NOT NULL AND used_at > clock_timestamp() - $4::interval
				AND claimed_by IS DISTINCT FROM $5
			FROM document_tans WHERE request_id = $1 AND document_id = $2 AND signer_account_id = $3
			FOR UPDATE`, requestID, documentID, signer, tanClaimLease, nullIfEmpty(claimant)).Scan(&hash, &attempts, &claimed)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrTANWrong // not issued yet: nobody can know it
		}
		if err != nil {
			return fmt.Errorf("commands/document: unable to read the TAN: %w", err)
		}
		if attempts >= MaxTANAttempts {
			attempts = 0 // no new attempt counted
			return ErrTANBlocked
		}
		if subtle.ConstantTimeCompare(hash, hashTAN(h.tanKey, requestID, tan)) != 1 {
			wrong = true
			err := tx.QueryRow(ctx, `UPDATE document_tans SET attempts = attempts + 1 WHERE request_id = $1
				RETURNING attempts`, requestID).Scan(&attempts)
			if err != nil {
				return fmt.Errorf("commands/document: unable to count a wrong TAN: %w", err)
			}
			blocked = attempts >= MaxTANAttempts
			return nil // commit the count
		}
		if claimed {
			return ErrAnsweredMeanwhile
		}
		err = tx.QueryRow(ctx, `UPDATE document_tans SET used_at = clock_timestamp(), claimed_by = $2 WHERE request_id = $1
			RETURNING used_at`, requestID, nullIfEmpty(claimant)).Scan(&claim)
		if err != nil {
			return fmt.Errorf("commands/document: unable to claim the TAN: %w", err)
		}
		return nil
	})
	switch {
	case err != nil:
		if !errors.Is(err, ErrTANWrong) {
			attempts = 0
		}
		return time.Time{}, attempts, err
	case blocked:
		return time.Time{}, attempts, ErrTANBlocked // this was the last try
	case wrong:
		return time.Time{}, attempts, wrongTAN(MaxTANAttempts - attempts)
	}
	return claim, 0, nil
}

// nullIfEmpty is s, or NULL for "".
func nullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
