// Package prefs stores each user's notification settings (notify_settings):
// whether they get the "timesheet approved" mail and the weekly reminders.
// Without a row both are on. Only this package reads and writes the
// table: the API through Store, a mailer's audience query (one statement
// over many accounts, notify/reactors.Audience) through the SQL of Joined.
package prefs

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Settings of one account.
type Settings struct {
	ApprovedMail bool `json:"approved_mail"`
	Reminders    bool `json:"reminders"`
}

// Store reads and writes settings.
type Store struct {
	pool *pgxpool.Pool
	now  func() time.Time
}

// New returns a Store; clock defaults to time.Now.
func New(pool *pgxpool.Pool, clock func() time.Time) *Store {
	if clock == nil {
		clock = time.Now
	}
	return &Store{pool: pool, now: clock}
}

// Get returns the account's settings (the defaults when never set).
func (s *Store) Get(ctx context.Context, accountID string) (Settings, error) {
	out := Settings{ApprovedMail: true, Reminders: true}
	err := s.pool.QueryRow(ctx, `
		SELECT coalesce(bool_and(approved_mail), true), coalesce(bool_and(reminders), true)
		FROM notify_settings WHERE account_id = $1`, accountID).Scan(&out.ApprovedMail, &out.Reminders)
	if err != nil {
		return out, fmt.Errorf("prefs: unable to read settings: %w", err)
	}
	return out, nil
}

// Joined is for another package's query that lists accounts with their
// settings in one statement (a mail's audience): join is the LEFT JOIN of
// the settings of the account whose ID is the SQL expression accountID,
// and columns are its ApprovedMail and Reminders, the defaults (on) where
// it has no row, as Get answers. The SQL about the table stays here.
func Joined(accountID string) (join, columns string) {
	return `LEFT JOIN notify_settings ON notify_settings.account_id = ` + accountID,
		`coalesce(notify_settings.approved_mail, true), coalesce(notify_settings.reminders, true)`
}

// Set stores the account's settings.
func (s *Store) Set(ctx context.Context, accountID string, v Settings) error {
	_, err := s.pool.Exec(ctx, `
		INSERT INTO notify_settings (account_id, approved_mail, reminders, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (account_id) DO UPDATE SET approved_mail = excluded.approved_mail,
			reminders = excluded.reminders, updated_at = excluded.updated_at`,
		accountID, v.ApprovedMail, v.Reminders, s.now())
	if err != nil {
		return fmt.Errorf("prefs: unable to store settings: %w", err)
	}
	return nil
}
