// Package linkmail mails activation and password-reset links on request
// ("wachtwoord vergeten", "nieuwe activatielink"). No event causes these
// mails, so they are not a projector: a request is stored (link_requests)
// before it is answered, then one transaction deletes it, issues a
// single-use token (commands/auth) and queues the mail (notify/mail); Run
// finishes the requests a killed process left.
// The first activation mail of a new account is notify/reactors'
// ActivationMailer; both build their links with Links.
package linkmail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/commands/auth"
	"backoffice/domain/validate"
	"backoffice/notify/audience"
	"backoffice/notify/mail"
)

// Links builds the URLs in activation and reset mails. The token goes in
// the query string of a portal page; the portal's access log records route
// templates only, never raw URLs.
type Links struct {
	Activation    func(token string) string
	PasswordReset func(token string) string
}

// PortalLinks returns the links of the portal at baseURL
// ("https://portal.example.nl"): /activeren?token=... and
// /wachtwoord-herstellen?token=....
func PortalLinks(baseURL string) Links {
	base := strings.TrimRight(baseURL, "/")
	return Links{
		Activation:    func(t string) string { return base + "/activeren?token=" + url.QueryEscape(t) },
		PasswordReset: func(t string) string { return base + "/wachtwoord-herstellen?token=" + url.QueryEscape(t) },
	}
}

// Config are the collaborators of Requests. All but Clock, Log and
// the limits are required.
type Config struct {
	Pool  *pgxpool.Pool
	Auth  *auth.Service
	Mail  *mail.Dispatcher
	Links Links
	// Names is the name the mail greets the account holder by ("" when
	// unknown), read in the transaction that queues it:
	// notify/reactors.RecipientName. That package keeps the names and
	// imports this one, so the application hands it in.
	Names func(ctx context.Context, q audience.RowQuerier, email string) (string, error)
	// LimitPerHour caps link mails per address per hour (default 5);
	// further requests are answered the same way and send nothing.
	LimitPerHour int
	// LimitPerSource caps link requests per source address (an IPv6
	// address by its /64) per hour in this process (default 20); further
	// requests are refused with ErrTooManyRequests.
	LimitPerSource int
	// MaxInFlight bounds the requests being handled in the background at
	// once (default 32); a request past it is refused with
	// ErrTooManyRequests rather than queued.
	MaxInFlight int
	Clock       func() time.Time // default time.Now
	Log         *slog.Logger     // default discards
}

// Requests mails new activation and reset links on request.
type Requests struct {
	cfg Config
	// background counts link requests still running (Request).
	background sync.WaitGroup
	inFlight   chan struct{} // a slot per request handled in the background
	sources    *sources
	// cut, when set (tests), runs in the background before a stored
	// request is handled; true ends it there, as a crash would.
	cut func() bool
}

const (
	// sweepEvery is how often Run looks for requests left unhandled.
	sweepEvery = 30 * time.Second
	// sweepAge: a sweep after the first takes only requests older than
	// this; younger ones are normally still in their process's hands.
	sweepAge = time.Minute
	// maxRequestAge: a request left longer (serve down for an hour) is
	// dropped: its user has asked again or given up, and a link arriving
	// hours later would only puzzle.
	maxRequestAge = time.Hour
	// sweepBatch bounds one sweep's work; the rest waits for the next.
	sweepBatch = 500
)

// New checks cfg and returns the link mailer.
func New(cfg Config) (*Requests, error) {
	if cfg.Pool == nil || cfg.Auth == nil || cfg.Mail == nil || cfg.Links.Activation == nil || cfg.Links.PasswordReset == nil ||
		cfg.Names == nil {
		return nil, errors.New("linkmail: Pool, Auth, Mail, Links (use PortalLinks) and Names (reactors.RecipientName) are required")
	}
	if cfg.LimitPerHour <= 0 {
		cfg.LimitPerHour = 5
	}
	if cfg.LimitPerSource <= 0 {
		cfg.LimitPerSource = 20
	}
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = 32
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Requests{cfg: cfg, inFlight: make(chan struct{}, cfg.MaxInFlight),
		sources: &sources{limit: cfg.LimitPerSource, seen: map[string]*sourceWindow{}}}, nil
}

// Wait blocks until the link requests running in the background are done
// (graceful shutdown, tests).
func (s *Requests) Wait() { s.background.Wait() }

