// Package linkmail mails activation and password-reset links on request
// ("wachtwoord vergeten", "nieuwe activatielink"). No event causes these
// mails, so they are not a projector: a request issues a single-use token
// (commands/auth) and queues the mail (notify/mail) in one transaction.
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
// LimitPerHour are required.
type Config struct {
	Pool  *pgxpool.Pool
	Auth  *auth.Service
	Mail  *mail.Dispatcher
	Links Links
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
}

// New checks cfg and returns the link mailer.
func New(cfg Config) (*Requests, error) {
	if cfg.Pool == nil || cfg.Auth == nil || cfg.Mail == nil || cfg.Links.Activation == nil || cfg.Links.PasswordReset == nil {
		return nil, errors.New("linkmail: Pool, Auth, Mail and Links (use PortalLinks) are required")
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
// The caller is answered before any work that depends on whether the
// address exists, so the response time does not tell either; the link is
// issued and queued in the background (bounded by 30 seconds).
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
	s.background.Add(1)
	go func() {
		defer s.background.Done()
		defer func() { <-s.inFlight }()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if err := s.request(ctx, email); err != nil {
			s.cfg.Log.ErrorContext(ctx, "linkmail: link request failed", "err", err)
		}
	}()
	return nil
}

func (s *Requests) request(ctx context.Context, email string) error {
	acc, err := s.cfg.Auth.AccountByEmail(ctx, email)
	if errors.Is(err, auth.ErrAccountNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if acc.Disabled {
		return nil
	}
	now := s.cfg.Clock()
	// The cap is decided in the database: one transaction per address at a
	// time (advisory lock on the address) counts, issues the token and
	// queues the mail on its one connection, so concurrent requests, on any
	// instance, cannot pass the cap together.
	sent := false
	err = pgx.BeginFunc(ctx, s.cfg.Pool, func(tx pgx.Tx) error {
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
		name, err := audience.RecipientName(ctx, tx, acc.Email)
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
