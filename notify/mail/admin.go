package mail

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// ErrNoSuchDelivery is returned by Retry for an unknown delivery or one
// that is not failed.
var ErrNoSuchDelivery = errors.New("mail: no failed delivery with that ID")

// Retry puts a failed delivery back in the queue, due now, with a fresh
// count of attempts (the last error stays until the next attempt). A
// message that was invalid when queued fails again on the next pass.
func (d *Dispatcher) Retry(ctx context.Context, eventID uuid.UUID) error {
	tag, err := d.cfg.Pool.Exec(ctx, `
		UPDATE mail_deliveries SET status = 'pending', attempts = 0, next_attempt_at = $2
		WHERE event_id = $1 AND status = 'failed'`, eventID, d.cfg.Now())
	if err != nil {
		return fmt.Errorf("mail: unable to retry delivery %s: %w", eventID, err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNoSuchDelivery
	}
	d.Kick()
	return nil
}

// RowQuerier is a pool or a transaction.
type RowQuerier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Queued reports whether a mail keyed by eventID was ever queued, whatever
// became of it: how a mailer that may queue at most one mail per event
// tells a replay of the event (run it in the transaction that would queue
// the mail).
func Queued(ctx context.Context, q RowQuerier, eventID uuid.UUID) (bool, error) {
	var queued bool
	if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM mail_deliveries WHERE event_id = $1)`, eventID).Scan(&queued); err != nil {
		return false, fmt.Errorf("mail: unable to read whether the mail of event %s is queued: %w", eventID, err)
	}
	return queued, nil
}

// CountSince counts the mails of these kinds queued for recipient since
// the given time, whatever became of them: what a cap per address counts
// (run it in the transaction that queues the next one).
func CountSince(ctx context.Context, q RowQuerier, recipient string, since time.Time, kinds ...string) (int, error) {
	var n int
	if err := q.QueryRow(ctx, `SELECT count(*) FROM mail_deliveries
		WHERE recipient = $1 AND kind = ANY($2) AND created_at > $3`, recipient, kinds, since).Scan(&n); err != nil {
		return 0, fmt.Errorf("mail: unable to count recent mails: %w", err)
	}
	return n, nil
}

// Pending counts the mails waiting to be sent (due or not): a test kit that
// copies a database waits for none to be in flight.
func Pending(ctx context.Context, q RowQuerier) (int, error) {
	var n int
	if err := q.QueryRow(ctx, `SELECT count(*) FROM mail_deliveries WHERE status = 'pending'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("mail: unable to count pending mails: %w", err)
	}
	return n, nil
}
