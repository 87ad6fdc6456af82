package mail

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// ErrNoSuchDelivery is returned by Retry for an unknown delivery or one
// that is not failed.
var ErrNoSuchDelivery = errors.New("mail: no failed delivery with that ID")

// Failed lists the deliveries that gave up (status failed), newest first,
// at most limit (1..500): for the back office, with the error. The stored
// message body is not returned: it may hold a single-use link.
func (d *Dispatcher) Failed(ctx context.Context, limit int) ([]Delivery, error) {
	limit = min(max(limit, 1), 500)
	rows, err := d.cfg.Pool.Query(ctx, `
		SELECT event_id, recipient, kind, status, attempts, coalesce(last_error, ''), next_attempt_at, sent_at, created_at
		FROM mail_deliveries WHERE status = 'failed'
		ORDER BY created_at DESC, event_id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("mail: unable to list failed deliveries: %w", err)
	}
	out := []Delivery{}
	var x Delivery
	_, err = pgx.ForEachRow(rows, []any{&x.EventID, &x.Recipient, &x.Kind, &x.Status, &x.Attempts, &x.LastError, &x.NextAttemptAt, &x.SentAt, &x.QueuedAt},
		func() error { out = append(out, x); return nil })
	if err != nil {
		return nil, fmt.Errorf("mail: unable to list failed deliveries: %w", err)
	}
	return out, nil
}

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
