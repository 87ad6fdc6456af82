package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"backoffice/domain"
)

// Session is an authenticated login.
type Session struct {
	AccountID string
	Email     string
	Role      domain.Role
	TenantID  string
	Language  string

	CreatedAt  time.Time
	LastSeenAt time.Time
	// ExpiresAt is the absolute end (login + AbsoluteTimeout);
	// IdleExpiresAt the end if the user stays idle (never after ExpiresAt).
	ExpiresAt     time.Time
	IdleExpiresAt time.Time

	IP        string
	UserAgent string
}

// Actor is the session's account as commands and queries see it.
func (s Session) Actor() domain.Actor {
	return domain.Actor{AccountID: s.AccountID, Role: s.Role, Language: s.Language}.WithTenant(s.TenantID)
}

// LoginOption adds details to a login.
type LoginOption func(*loginOpts)

type loginOpts struct{ userAgent string }

// WithUserAgent records the browser's User-Agent with the session.
func WithUserAgent(ua string) LoginOption {
	return func(o *loginOpts) {
		if len(ua) > 512 {
			ua = ua[:512]
		}
		o.userAgent = ua
	}
}

// maxPasswordBytes caps what is hashed at login: no valid password is
// longer, and hashing megabytes would be a cheap denial of service.
const maxPasswordBytes = 1024

// maxEmailBytes is the longest e-mail address an account can have (RFC
// 5321's path limit, as domain/validate checks at registration).
const maxEmailBytes = 254

// loginEmail is the address a login attempt is looked up and throttled
// under: the normalised address, or for one no account can have (longer
// than any, invalid UTF-8, a NUL or another control character) its
// digest, which matches no account and is a key PostgreSQL stores (a
// megabyte address overflowed the counters' index, a NUL broke the query:
// both a 500).
func loginEmail(email string) string {
	email = NormalizeEmail(email)
	if len(email) <= maxEmailBytes && utf8.ValidString(email) && !strings.ContainsFunc(email, domain.UnsafeRune) {
		return email
	}
	sum := sha256.Sum256([]byte(email))
	return "overlong:" + hex.EncodeToString(sum[:])
}

