package sms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/domain/validate"
)

// Delivery states in sms_deliveries.status. Stored: never rename.
const (
	StatusPending = "pending"
	StatusSent    = "sent"
	StatusFailed  = "failed" // gave up (MaxAttempts), refused by the gateway, or invalid
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
	// 15 s doubling, at most 5 min.
	Backoff func(failures int) time.Duration
	// MaxAttempts makes the dispatcher give up (status failed, then the
	// kind's Settled hook) after that many attempts; each attempt is one
	// Send, which may itself try the gateway a few times (Spryng's
	// Attempts). Default 4: a TAN that comes half an hour late is no use,
	// the hook sends it another way.
	MaxAttempts int
	// BatchSize bounds the deliveries one pass sends. Default 20.
	BatchSize int
	// SendTimeout bounds one Send. Default 1 min.
	SendTimeout time.Duration
	// Now is the clock. Default time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Validate reports every problem at once.
func (c DispatcherConfig) Validate() error {
	var errs []error
	if c.Pool == nil {
		errs = append(errs, errors.New("sms: dispatcher needs a Pool"))
	}
	if c.Sender == nil {
		errs = append(errs, errors.New("sms: dispatcher needs a Sender"))
	}
	if c.MaxAttempts < 0 || c.BatchSize < 0 || c.PollInterval < 0 || c.SendTimeout < 0 {
		errs = append(errs, errors.New("sms: dispatcher settings must not be negative"))
	}
	return errors.Join(errs...)
}

// Queued is one message a projector hands to Enqueue.
type Queued struct {
	Message
	// Kind names what the message is for ("sign_tan"); it selects the
	// Settled hook.
	Kind string
	// Ref is the projector's context for its Settled hook (JSON), kept
	// only while the message is pending. May be nil.
	Ref any
}

// Outcome is what became of a queued message, for its kind's Settled hook.
type Outcome struct {
	EventID uuid.UUID
	Kind    string
	// To and Body are the message as queued (they are emptied in the
	// table when the hook's transaction commits).
	To, Body string
	Ref      json.RawMessage
	// Sent: the gateway accepted it. Otherwise the dispatcher gave up:
	// Error says why (never the number or the text).
	Sent  bool
	Error string
}

// SettledFunc runs in the transaction that records a message's final
// state, once per message (again only if that transaction does not
// commit). It may queue a mail through the same transaction. An error of
// a failed message's hook rolls the outcome back (the message is tried
// again on a later pass); an error of a sent message's hook is logged and
// the message stays sent (it was delivered: a second send is worse).
type SettledFunc func(ctx context.Context, tx pgx.Tx, o Outcome) error

// Dispatcher sends the text messages projectors enqueue in sms_deliveries,
// after the projector's transaction committed: a slow gateway holds no
// projector, and a rolled-back projection sends nothing. At least once,
// de-duplicated by event ID; a message goes out twice only if the process
// dies between the gateway's acceptance and the commit that marks it sent,
// or a send overruns its lease (SendTimeout plus 30 s). Several instances
// may run against one database: a delivery is claimed (FOR UPDATE SKIP
// LOCKED, then a lease) and sent with no transaction open (deliverOne).
type Dispatcher struct {
	cfg  DispatcherConfig
	kick chan struct{}

	mu    sync.RWMutex
	hooks map[string]SettledFunc
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
		cfg.Backoff = func(n int) time.Duration { return min(15*time.Second<<min(n-1, 10), 5*time.Minute) }
	}
	if cfg.MaxAttempts == 0 {
		cfg.MaxAttempts = 4
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
	return &Dispatcher{cfg: cfg, kick: make(chan struct{}, 1), hooks: map[string]SettledFunc{}}, nil
}

// OnSettled makes fn the hook of kind's messages. Call it before Run; one
// hook per kind.
func (d *Dispatcher) OnSettled(kind string, fn SettledFunc) error {
	if kind == "" || fn == nil {
		return errors.New("sms: OnSettled needs a kind and a hook")
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, dup := d.hooks[kind]; dup {
		return fmt.Errorf("sms: kind %q has a hook already", kind)
	}
	d.hooks[kind] = fn
	return nil
}

// Enqueue records q for delivery, keyed by the event that caused it, in
// the caller's transaction: the message exists exactly when the
// projector's effect commits. A second Enqueue with the same event ID is a
// no-op, so a replayed event texts once. Call Kick after the commit for
// prompt delivery. An invalid message is queued as due and fails on the
// first pass (its hook then runs), never stalling the projector.
func (d *Dispatcher) Enqueue(ctx context.Context, tx Execer, eventID uuid.UUID, q Queued) error {
	if eventID == uuid.Nil {
		return errors.New("sms: enqueue needs an event ID")
	}
	var ref []byte
	if q.Ref != nil {
		var err error
		if ref, err = json.Marshal(q.Ref); err != nil {
			return fmt.Errorf("sms: encode ref: %w", err)
		}
	}
	now := d.cfg.Now()
	_, err := tx.Exec(ctx, `
		INSERT INTO sms_deliveries (event_id, kind, recipient, masked_recipient, body, ref,
		                            next_attempt_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
		ON CONFLICT (event_id) DO NOTHING`,
		eventID, q.Kind, q.To, validate.MaskMobile(q.To), q.Body, ref, now)
	if err != nil {
		return fmt.Errorf("sms: unable to enqueue delivery for event %s: %w", eventID, err)
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

// Run delivers due messages until ctx ends, then returns nil. It wakes
// every PollInterval and on Kick. Database errors are logged and retried.
func (d *Dispatcher) Run(ctx context.Context) error {
	t := time.NewTicker(d.cfg.PollInterval)
	defer t.Stop()
	for {
		n, err := d.DeliverDue(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			d.cfg.Logger.ErrorContext(ctx, "sms: delivery pass failed", "err", err)
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
	tried := []uuid.UUID{}
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
// No transaction is open while the gateway is asked: an open transaction
// holding a row lock has a transaction ID, and the PostgreSQL event store
// shows no event committed after the oldest such transaction began
// (eventstore/postgres, read.go), so a hanging gateway would stall every
// projector. The claim instead moves the row's next attempt past the send
// (lease): other dispatchers leave it alone meanwhile, and should this
// process die, the row is due again when the lease ends.
func (d *Dispatcher) deliverOne(ctx context.Context, skip []uuid.UUID) (uuid.UUID, bool, error) {
	o, attempts, ok, err := d.claim(ctx, skip)
	if err != nil || !ok {
		return uuid.Nil, false, err
	}
	sctx, cancel := context.WithTimeout(ctx, d.cfg.SendTimeout)
	sendErr := d.cfg.Sender.Send(sctx, Message{To: o.To, Body: o.Body})
	cancel()
	if ctx.Err() != nil {
		// Shutting down: the row is due again at once (for the next
		// process), or when its lease ends should this release fail.
		_, _ = d.cfg.Pool.Exec(context.WithoutCancel(ctx), `UPDATE sms_deliveries SET next_attempt_at = $3
			WHERE event_id = $1 AND attempts = $2 AND status = 'pending'`, o.EventID, attempts, d.cfg.Now())
		return o.EventID, false, ctx.Err()
	}
	if err := d.record(ctx, o, attempts, sendErr); err != nil {
		// Not recorded: due again after the back-off, not at once (the
		// message may have gone out; the pass must not spin on it).
		if _, rerr := d.cfg.Pool.Exec(context.WithoutCancel(ctx), `UPDATE sms_deliveries SET next_attempt_at = $3
			WHERE event_id = $1 AND attempts = $2 AND status = 'pending'`,
			o.EventID, attempts, d.cfg.Now().Add(d.cfg.Backoff(attempts+1))); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return o.EventID, false, err
	}
	return o.EventID, true, nil
}

// claim takes the next due delivery (not in skip) for one send: it moves
// the row's next attempt past the send and returns the row, in a short
// transaction of its own.
func (d *Dispatcher) claim(ctx context.Context, skip []uuid.UUID) (Outcome, int, bool, error) {
	o := Outcome{}
	var attempts int
	err := pgx.BeginFunc(ctx, d.cfg.Pool, func(tx pgx.Tx) error {
		now := d.cfg.Now()
		var ref []byte
		err := tx.QueryRow(ctx, `
			SELECT event_id, kind, recipient, body, ref, attempts FROM sms_deliveries
			WHERE status = 'pending' AND next_attempt_at <= $1 AND NOT (event_id = ANY($2))
			ORDER BY next_attempt_at, event_id
			LIMIT 1
			FOR UPDATE SKIP LOCKED`, now, skip).Scan(&o.EventID, &o.Kind, &o.To, &o.Body, &ref, &attempts)
		if err != nil {
			return err
		}
		o.Ref = ref
		_, err = tx.Exec(ctx, `UPDATE sms_deliveries SET next_attempt_at = $2 WHERE event_id = $1`,
			o.EventID, now.Add(d.cfg.SendTimeout+leaseMargin))
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return o, 0, false, nil
	}
	if err != nil {
		return o, 0, false, fmt.Errorf("sms: unable to claim a due delivery: %w", err)
	}
	return o, attempts, true, nil
}

// leaseMargin is how long past its send timeout a claimed delivery stays
// with the dispatcher that claimed it.
const leaseMargin = 30 * time.Second

// record stores the outcome of one attempt of o (attempts made before it:
// attempts). A row another dispatcher recorded meanwhile (this one
// overran its lease) is left as that one recorded it.
func (d *Dispatcher) record(ctx context.Context, o Outcome, attempts int, sendErr error) error {
	return pgx.BeginFunc(ctx, d.cfg.Pool, func(tx pgx.Tx) error {
		var cur int
		err := tx.QueryRow(ctx, `SELECT attempts FROM sms_deliveries
			WHERE event_id = $1 AND status = 'pending' FOR UPDATE`, o.EventID).Scan(&cur)
		if errors.Is(err, pgx.ErrNoRows) || err == nil && cur != attempts {
			d.cfg.Logger.WarnContext(ctx, "sms: delivery recorded by another dispatcher meanwhile", "event_id", o.EventID)
			return nil
		}
		if err != nil {
			return fmt.Errorf("sms: unable to lock delivery %s: %w", o.EventID, err)
		}
		attempts++
		done := d.cfg.Now()
		status := StatusSent
		if sendErr != nil {
			status = StatusPending
			if Rejected(sendErr) || attempts >= d.cfg.MaxAttempts {
				status = StatusFailed
			}
			o.Error = sendErr.Error() // the package's errors never hold the number or text
			d.cfg.Logger.WarnContext(ctx, "sms: delivery failed", "event_id", o.EventID, "kind", o.Kind,
				"attempts", attempts, "status", status, "err", o.Error)
		}
		if status == StatusPending {
			_, err = tx.Exec(ctx, `
				UPDATE sms_deliveries SET attempts = $2, last_error = $3, next_attempt_at = $4
				WHERE event_id = $1`, o.EventID, attempts, o.Error, done.Add(d.cfg.Backoff(attempts)))
		} else {
			o.Sent = status == StatusSent
			if err := d.settled(ctx, tx, o); err != nil {
				return err
			}
			var sentAt *time.Time
			var lastErr *string
			if o.Sent {
				sentAt = &done
			} else {
				lastErr = &o.Error
			}
			// The number, the text and the hook's context go: the outcome
			// is final (masked_recipient stays for the back office).
			_, err = tx.Exec(ctx, `
				UPDATE sms_deliveries SET status = $2, attempts = $3, sent_at = $4, last_error = $5,
				       recipient = '', body = '', ref = NULL
				WHERE event_id = $1`, o.EventID, status, attempts, sentAt, lastErr)
		}
		if err != nil {
			return fmt.Errorf("sms: unable to record delivery of %s: %w", o.EventID, err)
		}
		return nil
	})
}

// settled runs the kind's hook in a savepoint of tx (a hook whose SQL
// fails leaves tx usable).
func (d *Dispatcher) settled(ctx context.Context, tx pgx.Tx, o Outcome) error {
	d.mu.RLock()
	hook := d.hooks[o.Kind]
	d.mu.RUnlock()
	if hook == nil {
		return nil
	}
	err := pgx.BeginFunc(ctx, tx, func(sp pgx.Tx) error { return hook(ctx, sp, o) })
	if err == nil {
		return nil
	}
	if !o.Sent {
		return fmt.Errorf("sms: the hook of failed delivery %s: %w", o.EventID, err)
	}
	d.cfg.Logger.ErrorContext(ctx, "sms: the hook of a sent message failed; it stays sent",
		"event_id", o.EventID, "kind", o.Kind, "err", err)
	return nil
}

// Delivery is the state of one queued message, for status pages and tests.
type Delivery struct {
	EventID uuid.UUID
	Kind    string
	// MaskedRecipient is the number as the back office may see it.
	MaskedRecipient string
	Status          string
	Attempts        int
	LastError       string
	NextAttemptAt   time.Time
	SentAt          *time.Time
	QueuedAt        time.Time
}

const deliveryColumns = `event_id, kind, masked_recipient, status, attempts, coalesce(last_error, ''),
	next_attempt_at, sent_at, created_at`

func (x *Delivery) scanArgs() []any {
	return []any{&x.EventID, &x.Kind, &x.MaskedRecipient, &x.Status, &x.Attempts, &x.LastError,
		&x.NextAttemptAt, &x.SentAt, &x.QueuedAt}
}

// Delivery reads the state of one queued message.
func (d *Dispatcher) Delivery(ctx context.Context, eventID uuid.UUID) (Delivery, error) {
	var out Delivery
	if err := d.cfg.Pool.QueryRow(ctx, `SELECT `+deliveryColumns+` FROM sms_deliveries WHERE event_id = $1`, eventID).
		Scan(out.scanArgs()...); err != nil {
		return out, fmt.Errorf("sms: unable to read delivery %s: %w", eventID, err)
	}
	return out, nil
}

// Failed lists the messages the dispatcher gave up on, newest first, at
// most limit (1..500): for the back office, with the error and the masked
// number.
func (d *Dispatcher) Failed(ctx context.Context, limit int) ([]Delivery, error) {
	rows, err := d.cfg.Pool.Query(ctx, `SELECT `+deliveryColumns+` FROM sms_deliveries
		WHERE status = 'failed' ORDER BY created_at DESC, event_id LIMIT $1`, min(max(limit, 1), 500))
	if err != nil {
		return nil, fmt.Errorf("sms: unable to list failed deliveries: %w", err)
	}
	out := []Delivery{}
	var x Delivery
	if _, err := pgx.ForEachRow(rows, x.scanArgs(), func() error { out = append(out, x); return nil }); err != nil {
		return nil, fmt.Errorf("sms: unable to list failed deliveries: %w", err)
	}
	return out, nil
}