// Request mails a new link to the account with this e-mail address: a
// password-reset link when the account has a password, otherwise a fresh
// activation link (an expired activation link is re-issued this way).
// Unknown and disabled addresses, and addresses that already received
// LimitPerHour links in the last hour, get nothing, and the caller
// answers every case the same way. A malformed address is an error, and
// so is a source address (ip, the client's; "" when unknown) over
// LimitPerSource requests in the hour or a request finding MaxInFlight
// others still running (ErrTooManyRequests): neither depends on the
// address asked for.
//
// The request is stored (link_requests, a durable commit) before Request
// returns, so an accepted request survives a crash: Run finishes what a
// killed process left. Storing it is the same work for every address;
// everything that depends on whether the address exists (the look-up, the
// link, the mail) runs in the background (bounded by 30 seconds), so the
// response time does not tell either.
func (s *Requests) Request(ctx context.Context, email, ip string) error {
	email, err := validate.NormalizeEmail("email", email)
	if err != nil {
		return err
	}
	if !s.sources.admit(ip, s.cfg.Clock()) {
		s.cfg.Log.WarnContext(ctx, "linkmail: link request refused (limit per source address)")
		return ErrTooManyRequests
	}
	select {
	case s.inFlight <- struct{}{}:
	default:
		s.cfg.Log.WarnContext(ctx, "linkmail: link request refused (too many in flight)")
		return ErrTooManyRequests
	}
	id := uuid.New()
	if _, err := s.cfg.Pool.Exec(ctx, `INSERT INTO link_requests (id, email, requested_at) VALUES ($1, $2, $3)`,
		id, email, s.cfg.Clock()); err != nil {
		<-s.inFlight
		return fmt.Errorf("linkmail: unable to store the link request: %w", err)
	}
	s.background.Add(1)
	go func() {
		defer s.background.Done()
		defer func() { <-s.inFlight }()
		if s.cut != nil && s.cut() {
			return // a test's crash point: the request stays stored
		}
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if err := s.finish(ctx, id, email); err != nil {
			s.cfg.Log.ErrorContext(ctx, "linkmail: link request failed; retried by the next sweep", "err", err)
		}
	}()
	return nil
}

