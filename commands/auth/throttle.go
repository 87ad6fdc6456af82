package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

func accountKey(email string) string { return "acct:" + email }
func ipKey(ip string) string         { return "ip:" + ip }

type attemptCount struct {
	count       int
	windowStart time.Time
}

// countAttempt counts a login attempt as a failure before it is checked
// (taken back on success), atomically, so concurrent attempts on several
// instances cannot slip past the limit. A window older than FailureWindow
// restarts at 1.
func (s *Service) countAttempt(ctx context.Context, keys []string, now time.Time) (map[string]attemptCount, error) {
	// Keys come sorted ("acct:" < "ip:"), so concurrent upserts lock rows
	// in one order.
	rows, err := s.pool.Query(ctx, `
		INSERT INTO login_failures AS f (key, window_start, count)
		SELECT k, $2, 1 FROM unnest($1::text[]) AS k
		ON CONFLICT (key) DO UPDATE SET
			count        = CASE WHEN f.window_start <= $3 THEN 1  ELSE f.count + 1 END,
			window_start = CASE WHEN f.window_start <= $3 THEN $2 ELSE f.window_start END
		RETURNING key, count, window_start`, keys, now, now.Add(-s.cfg.FailureWindow))
	if err != nil {
		return nil, fmt.Errorf("auth: unable to count login attempt: %w", err)
	}
	out := map[string]attemptCount{}
	for rows.Next() {
		var k string
		var c attemptCount
		if err := rows.Scan(&k, &c.count, &c.windowStart); err != nil {
			rows.Close()
			return nil, fmt.Errorf("auth: unable to count login attempt: %w", err)
		}
		out[k] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("auth: unable to count login attempt: %w", err)
	}
	return out, nil
}

// forgiveAttempt takes back the attempt countAttempt recorded: a successful
// login clears the account's failures and returns one to the IP's budget
// (an office behind one address keeps logging in).
func (s *Service) forgiveAttempt(ctx context.Context, tx pgx.Tx, email, ip string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE key = $1`, accountKey(email)); err != nil {
		return fmt.Errorf("auth: unable to clear failed logins: %w", err)
	}
	if ip != "" {
		if _, err := tx.Exec(ctx, `UPDATE login_failures SET count = greatest(count - 1, 0) WHERE key = $1`, ipKey(ip)); err != nil {
			return fmt.Errorf("auth: unable to clear failed logins: %w", err)
		}
	}
	return nil
}

// delayHint is the wait suggested after the n-th failure in a window:
// none for the first DelayAfter-1, then 1 s doubling up to MaxDelay.
func (s *Service) delayHint(failures int) time.Duration {
	over := failures - s.cfg.DelayAfter
	if over < 0 {
		return 0
	}
	if over > 30 {
		return s.cfg.MaxDelay
	}
	return min(time.Second<<over, s.cfg.MaxDelay)
}
