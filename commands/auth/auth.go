// Package auth keeps the portal's credentials: argon2id passwords,
// single-use activation and reset tokens, server-side sessions, login
// throttling shared by every server instance, and integration tokens for
// the payroll package and auditors. Everything lives in PostgreSQL (tables
// of commands/auth/migrations); secrets are stored only as hashes.
//
// Methods take the current time as an argument where timing matters, so
// callers (and tests) decide the clock.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/domain"
)

// DBTX is a pgx.Tx, *pgxpool.Pool or *pgx.Conn.
type DBTX interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Config holds the security settings. Zero fields get the defaults.
type Config struct {
	Params Params // argon2id cost; default DefaultParams

	IdleTimeout     time.Duration // default 30 min, sliding
	AbsoluteTimeout time.Duration // default 12 h from login
	TouchInterval   time.Duration // last_seen_at is written at most this often; default 1 min

	ActivationTTL time.Duration // default 72 h
	ResetTTL      time.Duration // default 72 h

	// FailureWindow: a failure counter is forgotten this long after its
	// last failure. Default 1 h.
	FailureWindow time.Duration
	// MaxFailuresPerAccount failures on one account from all sources make
	// every source's delays start after its first failure. Default 100.
	MaxFailuresPerAccount int
	// MaxFailuresPerIP failures from one source refuse that source until a
	// window after its last failure. Default 1000.
	MaxFailuresPerIP int
	// After DelayAfter failures of one source on one account, its next
	// attempt is refused until 1 s after the last failure, doubling per
	// failure up to MaxDelay. Default 5 and 15 min.
	DelayAfter int
	MaxDelay   time.Duration

	// Now is the clock for timestamps of calls that take no time argument
	// (integration tokens). Default time.Now.
	Now func() time.Time

	// SessionCacheTTL: a session looked up less than this long ago is
	// answered from memory (see DefaultSessionCacheTTL for what that
	// means for revocations). Default DefaultSessionCacheTTL (2 s);
	// negative turns the cache off.
	SessionCacheTTL time.Duration
}

func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if c.Params == (Params{}) {
		c.Params = DefaultParams
	}
	def(&c.IdleTimeout, 30*time.Minute)
	def(&c.AbsoluteTimeout, 12*time.Hour)
	def(&c.TouchInterval, time.Minute)
	def(&c.ActivationTTL, 72*time.Hour)
	def(&c.ResetTTL, 72*time.Hour)
	def(&c.FailureWindow, time.Hour)
	def(&c.MaxDelay, 15*time.Minute)
	if c.MaxFailuresPerAccount <= 0 {
		c.MaxFailuresPerAccount = 100
	}
	if c.MaxFailuresPerIP <= 0 {
		c.MaxFailuresPerIP = 1000
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.SessionCacheTTL == 0 {
		c.SessionCacheTTL = DefaultSessionCacheTTL
	}
	if c.DelayAfter <= 0 {
		c.DelayAfter = 5
	}
	return c
}

// Service implements credentials, tokens and sessions on PostgreSQL.
// Several instances may share one database.
type Service struct {
	pool  *pgxpool.Pool
	cfg   Config
	dummy string // hash verified for unknown accounts, to equalise timing
	cache *sessionCache
}

// New returns a Service. It computes one password hash up front (the dummy
// for unknown e-mail addresses).
func New(pool *pgxpool.Pool, cfg Config) (*Service, error) {
	if pool == nil {
		return nil, errors.New("auth: New needs a pool")
	}
	cfg = cfg.withDefaults()
	if cfg.Params.Memory == 0 || cfg.Params.Time == 0 || cfg.Params.Threads == 0 ||
		cfg.Params.SaltLen < 16 || cfg.Params.KeyLen < 16 {
		return nil, fmt.Errorf("auth: argon2 parameters %+v are too weak", cfg.Params)
	}
	return &Service{pool: pool, cfg: cfg, dummy: hashPassword("dummy password for timing", cfg.Params),
		cache: newSessionCache(cfg.SessionCacheTTL)}, nil
}

