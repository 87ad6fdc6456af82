package sms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"backoffice/domain/validate"
	"backoffice/notify/queue"
)

// Delivery states in sms_deliveries.status. Stored: never rename.
const (
	StatusPending = queue.StatusPending
	StatusSent    = queue.StatusSent
	StatusFailed  = queue.StatusFailed // gave up (MaxAttempts), refused by the gateway, or invalid
)

// Execer is what Enqueue needs: a pgx.Tx (the projector's transaction), a
// *pgxpool.Pool or a *pgx.Conn.
type Execer = queue.Execer

// DispatcherConfig configures a Dispatcher (notify/queue's Config). Pool
// and Sender are required. Defaults: Backoff 15 s doubling, at most 5 min;
// MaxAttempts 4 (each attempt is one Send, which may itself try the
// gateway a few times: Spryng's Attempts), as a TAN that comes half an
// hour late is no use: the kind's Settled hook sends it another way.
type DispatcherConfig = queue.Config[Sender]

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
// after the projector's transaction committed, through the notify/queue
// engine: a slow gateway holds no projector, and a rolled-back projection
// sends nothing. At least once, de-duplicated by event ID; a message goes
// out twice only if the process dies between the gateway's acceptance and
// the commit that marks it sent, or a send overruns its lease (SendTimeout
// plus 30 s). The number, the text and the hook's context are emptied once
// the outcome is final.
type Dispatcher struct {
	*queue.Queue[Sender, Outcome]
	cfg   DispatcherConfig
	hooks *hooks
}

// NewDispatcher checks the config and fills in defaults.
func NewDispatcher(cfg DispatcherConfig) (*Dispatcher, error) {
	h := &hooks{byKind: map[string]SettledFunc{}}
	// The table this package owns (migrations/0001_sms_deliveries.sql), as a literal: readmodel's
	// TestTableOwners holds the engine's writes to it.
	q, err := queue.New("sms", "sms_deliveries", cfg, queue.Defaults{
		Backoff:     func(n int) time.Duration { return min(15*time.Second<<min(n-1, 10), 5*time.Minute) },
		MaxAttempts: 4,
	}, kind{sender: cfg.Sender, hooks: h})
	if err != nil {
		return nil, err
	}
	return &Dispatcher{Queue: q, cfg: q.Config(), hooks: h}, nil
}

// hooks are the Settled hooks by kind.
type hooks struct {
	mu     sync.RWMutex
	byKind map[string]SettledFunc
}

// OnSettled makes fn the hook of kind's messages. Call it before Run; one
// hook per kind.
func (d *Dispatcher) OnSettled(kind string, fn SettledFunc) error {
	if kind == "" || fn == nil {
		return errors.New("sms: OnSettled needs a kind and a hook")
	}
	d.hooks.mu.Lock()
	defer d.hooks.mu.Unlock()
	if _, dup := d.hooks.byKind[kind]; dup {
		return fmt.Errorf("sms: kind %q has a hook already", kind)
	}
	d.hooks.byKind[kind] = fn
	return nil
}

// kind is what the engine needs of a text message.
type kind struct {
	sender Sender
	hooks  *hooks
}

func (kind) Columns() string   { return "kind, recipient, body, ref" }
func (kind) Recipient() string { return "masked_recipient" }

func (kind) Targets() ([]any, func() (Outcome, error)) {
	var o Outcome
	var ref []byte
	return []any{&o.Kind, &o.To, &o.Body, &ref}, func() (Outcome, error) {
		o.Ref = ref
		return o, nil
	}
}

func (k kind) Send(ctx context.Context, o Outcome) error {
	return k.sender.Send(ctx, Message{To: o.To, Body: o.Body})
}

func (kind) Label(o Outcome) string { return o.Kind }

// Refused: the gateway refused it for good, or it was invalid. The
// package's errors never hold the number or the text.
func (kind) Refused(err error) bool { return Rejected(err) }

// Clear: the number, the text and the hook's context go once the outcome
// is final (masked_recipient stays for the back office).
func (kind) Clear(bool) string { return "recipient = '', body = '', ref = NULL" }

func (k kind) Settle(eventID uuid.UUID, o Outcome) func(context.Context, pgx.Tx, queue.Result) error {
	k.hooks.mu.RLock()
	hook := k.hooks.byKind[o.Kind]
	k.hooks.mu.RUnlock()
	if hook == nil {
		return nil
	}
	return func(ctx context.Context, tx pgx.Tx, r queue.Result) error {
		o.EventID, o.Sent, o.Error = eventID, r.Sent, r.Error
		return hook(ctx, tx, o)
	}
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

// Delivery is the state of one queued message, for status pages and tests.
// Recipient is the masked number ("+31 6 ••• ••78"), as the back office
// may see it.
type Delivery = queue.Delivery
