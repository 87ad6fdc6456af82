package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Purpose says what a single-use token is for. Stored: never rename.
type Purpose string

const (
	PurposeActivation    Purpose = "activation"
	PurposePasswordReset Purpose = "password_reset"
)

func (s *Service) ttl(p Purpose) (time.Duration, error) {
	switch p {
	case PurposeActivation:
		return s.cfg.ActivationTTL, nil
	case PurposePasswordReset:
		return s.cfg.ResetTTL, nil
	}
	return 0, fmt.Errorf("auth: unknown token purpose %q", p)
}

// IssueToken creates a single-use token for an account: 256 random bits,
// base64url, for a link in an activation or reset mail. Only its SHA-256
// is stored. Older unused tokens of the same purpose stop working. Unknown
// and disabled accounts get ErrAccountNotFound.
func (s *Service) IssueToken(ctx context.Context, accountID string, purpose Purpose, now time.Time) (string, time.Time, error) {
	return s.IssueTokenIn(ctx, s.pool, accountID, purpose, now)
}

// Beginner is a pool or a transaction (a nested one is a savepoint).
type Beginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// IssueTokenIn is IssueToken inside the caller's transaction (or pool), so
// it commits with the caller's other writes, on the caller's connection.
func (s *Service) IssueTokenIn(ctx context.Context, db Beginner, accountID string, purpose Purpose, now time.Time) (string, time.Time, error) {
	ttl, err := s.ttl(purpose)
	if err != nil {
		return "", time.Time{}, err
	}
	plain, hash := newSecret()
	expires := now.Add(ttl)
	err = pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		var disabled bool
		err := tx.QueryRow(ctx, `SELECT disabled FROM credentials WHERE account_id = $1 FOR UPDATE`, accountID).Scan(&disabled)
		if errors.Is(err, pgx.ErrNoRows) || (err == nil && disabled) {
			return ErrAccountNotFound
		}
		if err != nil {
			return fmt.Errorf("auth: unable to read account %s: %w", accountID, err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM auth_tokens WHERE account_id = $1 AND purpose = $2 AND used_at IS NULL`,
			accountID, string(purpose)); err != nil {
			return fmt.Errorf("auth: unable to revoke older tokens: %w", err)
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO auth_tokens (token_hash, account_id, purpose, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5)`, hash, accountID, string(purpose), now, expires); err != nil {
			return fmt.Errorf("auth: unable to store token: %w", err)
		}
		return nil
	})
	if err != nil {
		return "", time.Time{}, err
	}
	return plain, expires, nil
}