// Login checks e-mail and password and starts a new session. It returns
// the session token for the cookie (the only copy; the server keeps its
// SHA-256) and the session.
//
// Failures are throttled per (account, source) with an enforced,
// doubling delay and per source with a cap (see throttle.go); an attempt
// that comes too early gets ErrTooManyAttempts unchecked, even with the
// right password, while other sources can still log in. An
// unknown e-mail address, a wrong password, an account that is disabled
// or not yet activated all give the same ErrInvalidCredentials and cost
// the same argon2 work. Both errors come as *RetryError with a wait hint.
func (s *Service) Login(ctx context.Context, email, password, ip string, now time.Time, opts ...LoginOption) (string, Session, error) {
	var o loginOpts
	for _, opt := range opts {
		opt(&o)
	}
	email = loginEmail(email)
	if len(password) > maxPasswordBytes {
		password = ""
	}
	adm, err := s.admit(ctx, email, ip, now)
	if err != nil {
		return "", Session{}, err
	}

	var (
		accountID string
		hash      *string
		disabled  bool
	)
	err = s.pool.QueryRow(ctx, `SELECT account_id, password_hash, disabled FROM credentials WHERE email = $1`, email).
		Scan(&accountID, &hash, &disabled)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return "", Session{}, fmt.Errorf("auth: unable to read credentials: %w", err)
	}
	ok := false
	if err == nil && hash != nil && !disabled {
		ok, err = VerifyPassword(password, *hash)
		if err != nil {
			return "", Session{}, fmt.Errorf("auth: stored hash of %s: %w", accountID, err)
		}
	} else {
		_, _ = VerifyPassword(password, s.dummy) // same work as a real check
	}
	if !ok {
		return "", Session{}, &RetryError{Err: ErrInvalidCredentials, RetryAfter: adm.nextDelay(s)}
	}

	token, idHash := newSecret()
	rehash := ""
	if NeedsRehash(*hash, s.cfg.Params) {
		rehash = hashPassword(password, s.cfg.Params) // before the transaction: argon2 is slow
	}
	var sess Session
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// This attempt was counted as a failure in advance; take it back.
		if err := s.forgiveAttempt(ctx, tx, email, ip); err != nil {
			return err
		}
		if rehash != "" {
			if _, err := tx.Exec(ctx, `UPDATE credentials SET password_hash = $2 WHERE account_id = $1 AND password_hash = $3`,
				accountID, rehash, *hash); err != nil {
				return fmt.Errorf("auth: unable to upgrade password hash: %w", err)
			}
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO sessions (id_hash, account_id, created_at, last_seen_at, expires_at, user_agent, ip)
			VALUES ($1, $2, $3, $3, $4, $5, $6)`,
			idHash, accountID, now, now.Add(s.cfg.AbsoluteTimeout), o.userAgent, ip); err != nil {
			return fmt.Errorf("auth: unable to create session: %w", err)
		}
		var err error
		sess, err = s.readSession(ctx, tx, idHash)
		return err
	})
	if err != nil {
		return "", Session{}, err
	}
	return token, sess, nil
}

func (s *Service) readSession(ctx context.Context, db DBTX, idHash []byte) (Session, error) {
	var (
		sess     Session
		role     string
		disabled bool
	)
	err := db.QueryRow(ctx, `
		SELECT s.account_id, c.email, c.role, c.tenant_id, c.language, c.disabled,
		       s.created_at, s.last_seen_at, s.expires_at, s.ip, s.user_agent
		FROM sessions s JOIN credentials c USING (account_id)
		WHERE s.id_hash = $1`, idHash).
		Scan(&sess.AccountID, &sess.Email, &role, &sess.TenantID, &sess.Language, &disabled,
			&sess.CreatedAt, &sess.LastSeenAt, &sess.ExpiresAt, &sess.IP, &sess.UserAgent)
	if errors.Is(err, pgx.ErrNoRows) {
		return sess, ErrSessionUnknown
	}
	if err != nil {
		return sess, fmt.Errorf("auth: unable to read session: %w", err)
	}
	if disabled {
		return sess, ErrSessionInvalid
	}
	sess.Role = domain.Role(role)
	sess.IdleExpiresAt = s.idleEnd(sess)
	return sess, nil
}

func (s *Service) idleEnd(sess Session) time.Time {
	end := sess.LastSeenAt.Add(s.cfg.IdleTimeout)
	if end.After(sess.ExpiresAt) {
		return sess.ExpiresAt
	}
	return end
}

// Authenticate resolves a session token. A session ends after
// IdleTimeout without requests or AbsoluteTimeout after login, whichever
// comes first, and at once when its account is disabled; then it is
// deleted and ErrSessionInvalid returned. Each use slides the idle limit;
// last_seen_at is written at most once per TouchInterval.
//
// A session looked up less than SessionCacheTTL ago is answered from
// memory, timeouts still checked against now: revocations this process
// makes end it at once, others within that bound (sessioncache.go).
func (s *Service) Authenticate(ctx context.Context, token string, now time.Time) (Session, error) {
	if !validSecret(token) {
		return Session{}, ErrSessionUnknown
	}
	idHash := hashSecret(token)
	sess, cached := s.cache.get(idHash)
	gen, loadedAt := accountsChanged.Load(), s.cache.clock()
	if !cached {
		var err error
		sess, err = s.readSession(ctx, s.pool, idHash)
		if err != nil {
			if errors.Is(err, ErrSessionInvalid) {
				_ = s.deleteSession(ctx, idHash) // a disabled account's session
			}
			return Session{}, err
		}
	}
	if !now.Before(sess.IdleExpiresAt) {
		if err := s.deleteSession(ctx, idHash); err != nil {
			return Session{}, err
		}
		return Session{}, ErrSessionInvalid
	}
	if now.Sub(sess.LastSeenAt) >= s.cfg.TouchInterval {
		if _, err := s.pool.Exec(ctx, `UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1 AND last_seen_at < $2`,
			idHash, now); err != nil {
			return Session{}, fmt.Errorf("auth: unable to refresh session: %w", err)
		}
		sess.LastSeenAt = now
		sess.IdleExpiresAt = s.idleEnd(sess)
		if cached {
			s.cache.update(idHash, sess)
		}
	}
	if !cached {
		s.cache.put(idHash, sess, gen, loadedAt)
	}
	return sess, nil
}

func (s *Service) deleteSession(ctx context.Context, idHash []byte) error {
	s.cache.drop(idHash)
	if _, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE id_hash = $1`, idHash); err != nil {
		return fmt.Errorf("auth: unable to delete session: %w", err)
	}
	sessionsChanged()
	return nil
}

// Logout ends a session server-side. Unknown tokens are not an error.
func (s *Service) Logout(ctx context.Context, token string) error {
	if !validSecret(token) {
		return nil
	}
	return s.deleteSession(ctx, hashSecret(token))
}

// LogoutAll ends every session of an account and returns how many there were.
func (s *Service) LogoutAll(ctx context.Context, accountID string) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE account_id = $1`, accountID)
	sessionsChanged()
	if err != nil {
		return 0, fmt.Errorf("auth: unable to end sessions of %s: %w", accountID, err)
	}
	return tag.RowsAffected(), nil
}

// PurgeExpired deletes ended sessions, expired tokens and old login
// counters. Run it now and then (any instance; it is idempotent).
func (s *Service) PurgeExpired(ctx context.Context, now time.Time) error {
	_, err := s.pool.Exec(ctx, `
		WITH a AS (DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2),
		     b AS (DELETE FROM auth_tokens WHERE expires_at <= $1)
		DELETE FROM login_failures WHERE last_failed_at <= $3`,
		now, now.Add(-s.cfg.IdleTimeout), now.Add(-s.cfg.FailureWindow))
	if err != nil {
		return fmt.Errorf("auth: unable to purge expired sessions: %w", err)
	}
	return nil
}
