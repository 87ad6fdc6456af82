package mail

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Delivery states in mail_deliveries.status. Stored: never rename.
const (
	StatusPending = "pending"
	StatusSent    = "sent"
	StatusFailed  = "failed" // gave up (MaxAttempts) or the message was invalid
)

// Execer is what Enqueue needs: a pgx.Tx (the projector's transaction), a
// *pgxpool.Pool or a *pgx.Conn.
type Execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// DispatcherConfig configures a Dispatcher. Pool and Sender are required.
type DispatcherConfig struct {
	Pool   *pgxpool.Pool
	Sender Sender
	// PollInterval is how often Run looks for due deliveries without a
	// Kick. Default 1 s.
	PollInterval time.Duration
	// Backoff is the wait after the n-th failed attempt (n >= 1). Default
	// ExponentialBackoff(30 s, 1 h).
	Backoff func(failures int) time.Duration
	// MaxAttempts makes the dispatcher give up (status failed) after that
	// many attempts. 0, the default, retries forever.
	MaxAttempts int
	// BatchSize bounds the deliveries one pass sends. Default 20.
	BatchSize int
	// SendTimeout bounds one Send. Default 1 min.
	SendTimeout time.Duration
	// Now is the clock. Default time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Validate reports every missing dependency at once.
func (c DispatcherConfig) Validate() error {
	var errs []error
	if c.Pool == nil {
		errs = append(errs, errors.New("mail: dispatcher needs a Pool"))
	}
	if c.Sender == nil {
		errs = append(errs, errors.New("mail: dispatcher needs a Sender"))
	}
	if c.MaxAttempts < 0 || c.BatchSize < 0 || c.PollInterval < 0 || c.SendTimeout < 0 {
		errs = append(errs, errors.New("mail: dispatcher settings must not be negative"))
	}
	return errors.Join(errs...)
}

// ExponentialBackoff doubles the wait from base after every failure, up to limit.
func ExponentialBackoff(base, limit time.Duration) func(int) time.Duration {
	return func(failures int) time.Duration {
		d := base
		for i := 1; i < failures && d < limit; i++ {
			d *= 2
		}
		return min(d, limit)
	}
}

// Dispatcher delivers the mails projectors enqueue in mail_deliveries: at
// least once, de-duplicated by event ID. Several instances may run against
// one database: a delivery is claimed (FOR UPDATE SKIP LOCKED, then a
// lease past its send) before it is sent, with no transaction open during
// the send. A mail is sent twice only if the process dies between the
// server's acceptance and the update that marks it sent, or a send
// overruns its lease (SendTimeout plus 30 s).
type Dispatcher struct {
	cfg  DispatcherConfig
	kick chan struct{}
}

// NewDispatcher checks the config and fills in defaults.
func NewDispatcher(cfg DispatcherConfig) (*Dispatcher, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = time.Second
	}
	if cfg.Backoff == nil {
		cfg.Backoff = ExponentialBackoff(30*time.Second, time.Hour)
	}
	if cfg.BatchSize == 0 {
		cfg.BatchSize = 20
	}
	if cfg.SendTimeout == 0 {
		cfg.SendTimeout = time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Dispatcher{cfg: cfg, kick: make(chan struct{}, 1)}, nil
}

// Enqueue records msg for delivery, keyed by the event that caused it, in
// the caller's transaction: the mail exists exactly when the projector's
// effect commits. A second Enqueue with the same event ID is a no-op, so a
// replayed event mails once. Call Kick after the commit for prompt delivery.
//
// An invalid message (no recipient address, say) is stored as failed with
// the reason, not returned as an error: a bad address must not stall the
// projection that caused the mail.
func (d *Dispatcher) Enqueue(ctx context.Context, tx Execer, eventID uuid.UUID, msg Message) error {
	if eventID == uuid.Nil {
		return errors.New("mail: enqueue needs an event ID")
	}
	payload, err := json.Marshal(msg)
	if err != nil {
		return fmt.Errorf("mail: encode message: %w", err)
	}
	now := d.cfg.Now()
	status, lastErr := StatusPending, (*string)(nil)
	if verr := msg.Validate(); verr != nil {
		status, lastErr = StatusFailed, ptr(redactError(verr))
		d.cfg.Logger.WarnContext(ctx, "mail: invalid message not queued for delivery",
			"event_id", eventID, "kind", msg.Kind, "error", *lastErr)
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO mail_deliveries (event_id, recipient, kind, status, attempts, last_error,
		                             next_attempt_at, created_at, payload)
		VALUES ($1, $2, $3, $4, 0, $5, $6, $6, $7)
		ON CONFLICT (event_id) DO NOTHING`,
		eventID, msg.To, msg.Kind, status, lastErr, now, string(payload))
	if err != nil {
		return fmt.Errorf("mail: unable to enqueue delivery for event %s: %w", eventID, err)
	}
	return nil
}

// Kick wakes Run now instead of at the next poll. It never blocks.
func (d *Dispatcher) Kick() {
	select {
	case d.kick <- struct{}{}:
	default:
	}
}

// Run delivers due mail until ctx ends, then returns nil. It wakes every
// PollInterval and on Kick. Database errors are logged and retried.
func (d *Dispatcher) Run(ctx context.Context) error {
	t := time.NewTicker(d.cfg.PollInterval)
	defer t.Stop()
	for {
		n, err := d.DeliverDue(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			d.cfg.Logger.ErrorContext(ctx, "mail: delivery pass failed", "err", err)
		} else if n == d.cfg.BatchSize {
			continue // more may be due
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-d.kick:
		}
	}
}

// DeliverDue makes one pass: it attempts up to BatchSize due deliveries,
// each in its own transaction, and returns how many it attempted. A
// delivery is attempted at most once per pass.
func (d *Dispatcher) DeliverDue(ctx context.Context) (int, error) {
	var tried []uuid.UUID
	for len(tried) < d.cfg.BatchSize {
		id, ok, err := d.deliverOne(ctx, tried)
		if err != nil {
			return len(tried), err
		}
		if !ok {
			break
		}
		tried = append(tried, id)
	}
	return len(tried), nil
}

// deliverOne claims one due delivery, sends it and records the outcome.
// No transaction is open while the mail server is talked to: an open
// transaction holding a row lock has a transaction ID, and the PostgreSQL
// event store shows no event committed after the oldest such transaction
// began (eventstore/postgres, read.go), so a hanging server would stall
// every projector. The claim instead moves the row's next attempt past the
// send (a lease): other dispatchers leave it alone meanwhile, and should
// this process die, the row is due again when the lease ends.
func (d *Dispatcher) deliverOne(ctx context.Context, skip []uuid.UUID) (uuid.UUID, bool, error) {
	id, attempts, payload, ok, err := d.claim(ctx, skip)
	if err != nil || !ok {
		return uuid.Nil, false, err
	}
	var msg Message
	sendErr := json.Unmarshal(payload, &msg)
	if sendErr == nil {
		sctx, cancel := context.WithTimeout(ctx, d.cfg.SendTimeout)
		sendErr = d.cfg.Sender.Send(sctx, msg)
		cancel()
	}
	if ctx.Err() != nil {
		// Shutting down: the row is due again at once (for the next
		// process), or when its lease ends should this release fail.
		_, _ = d.cfg.Pool.Exec(context.WithoutCancel(ctx), `UPDATE mail_deliveries SET next_attempt_at = $3
			WHERE event_id = $1 AND attempts = $2 AND status = 'pending'`, id, attempts, d.cfg.Now())
		return id, false, ctx.Err()
	}
	attempts++
	done := d.cfg.Now()
	if sendErr == nil {
		_, err = d.cfg.Pool.Exec(ctx, `
			UPDATE mail_deliveries
			SET status = 'sent', attempts = $2, sent_at = $3, last_error = NULL,
			    payload = payload - 'text_body' - 'html_body'
			WHERE event_id = $1 AND attempts = $4 AND status = 'pending'`, id, attempts, done, attempts-1)
	} else {
		status := StatusPending
		if d.cfg.MaxAttempts > 0 && attempts >= d.cfg.MaxAttempts {
			status = StatusFailed
		}
		msgErr := redactError(sendErr)
		d.cfg.Logger.WarnContext(ctx, "mail: delivery failed", "event_id", id, "kind", msg.Kind,
			"attempts", attempts, "status", status, "error", msgErr)
		_, err = d.cfg.Pool.Exec(ctx, `
			UPDATE mail_deliveries
			SET status = $2, attempts = $3, last_error = $4, next_attempt_at = $5
			WHERE event_id = $1 AND attempts = $6 AND status = 'pending'`,
			id, status, attempts, msgErr, done.Add(d.cfg.Backoff(attempts)), attempts-1)
	}
	// A row another dispatcher recorded meanwhile (this one overran its
	// lease) matches nothing and is left as that one recorded it.
	if err != nil {
		return id, false, fmt.Errorf("mail: unable to record delivery of %s: %w", id, err)
	}
	return id, true, nil
}

// leaseMargin is how long past its send timeout a claimed delivery stays
// with the dispatcher that claimed it.
const leaseMargin = 30 * time.Second

// claim takes the next due delivery (not in skip) for one send: it moves
// the row's next attempt past the send and returns the row, in a short
// transaction of its own.
func (d *Dispatcher) claim(ctx context.Context, skip []uuid.UUID) (uuid.UUID, int, []byte, bool, error) {
	var (
		id       uuid.UUID
		attempts int
		payload  []byte
	)
	if skip == nil {
		skip = []uuid.UUID{}
	}
	err := pgx.BeginFunc(ctx, d.cfg.Pool, func(tx pgx.Tx) error {
		now := d.cfg.Now()
		err := tx.QueryRow(ctx, `
			SELECT event_id, attempts, payload FROM mail_deliveries
			WHERE status = 'pending' AND next_attempt_at <= $1 AND NOT (event_id = ANY($2))
			ORDER BY next_attempt_at, event_id
			LIMIT 1
			FOR UPDATE SKIP LOCKED`, now, skip).Scan(&id, &attempts, &payload)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE mail_deliveries SET next_attempt_at = $2 WHERE event_id = $1`,
			id, now.Add(d.cfg.SendTimeout+leaseMargin))
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return uuid.Nil, 0, nil, false, nil
	}
	if err != nil {
		return uuid.Nil, 0, nil, false, fmt.Errorf("mail: unable to claim a due delivery: %w", err)
	}
	return id, attempts, payload, true, nil
}

