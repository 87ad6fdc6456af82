package auth

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Disable blocks an account's login at once: the credentials row is marked
// disabled and every session of the account ends, in one transaction.
// Pending activation and reset links fail from then on (their redemption
// checks the flag). An unknown account is not an error: the caller decides
// from the account's own stream whether it exists.
func (s *Service) Disable(ctx context.Context, accountID string) error {
	defer sessionsChanged() // after the commit: cached sessions end at once too
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE credentials SET disabled = true, updated_at = now() WHERE account_id = $1`, accountID); err != nil {
			return fmt.Errorf("auth: unable to disable account: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE account_id = $1`, accountID); err != nil {
			return fmt.Errorf("auth: unable to end sessions of a disabled account: %w", err)
		}
		return nil
	})
}

// Enable lets a blocked account log in again. A never-activated account
// needs a new activation link afterwards (the login page's "forgot
// password" issues one).
func (s *Service) Enable(ctx context.Context, accountID string) error {
	if _, err := s.pool.Exec(ctx, `UPDATE credentials SET disabled = false, updated_at = now() WHERE account_id = $1`, accountID); err != nil {
		return fmt.Errorf("auth: unable to enable account: %w", err)
	}
	sessionsChanged()
	return nil
}
