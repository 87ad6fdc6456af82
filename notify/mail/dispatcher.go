package mail

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"backoffice/notify/queue"
)

// Delivery states in mail_deliveries.status. Stored: never rename.
const (
	StatusPending = queue.StatusPending
	StatusSent    = queue.StatusSent
	StatusFailed  = queue.StatusFailed // gave up (MaxAttempts) or the message was invalid
	// StatusWithdrawn: not sent, and never will be: a newer mail replaced
	// it before it went out (WithdrawPending). Not a queue state.
	StatusWithdrawn = "withdrawn"
)

// Execer is what Enqueue needs: a pgx.Tx (the projector's transaction), a
// *pgxpool.Pool or a *pgx.Conn.
type Execer = queue.Execer

// DispatcherConfig configures a Dispatcher (notify/queue's Config). Pool
// and Sender are required. Defaults: Backoff ExponentialBackoff(30 s, 1 h);
// MaxAttempts 0, retrying forever.
type DispatcherConfig = queue.Config[Sender]

// ExponentialBackoff doubles the wait from base after every failure, up to limit.
func ExponentialBackoff(base, limit time.Duration) func(int) time.Duration {
	return queue.ExponentialBackoff(base, limit)
}

// Dispatcher delivers the mails projectors enqueue in mail_deliveries: at
// least once, de-duplicated by event ID, through the notify/queue engine
// (claim with a lease, send with no transaction open, back-off). A mail is
// sent twice only if the process dies between the server's acceptance and
// the update that marks it sent, or a send overruns its lease (SendTimeout
// plus 30 s). Its bodies are removed once it is sent (they may hold
// single-use links); a failed mail keeps them for Retry.
type Dispatcher struct {
	*queue.Queue[Sender, Message]
	cfg        DispatcherConfig
	recipients *recipients
}

// RecipientCheck reports whether the account still takes mail at address
// (not blocked, the address still its own): commands/auth's
// Service.TakesMail. An error fails the attempt, to be retried.
type RecipientCheck func(ctx context.Context, accountID, address string) (bool, error)

// recipients holds the check CheckRecipients sets.
type recipients struct {
	mu    sync.RWMutex
	check RecipientCheck
}

func (r *recipients) get() RecipientCheck {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.check
}

// CheckRecipients makes fn the check, just before its send, of every mail
// queued for an account (Message.AccountID): a mail whose account was
// blocked or whose address changed after it was queued fails with
// ErrRecipientGone. The credentials are commands/auth's table: the check
// is its Go function, not SQL here. Call it before Run; without it no mail
// is checked.
func (d *Dispatcher) CheckRecipients(fn RecipientCheck) {
	d.recipients.mu.Lock()
	defer d.recipients.mu.Unlock()
	d.recipients.check = fn
}

// NewDispatcher checks the config and fills in defaults.
func NewDispatcher(cfg DispatcherConfig) (*Dispatcher, error) {
	// The table this package owns (migrations/0101_outbox.sql), as a literal: readmodel's
	// TestTableOwners holds the engine's writes to it.
	r := &recipients{}
	q, err := queue.New("mail", "mail_deliveries", cfg,
		queue.Defaults{Backoff: ExponentialBackoff(30*time.Second, time.Hour)}, kind{sender: cfg.Sender, recipients: r})
	if err != nil {
		return nil, err
	}
	return &Dispatcher{Queue: q, cfg: q.Config(), recipients: r}, nil
}

// ErrRecipientGone fails a mail for an account (Message.AccountID) that
// was blocked, or whose address changed, after the mail was queued: the
// back office sees it on the failed list, and a retry sends it only once
// the account is unblocked.
var ErrRecipientGone = errors.New("mail: not sent: the account was blocked or its e-mail address changed after the mail was queued")

// kind is what the engine needs of a mail: the stored message is the
// payload column (Message as JSON). Before the send it asks the recipient
// check whether the mail's account (the login credentials, commands/auth,
// which a block changes at once) still takes mail at that address.
type kind struct {
	sender     Sender
	recipients *recipients
}

func (kind) Columns() string   { return "payload" }
func (kind) Recipient() string { return "recipient" }

func (kind) Targets() ([]any, func() (Message, error)) {
	var payload []byte
	return []any{&payload}, func() (Message, error) {
		var msg Message
		err := json.Unmarshal(payload, &msg)
		return msg, err
	}
}

func (k kind) Send(ctx context.Context, msg Message) error {
	if check := k.recipients.get(); check != nil && msg.AccountID != "" {
		ok, err := check(ctx, msg.AccountID, msg.To)
		if err != nil {
			return err
		}
		if !ok {
			return ErrRecipientGone
		}
	}
	return k.sender.Send(ctx, msg)
}
func (kind) Label(msg Message) string { return msg.Kind }
func (kind) Refused(err error) bool {
	return errors.Is(err, ErrRecipientGone) || mailboxRefused(err)
}

func (kind) Clear(sent bool) string {
	if sent {
		return "payload = payload - 'text_body' - 'html_body'"
	}
	return ""
}

func (kind) Settle(uuid.UUID, Message) func(context.Context, pgx.Tx, queue.Result) error { return nil }

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
		status, lastErr = StatusFailed, ptr(queue.Redact(verr))
		d.cfg.Logger.WarnContext(ctx, "mail: invalid message not queued for delivery",
			"event_id", eventID, "kind", msg.Kind, "err", *lastErr)
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

// WithdrawPending withdraws the mails of kind to recipient that are not
// sent: still waiting (a server down) or failed (waiting for a retry by
// the back office), in the caller's transaction: for a new single-use link
// that revokes the one they carry. Their bodies are emptied; the rows
// stay, so CountSince still counts them. A withdrawn mail being sent at
// that moment may still go out.
func (d *Dispatcher) WithdrawPending(ctx context.Context, tx Execer, recipient, kind string) error {
	_, err := tx.Exec(ctx, `UPDATE mail_deliveries
		SET status = 'withdrawn', last_error = 'replaced by a newer mail before it was sent',
		    payload = payload - 'text_body' - 'html_body'
		WHERE recipient = $1 AND kind = $2 AND status IN ('pending', 'failed')`, recipient, kind)
	if err != nil {
		return fmt.Errorf("mail: unable to withdraw pending %s mails: %w", kind, err)
	}
	return nil
}

// Delivery is the state of one queued mail, for status pages and tests
// (Recipient: the address).
type Delivery = queue.Delivery

func ptr[T any](v T) *T { return &v }