// ConsumeToken redeems a single-use token: it sets newPassword, marks the
// token used, ends every session of the account and clears its failed
// logins, all in one transaction, and returns the account ID. An unknown,
// expired, used or wrong-purpose token, or one of a disabled account, gives
// ErrTokenInvalid; a password that breaks the length rules gives its own
// error and leaves the token unused.
func (s *Service) ConsumeToken(ctx context.Context, plaintext string, purpose Purpose, newPassword string, now time.Time) (string, error) {
	if _, err := s.ttl(purpose); err != nil {
		return "", err
	}
	if err := ValidatePassword(newPassword); err != nil {
		return "", err
	}
	if !validSecret(plaintext) {
		return "", ErrTokenInvalid
	}
	// The new password is hashed before the transaction (argon2 is slow,
	// and the transaction locks the account's credentials row), once the
	// token looks redeemable: an unknown token costs no hash. The
	// transaction checks it again under its locks.
	var live bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT FROM auth_tokens
		WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3)`,
		hashSecret(plaintext), string(purpose), now).Scan(&live); err != nil {
		return "", fmt.Errorf("auth: unable to read token: %w", err)
	}
	if !live {
		return s.resubmitted(ctx, plaintext, purpose, newPassword, now)
	}
	hash := hashPassword(newPassword, s.cfg.Params)
	var accountID string
	defer sessionsChanged() // after the commit: the account's sessions end at once
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var (
			expires  time.Time
			used     *time.Time
			email    string
			disabled bool
		)
		// Lock in the same order as IssueToken (credentials row, then the
		// account's tokens), or the two can deadlock: find the account
		// without a lock first, then lock and re-read.
		err := tx.QueryRow(ctx, `SELECT account_id FROM auth_tokens WHERE token_hash = $1 AND purpose = $2`,
			hashSecret(plaintext), string(purpose)).Scan(&accountID)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrTokenInvalid
		}
		if err != nil {
			return fmt.Errorf("auth: unable to read token: %w", err)
		}
		err = tx.QueryRow(ctx, `SELECT email, disabled FROM credentials WHERE account_id = $1 FOR UPDATE`, accountID).
			Scan(&email, &disabled)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrTokenInvalid
		}
		if err != nil {
			return fmt.Errorf("auth: unable to read account: %w", err)
		}
		// A concurrent IssueToken may have replaced the token meanwhile.
		err = tx.QueryRow(ctx, `SELECT expires_at, used_at FROM auth_tokens
			WHERE token_hash = $1 AND purpose = $2 AND account_id = $3 FOR UPDATE`,
			hashSecret(plaintext), string(purpose), accountID).Scan(&expires, &used)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrTokenInvalid
		}
		if err != nil {
			return fmt.Errorf("auth: unable to read token: %w", err)
		}
		if used != nil || !now.Before(expires) || disabled {
			return ErrTokenInvalid
		}
		if _, err := tx.Exec(ctx, `UPDATE auth_tokens SET used_at = $2 WHERE token_hash = $1`, hashSecret(plaintext), now); err != nil {
			return fmt.Errorf("auth: unable to mark token used: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE credentials SET password_hash = $2, updated_at = $3 WHERE account_id = $1`,
			accountID, hash, now); err != nil {
			return fmt.Errorf("auth: unable to store password: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE account_id = $1`, accountID); err != nil {
			return fmt.Errorf("auth: unable to end sessions: %w", err)
		}
		// A reset proves the owner: lift the account's delays everywhere.
		if _, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE key = $1
			OR (key LIKE 'pair:%' AND right(key, length($2) + 1) = ' ' || $2)`, accountKey(email), email); err != nil {
			return fmt.Errorf("auth: unable to clear failed logins: %w", err)
		}
		return nil
	})
	if errors.Is(err, ErrTokenInvalid) {
		// A concurrent submission of the same form may have redeemed it.
		return s.resubmitted(ctx, plaintext, purpose, newPassword, now)
	}
	if err != nil {
		return "", err
	}
	return accountID, nil
}

// ResubmitWindow is how long after a link was redeemed the same form, sent
// again with the same password, is answered as the first (ErrTokenResubmitted).
const ResubmitWindow = 2 * time.Minute

// ErrTokenResubmitted: the link was redeemed by a submission of the same
// password at most ResubmitWindow ago (a double click, a reload after a lost
// answer). ConsumeToken returns the account ID with it and changes nothing;
// the caller answers as it did the first time.
var ErrTokenResubmitted = errors.New("auth: the link was redeemed by the same password just now")

// resubmitted tells ErrTokenResubmitted from ErrTokenInvalid for a token
// that is not redeemable: only a token used within ResubmitWindow, of an
// enabled account whose password is newPassword, is a resubmission. The
// password check costs an argon2 hash, and only for such a token.
func (s *Service) resubmitted(ctx context.Context, plaintext string, purpose Purpose, newPassword string, now time.Time) (string, error) {
	var (
		accountID, hash string
		disabled        bool
	)
	err := s.pool.QueryRow(ctx, `SELECT t.account_id, c.password_hash, c.disabled FROM auth_tokens t
		JOIN credentials c ON c.account_id = t.account_id
		WHERE t.token_hash = $1 AND t.purpose = $2 AND t.used_at IS NOT NULL AND t.used_at <= $3 AND t.used_at > $4`,
		hashSecret(plaintext), string(purpose), now, now.Add(-ResubmitWindow)).Scan(&accountID, &hash, &disabled)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && disabled) {
		return "", ErrTokenInvalid
	}
	if err != nil {
		return "", fmt.Errorf("auth: unable to read token: %w", err)
	}
	if ok, err := VerifyPassword(newPassword, hash); err != nil || !ok {
		return "", ErrTokenInvalid
	}
	return accountID, ErrTokenResubmitted
}
