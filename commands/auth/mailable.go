package auth

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// TakesMail reports whether the account still takes mail at address: not
// blocked, and address (case-insensitive) is still its login address. An
// account without credentials is not this package's to refuse: true. The
// mail queue asks it before each send of a mail queued for an account
// (notify/mail.Dispatcher.CheckRecipients), so a block takes effect on
// mail already queued; one primary-key read.
func (s *Service) TakesMail(ctx context.Context, accountID, address string) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT NOT disabled AND lower(email) = lower($2) FROM credentials WHERE account_id = $1`,
		accountID, address).Scan(&ok)
	if errors.Is(err, pgx.ErrNoRows) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("auth: unable to read whether account %s takes mail: %w", accountID, err)
	}
	return ok, nil
}