// finish handles the stored request id for email: it mails the link (or
// nothing) and deletes the request in the transaction that queues the
// mail, so a request is handled once even when a sweep (Run, on this or
// another instance) finds it at the same time.
func (s *Requests) finish(ctx context.Context, id uuid.UUID, email string) error {
	acc, err := s.cfg.Auth.AccountByEmail(ctx, email)
	if errors.Is(err, auth.ErrAccountNotFound) || (err == nil && acc.Disabled) {
		_, err := s.cfg.Pool.Exec(ctx, `DELETE FROM link_requests WHERE id = $1`, id)
		if err != nil {
			return fmt.Errorf("linkmail: unable to delete the link request: %w", err)
		}
		return nil
	}
	if err != nil {
		return err
	}
	now := s.cfg.Clock()
	// The cap is decided in the database: one transaction per address at a
	// time (advisory lock on the address) counts, issues the token and
	// queues the mail on its one connection, so concurrent requests, on any
	// instance, cannot pass the cap together.
	sent := false
	err = pgx.BeginFunc(ctx, s.cfg.Pool, func(tx pgx.Tx) error {
		// Claim the request; one that another transaction holds or has
		// deleted is that one's to handle (SKIP LOCKED: no waiting).
		var claimed bool
		if err := tx.QueryRow(ctx, `WITH claimed AS (
				DELETE FROM link_requests WHERE id = (SELECT id FROM link_requests WHERE id = $1 FOR UPDATE SKIP LOCKED)
				RETURNING id)
			SELECT EXISTS (SELECT 1 FROM claimed)`, id).Scan(&claimed); err != nil {
			return fmt.Errorf("linkmail: unable to claim the link request: %w", err)
		}
		if !claimed {
			return nil
		}
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('link-mail:' || $1, 0))`, acc.Email); err != nil {
			return fmt.Errorf("linkmail: unable to lock link mails: %w", err)
		}
		recent, err := mail.CountSince(ctx, tx, acc.Email, now.Add(-time.Hour), mail.KindActivation, mail.KindPasswordReset)
		if err != nil {
			return err
		}
		if recent >= s.cfg.LimitPerHour {
			s.cfg.Log.WarnContext(ctx, "linkmail: link mail suppressed (limit per hour)", "account_id", acc.AccountID)
			return nil
		}
		name, err := s.cfg.Names(ctx, tx, acc.Email)
		if err != nil {
			return err
		}
		msg, err := s.message(ctx, tx, acc, name, now)
		if err != nil {
			return err
		}
		msg.AccountID = acc.AccountID
		// The new token revoked the one in any link mail of this kind
		// still waiting in the queue (a mail server that was down): those
		// would arrive with a dead link, and before this one.
		if err := s.cfg.Mail.WithdrawPending(ctx, tx, acc.Email, msg.Kind); err != nil {
			return err
		}
		if err := s.cfg.Mail.Enqueue(ctx, tx, uuid.New(), msg); err != nil {
			return err
		}
		sent = true
		return nil
	})
	if err != nil {
		return err
	}
	if sent {
		s.cfg.Mail.Kick()
	}
	return nil
}

// Run finishes the link requests that were stored but not handled (their
// process was killed, or the database failed under the background work):
// all of them at once, then every 30 seconds those older than a minute,
// until ctx ends. serve runs it on every instance; a request found by two
// at once is handled by one (finish).
func (s *Requests) Run(ctx context.Context) error {
	t := time.NewTicker(sweepEvery)
	defer t.Stop()
	before := s.cfg.Clock() // at start: every request stored so far
	for {
		if _, err := s.Resume(ctx, before); err != nil && ctx.Err() == nil {
			s.cfg.Log.WarnContext(ctx, "linkmail: unable to finish stored link requests; retrying", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		before = s.cfg.Clock().Add(-sweepAge)
	}
}

// Resume handles the stored link requests made before the time given
// (up to 500 at a time) and returns how many it handled; requests older
// than an hour are dropped unhandled (logged as a count).
func (s *Requests) Resume(ctx context.Context, before time.Time) (int, error) {
	tag, err := s.cfg.Pool.Exec(ctx, `DELETE FROM link_requests WHERE requested_at < $1`, s.cfg.Clock().Add(-maxRequestAge))
	if err != nil {
		return 0, fmt.Errorf("linkmail: unable to drop old link requests: %w", err)
	}
	if n := tag.RowsAffected(); n > 0 {
		s.cfg.Log.WarnContext(ctx, "linkmail: link requests older than an hour dropped unhandled", "count", n)
	}
	rows, err := s.cfg.Pool.Query(ctx, `SELECT id, email FROM link_requests WHERE requested_at <= $1 ORDER BY requested_at LIMIT $2`,
		before, sweepBatch)
	if err != nil {
		return 0, fmt.Errorf("linkmail: unable to read stored link requests: %w", err)
	}
	type request struct {
		id    uuid.UUID
		email string
	}
	left, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (request, error) {
		var q request
		return q, r.Scan(&q.id, &q.email)
	})
	if err != nil {
		return 0, fmt.Errorf("linkmail: unable to read stored link requests: %w", err)
	}
	done := 0
	var first error // one request that fails stays for the next sweep; the others go on
	for _, q := range left {
		if err := s.finish(ctx, q.id, q.email); err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		done++
	}
	if done > 0 {
		s.cfg.Log.InfoContext(ctx, "linkmail: finished stored link requests", "count", done)
	}
	return done, first
}

// message issues the token the account needs next and builds its mail.
func (s *Requests) message(ctx context.Context, tx pgx.Tx, acc auth.Account, name string, now time.Time) (mail.Message, error) {
	if acc.HasPassword {
		tok, exp, err := s.cfg.Auth.IssueTokenIn(ctx, tx, acc.AccountID, auth.PurposePasswordReset, now)
		if err != nil {
			return mail.Message{}, fmt.Errorf("linkmail: issue reset token: %w", err)
		}
		return mail.PasswordResetMail(acc.Language, acc.Email, name, s.cfg.Links.PasswordReset(tok), exp), nil
	}
	tok, exp, err := s.cfg.Auth.IssueTokenIn(ctx, tx, acc.AccountID, auth.PurposeActivation, now)
	if err != nil {
		return mail.Message{}, fmt.Errorf("linkmail: issue activation token: %w", err)
	}
	return mail.ActivationMail(acc.Language, acc.Email, name, acc.Email, s.cfg.Links.Activation(tok), exp), nil
}
