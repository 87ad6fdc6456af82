package auth

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

// Login throttling counts failures under three keys, shared by every
// instance through PostgreSQL:
//
//   - pair:<source> <email>: one source guessing one account. After
//     DelayAfter failures each further attempt from that source on that
//     account must wait 1 s, 2 s, 4 s ... up to MaxDelay after the previous
//     failure; earlier attempts are refused unchecked (ErrTooManyAttempts),
//     even with the right password. Only that source is slowed.
//   - src:<source>: one source across all accounts (credential stuffing).
//     A source is the client's address; for IPv6 its /64.
//     After MaxFailuresPerIP failures the source is refused until a window
//     after its last failure. Behind a reverse proxy the source is the
//     client it names (BACKOFFICE_TRUSTED_PROXIES), not the proxy.
//   - acct:<email>: every failure on an account. It never refuses anyone:
//     over MaxFailuresPerAccount (a distributed attack) each source gets one
//     free failure instead of DelayAfter before its delays start. A source
//     without failures on the account is always let through, so a
//     stranger's failures cannot lock the real user out.
//
// A counter is forgotten FailureWindow after its last failure. An attempt
// is counted before the password is checked (so concurrent attempts cannot
// slip past a limit) and taken back on success.
func accountKey(email string) string { return "acct:" + email }
func sourceKey(ip string) string     { return "src:" + Source(ip) }
func pairKey(email, ip string) string {
	return "pair:" + Source(ip) + " " + email
}

// Source is what throttling counts an address as: an IPv6 address by its
// /64 (one subscriber's network, which hands its hosts any address in it),
// everything else as it is. notify/linkmail counts link requests so too.
func Source(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil || !a.Is6() || a.Is4In6() {
		return ip
	}
	return netip.PrefixFrom(a, 64).Masked().String()
}

type failureCount struct {
	count      int
	lastFailed time.Time
}

// admission is the outcome of admit for an attempt that was let through.
type admission struct {
	pairFailures int // failures of the pair, this attempt included
	free         int // failures the pair gets before delays start
}

// nextDelay is the wait required after this attempt if it fails.
func (a admission) nextDelay(s *Service) time.Duration {
	return s.requiredDelay(a.pairFailures, a.free)
}

// requiredDelay is how long a pair with this many failures must wait after
// its last failure: nothing for the first free ones, then 1 s doubling up
// to MaxDelay.
func (s *Service) requiredDelay(failures, free int) time.Duration {
	over := failures - free
	if over < 0 {
		return 0
	}
	if over > 30 {
		return s.cfg.MaxDelay
	}
	return min(time.Second<<over, s.cfg.MaxDelay)
}

// admit decides whether a login attempt may be checked at all and, if so,
// counts it as a failure in advance, in one transaction that locks the
// attempt's counters (concurrent attempts of one source queue up here, not
// in the password check). A refusal is a *RetryError with
// ErrTooManyAttempts and the wait.
func (s *Service) admit(ctx context.Context, email, ip string, now time.Time) (admission, error) {
	acctK, srcK, pairK := accountKey(email), sourceKey(ip), pairKey(email, ip)
	keys := []string{acctK, pairK}
	if ip != "" { // no address (a caller without one): no source to count
		keys = append(keys, srcK)
	}
	slices.Sort(keys) // one lock order for every transaction
	stale := now.Add(-s.cfg.FailureWindow)
	var adm admission
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `
			INSERT INTO login_failures (key, window_start, count, last_failed_at)
			SELECT k, $2, 0, $2 FROM unnest($1::text[]) AS k ORDER BY k
			ON CONFLICT (key) DO NOTHING`, keys, now); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `
			SELECT key, CASE WHEN last_failed_at <= $2 THEN 0 ELSE count END, last_failed_at
			FROM login_failures WHERE key = ANY($1) ORDER BY key FOR UPDATE`, keys, stale)
		if err != nil {
			return err
		}
		counts := map[string]failureCount{}
		for rows.Next() {
			var k string
			var c failureCount
			if err := rows.Scan(&k, &c.count, &c.lastFailed); err != nil {
				rows.Close()
				return err
			}
			counts[k] = c
		}
		if err := rows.Err(); err != nil {
			return err
		}

		if src, ok := counts[srcK]; ok && src.count >= s.cfg.MaxFailuresPerIP {
			return tooEarly(src.lastFailed.Add(s.cfg.FailureWindow).Sub(now))
		}
		free := s.cfg.DelayAfter
		if counts[acctK].count >= s.cfg.MaxFailuresPerAccount {
			free = 1
		}
		pair := counts[pairK]
		if wait := pair.lastFailed.Add(s.requiredDelay(pair.count, free)).Sub(now); pair.count > 0 && wait > 0 {
			return tooEarly(wait)
		}
		if _, err := tx.Exec(ctx, `
			UPDATE login_failures SET
				count          = CASE WHEN last_failed_at <= $3 THEN 1  ELSE count + 1 END,
				window_start   = CASE WHEN last_failed_at <= $3 THEN $2 ELSE window_start END,
				last_failed_at = $2
			WHERE key = ANY($1)`, keys, now, stale); err != nil {
			return err
		}
		adm = admission{pairFailures: pair.count + 1, free: free}
		return nil
	})
	if re := (*RetryError)(nil); errors.As(err, &re) {
		return adm, err
	}
	if err != nil {
		return adm, fmt.Errorf("auth: unable to count login attempt: %w", err)
	}
	return adm, nil
}

// forgiveAttempt takes back the attempt admit counted: a successful login
// clears the pair's failures and returns one to the account's and the
// source's counts (an office behind one address keeps logging in).
func (s *Service) forgiveAttempt(ctx context.Context, tx pgx.Tx, email, ip string) error {
	keys := []string{accountKey(email), sourceKey(ip), pairKey(email, ip)}
	// Lock in admit's order first, so the two cannot deadlock.
	if _, err := tx.Exec(ctx, `SELECT 1 FROM login_failures WHERE key = ANY($1) ORDER BY key FOR UPDATE`, keys); err != nil {
		return fmt.Errorf("auth: unable to clear failed logins: %w", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE key = $1`, pairKey(email, ip)); err != nil {
		return fmt.Errorf("auth: unable to clear failed logins: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE login_failures SET count = greatest(count - 1, 0) WHERE key = ANY($1)`,
		[]string{accountKey(email), sourceKey(ip)}); err != nil {
		return fmt.Errorf("auth: unable to clear failed logins: %w", err)
	}
	return nil
}

// tooEarly is the refusal of an attempt that must wait d: ErrTooManyAttempts
// with the wait in its message.
func tooEarly(d time.Duration) *RetryError {
	e := *ErrTooManyAttempts
	secs := int((d + time.Second - 1) / time.Second)
	switch {
	case secs <= 1:
		e.Message = "Too many failed login attempts. Try again in a second."
		e.MessageNL = "Te veel mislukte inlogpogingen. Probeer het over een seconde opnieuw."
	case secs < 90:
		e.Message = fmt.Sprintf("Too many failed login attempts. Try again in %d seconds.", secs)
		e.MessageNL = fmt.Sprintf("Te veel mislukte inlogpogingen. Probeer het over %d seconden opnieuw.", secs)
	default:
		mins := (secs + 59) / 60
		e.Message = fmt.Sprintf("Too many failed login attempts. Try again in %d minutes.", mins)
		e.MessageNL = fmt.Sprintf("Te veel mislukte inlogpogingen. Probeer het over %d minuten opnieuw.", mins)
	}
	return &RetryError{Err: &e, RetryAfter: d}
}