// Delivery is the state of one queued mail, for status pages and tests.
type Delivery struct {
	EventID       uuid.UUID
	Recipient     string
	Kind          string
	Status        string
	Attempts      int
	LastError     string
	NextAttemptAt time.Time
	SentAt        *time.Time
	// QueuedAt is when the mail was queued (filled by Failed).
	QueuedAt time.Time
}

// Delivery reads the state of one queued mail.
func (d *Dispatcher) Delivery(ctx context.Context, eventID uuid.UUID) (Delivery, error) {
	var out Delivery
	var lastErr *string
	err := d.cfg.Pool.QueryRow(ctx, `
		SELECT event_id, recipient, kind, status, attempts, last_error, next_attempt_at, sent_at
		FROM mail_deliveries WHERE event_id = $1`, eventID).
		Scan(&out.EventID, &out.Recipient, &out.Kind, &out.Status, &out.Attempts, &lastErr,
			&out.NextAttemptAt, &out.SentAt)
	if err != nil {
		return out, fmt.Errorf("mail: unable to read delivery %s: %w", eventID, err)
	}
	if lastErr != nil {
		out.LastError = *lastErr
	}
	return out, nil
}

var urlUserinfo = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]*@`)

// redactError keeps an error fit to store: no URL credentials, bounded length.
func redactError(err error) string {
	s := urlUserinfo.ReplaceAllString(err.Error(), "${1}***@")
	const limit = 1000
	if len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func ptr[T any](v T) *T { return &v }
