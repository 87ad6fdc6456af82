package document

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"backoffice/commands"
	"backoffice/domain"
	doc "backoffice/domain/document"
)

// Signature is the signing screen's form (manual §5.2).
type Signature struct {
	TAN           string // the 4-letter code from the mail
	Remark        string // optional, for the back office (at most 1000 characters)
	ReadConfirmed bool   // "ik heb het document gelezen"; required to sign
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

// Sign is "Akkoord": the signer signs the open request of document id.
func (h *Handler) Sign(ctx context.Context, meta commands.Meta, id string, in Signature) (commands.Result, error) {
	return h.decide(ctx, meta, id, in, (*doc.Document).Sign)
}

// Decline is "Niet akkoord": the signer refuses; the back office gets a mail.
func (h *Handler) Decline(ctx context.Context, meta commands.Meta, id string, in Signature) (commands.Result, error) {
	return h.decide(ctx, meta, id, in, (*doc.Document).Decline)
}

type decision func(*doc.Document, domain.Actor, doc.Decision, time.Time) ([]domain.Event, error)

// decide lets the aggregate decide first (who, which request, the form),
// so a mistake in the form costs no TAN attempt; then it checks the TAN
// with its row locked and appends while holding the lock.
func (h *Handler) decide(ctx context.Context, meta commands.Meta, id string, in Signature, fn decision) (commands.Result, error) {
	d, st, err := h.load(ctx, meta.Actor, id)
	if err != nil {
		return commands.Result{}, err
	}
	now := h.clock()
	events, err := fn(d, meta.Actor, doc.Decision{Remark: in.Remark, ReadConfirmed: in.ReadConfirmed}, now)
	if err != nil {
		return commands.Result{}, err
	}
	tan := NormalizeTAN(in.TAN)
	if tan == "" {
		return commands.Result{}, ErrTANRequired
	}
	requestID := d.Request().ID
	var res commands.Result
	wrong, blocked := false, false
	err = pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		var (
			hash     []byte
			attempts int
		)
		err := tx.QueryRow(ctx, `SELECT tan_hash, attempts FROM document_tans
			WHERE request_id = $1 AND document_id = $2 AND signer_account_id = $3 AND used_at IS NULL
			FOR UPDATE`, requestID, id, meta.Actor.AccountID).Scan(&hash, &attempts)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrTANWrong // not issued yet: nobody can know it
		}
		if err != nil {
			return fmt.Errorf("commands/document: unable to read the TAN: %w", err)
		}
		if attempts >= MaxTANAttempts {
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
		res, err = commands.Save(ctx, h.store, st, meta, now, events...)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE document_tans SET used_at = $2 WHERE request_id = $1`, requestID, now)
		return err
	})
	if err != nil {
		return commands.Result{}, err
	}
	if wrong {
		if blocked {
			return commands.Result{}, ErrTANBlocked // this was the last try
		}
		return commands.Result{}, ErrTANWrong
	}
	return res, nil
}