// Config returns the effective settings (defaults filled in).
func (s *Service) Config() Config { return s.cfg }

// Errors callers match with errors.Is. All are *domain.Error.
var (
	ErrInvalidCredentials = unauthorized("invalid_credentials",
		"Unknown e-mail address or wrong password.",
		"Onbekend e-mailadres of onjuist wachtwoord.")
	ErrTooManyAttempts = &domain.Error{Kind: domain.KindTooMany, Code: "too_many_login_attempts",
		Message:   "Too many failed login attempts. Please try again later.",
		MessageNL: "Te veel mislukte inlogpogingen. Probeer het later opnieuw."}
	ErrSessionInvalid = unauthorized("session_invalid",
		"Your session has expired. Please log in again.",
		"Uw sessie is verlopen. Log opnieuw in.")
	// ErrSessionUnknown has ErrSessionInvalid's code (errors.Is matches
	// either) for a token that is no session of ours: malformed, or deleted
	// at logout or expiry. It cannot tell which, so it does not claim
	// the session expired.
	ErrSessionUnknown = unauthorized("session_invalid",
		"You are not logged in: this session token is not valid. Please log in.",
		"U bent niet ingelogd: deze sessiesleutel is niet geldig. Log in.")
	ErrTokenInvalid = &domain.Error{Kind: domain.KindInvalid, Code: "token_invalid", Field: "token",
		Message:   "This link has expired or has already been used. Please request a new one.",
		MessageNL: "Deze link is verlopen of al gebruikt. Vraag een nieuwe aan."}
	ErrAPITokenInvalid = unauthorized("api_token_invalid",
		"Invalid or revoked API token.",
		"Ongeldige of ingetrokken API-sleutel.")
	ErrEmailTaken = domain.Conflict("email_taken",
		"This e-mail address is already used by another account.",
		"Dit e-mailadres is al in gebruik bij een ander account.")
	ErrAccountNotFound = domain.NotFound("account_not_found", "The account was not found.", "Dit account is niet gevonden.")
)

// unauthorized is a 401 error: the caller is not (or no longer) logged in.
func unauthorized(code, en, nl string) *domain.Error {
	return &domain.Error{Kind: domain.KindUnauthorized, Code: code, Message: en, MessageNL: nl}
}

// RetryError is a login error with a hint how long to wait before the
// next attempt. It unwraps to its *domain.Error (ErrInvalidCredentials or
// ErrTooManyAttempts), so errors.Is and domain.KindOf work unchanged.
type RetryError struct {
	Err        *domain.Error
	RetryAfter time.Duration
}

func (e *RetryError) Error() string {
	return fmt.Sprintf("%v (retry after %v)", e.Err, e.RetryAfter)
}

// Unwrap returns the domain error.
func (e *RetryError) Unwrap() error { return e.Err }

// RetryAfterSeconds is the wait rounded up to whole seconds, for a
// Retry-After header (httpx.SetRetryAfter).
func (e *RetryError) RetryAfterSeconds() int {
	return int((e.RetryAfter + time.Second - 1) / time.Second)
}

// RetryAfter returns the wait hint of a login error (0 when there is none),
// for a Retry-After header or a message.
func RetryAfter(err error) time.Duration {
	var re *RetryError
	if errors.As(err, &re) {
		return re.RetryAfter
	}
	return 0
}

// newSecret returns 32 random bytes as unpadded base64url (43 characters)
// and their SHA-256.
func newSecret() (string, []byte) {
	var b [32]byte
	_, _ = rand.Read(b[:]) // never fails (Go 1.24+)
	s := base64.RawURLEncoding.EncodeToString(b[:])
	return s, hashSecret(s)
}

func hashSecret(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// validSecret reports whether s has the shape newSecret produces, so junk
// is refused before touching the database.
func validSecret(s string) bool {
	if len(s) != 43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}
