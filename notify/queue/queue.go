// Package queue is the delivery-queue engine behind notify/mail and
// notify/sms: a side-effect projector enqueues a message in its own
// transaction, keyed by the event that caused it, and a Queue sends due
// messages after that commit, at least once, with back-off, giving up
// after MaxAttempts, and releasing its claim on shutdown.
//
// The engine owns no table. Each owner package (readmodel.Owners) creates
// and migrates its table, hands the engine its name (a fixed identifier,
// never input) through New, and keeps its own SQL for enqueueing and
// reading. The engine's statements name the table only through the
// placeholder {table}; readmodel's TestTableOwners holds the package that
// calls New to the table it hands over.
//
// The table needs the columns event_id (uuid, primary key), status
// ('pending', 'sent', 'failed'), attempts, last_error, next_attempt_at,
// sent_at and lease_holder (int, null).
package queue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/internal/liveness"
	"backoffice/readmodel/paging"
)

// Delivery states in the status column. Stored: never rename.
const (
	StatusPending = "pending"
	StatusSent    = "sent"
	StatusFailed  = "failed"
)

// Execer is what an owner's Enqueue needs: a pgx.Tx (the projector's
// transaction), a *pgxpool.Pool or a *pgx.Conn.
type Execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// Config configures a Queue; S is the owner's Sender type. Pool and Sender
// are required; zero settings take the owner's defaults (Defaults).
type Config[S any] struct {
	Pool   *pgxpool.Pool
	Sender S
	// PollInterval is how often Run looks for due deliveries without a
	// Kick. Default 1 s.
	PollInterval time.Duration
	// Backoff is the wait after the n-th failed attempt (n >= 1).
	Backoff func(failures int) time.Duration
	// MaxAttempts makes the queue give up (status failed, then the
	// kind's settle hook) after that many attempts. 0 retries forever
	// where the owner's default allows it.
	MaxAttempts int
	// BatchSize bounds the deliveries one pass sends. Default 20.
	BatchSize int
	// SendTimeout bounds one Send. Default 1 min.
	SendTimeout time.Duration
	// Now is the clock. Default time.Now.
	Now    func() time.Time
	Logger *slog.Logger
	// Liveness names this process in the leases it takes, so another
	// process takes them over at once when this one dies; it must hold
	// LeaseLockClass. Default: the queue starts its own on first use; a
	// process shares one among its queues and its API (internal/app).
	Liveness *liveness.Holder
}

// LeaseLockClass is the first key of the advisory lock a queue's process
// holds while it lives (internal/liveness); the second is the holder ID
// in the lease_holder column.
const LeaseLockClass int32 = 0x6e717565 // "nque"

// Validate reports every problem at once.
func (c Config[S]) Validate() error {
	var errs []error
	if c.Pool == nil {
		errs = append(errs, errors.New("dispatcher needs a Pool"))
	}
	if any(c.Sender) == nil {
		errs = append(errs, errors.New("dispatcher needs a Sender"))
	}
	if c.MaxAttempts < 0 || c.BatchSize < 0 || c.PollInterval < 0 || c.SendTimeout < 0 {
		errs = append(errs, errors.New("dispatcher settings must not be negative"))
	}
	if c.Liveness != nil && !c.Liveness.Holds(LeaseLockClass) {
		// Its leases would look dead to every other process.
		errs = append(errs, errors.New("dispatcher needs a Liveness that holds LeaseLockClass"))
	}
	return errors.Join(errs...)
}

// Defaults are an owner's choices for the settings its callers leave zero.
type Defaults struct {
	Backoff     func(failures int) time.Duration
	MaxAttempts int
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

// Kind is what the engine needs of one owner's messages (M: a claimed
// row, decoded).
type Kind[M any] interface {
	// Columns are the columns a claim reads besides event_id and
	// attempts, in the order of Targets.
	Columns() string
	// Recipient is the column that shows the recipient as the back
	// office may see it (Delivery.Recipient).
	Recipient() string
	// Targets returns the scan targets of Columns and the function that
	// makes the message of them once scanned. Its error fails the attempt
	// as a send error does.
	Targets() (dest []any, decode func() (M, error))
	// Send delivers m. An error means it may not have been delivered.
	Send(ctx context.Context, m M) error
	// Label names m's kind in log lines ("activation", "sign_tan").
	Label(m M) string
	// Refused reports a send error retrying cannot change: the queue
	// gives up at once.
	Refused(err error) bool
	// Clear is the SET list that empties what must not outlive the
	// outcome ("body = ''"), for a message sent or given up; "" keeps all.
	Clear(sent bool) string
	// Settle returns m's hook for its final outcome, or nil. The hook
	// runs in a savepoint of the transaction that records the outcome;
	// an error of a given-up message's hook rolls the outcome back (the
	// message is tried again after a back-off), an error of a sent
	// message's hook is logged and the message stays sent (a second send
	// is worse).
	Settle(eventID uuid.UUID, m M) func(ctx context.Context, tx pgx.Tx, r Result) error
}

// Result is the final outcome of a message, for its settle hook.
type Result struct {
	// Sent: delivered. Otherwise the queue gave up; Error says why.
	Sent  bool
	Error string
}

// Queue delivers the messages of one owner's table: at least once,
// de-duplicated by event ID. Several instances may run against one
// database: a delivery is claimed (FOR UPDATE SKIP LOCKED, then a lease
// past its send, naming this process's liveness lock) before it is sent,
// with no transaction open during the send. Another queue takes a lease
// over before its end only when its holder's lock is free: the holder
// died (or lost its database session, which cancels its send). A message
// goes out twice only if the process dies (or loses its session) between
// the receiver's acceptance and the update that records it, or a send
// overruns its lease (SendTimeout plus 30 s).
type Queue[S, M any] struct {
	cfg  Config[S]
	kind Kind[M]
	name string // the owner's log and error prefix ("mail")
	sql  statements
	kick chan struct{}

	liveOnce sync.Once
	live     *liveness.Holder
}

// New checks cfg, fills in the defaults and returns the queue of table
// (the owner's fixed table name). name prefixes errors and log lines.
func New[S, M any](name, table string, cfg Config[S], def Defaults, kind Kind[M]) (*Queue[S, M], error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if !tableName.MatchString(table) {
		return nil, fmt.Errorf("%s: %q is not a table name", name, table)
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = time.Second
	}
	if cfg.Backoff == nil {
		cfg.Backoff = def.Backoff
	}
	if cfg.MaxAttempts == 0 {
		cfg.MaxAttempts = def.MaxAttempts
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
	return &Queue[S, M]{cfg: cfg, kind: kind, name: name, sql: newStatements(table, kind),
		kick: make(chan struct{}, 1)}, nil
}

// Config is the queue's configuration with its defaults filled in.
func (q *Queue[S, M]) Config() Config[S] { return q.cfg }

// Kick wakes Run now instead of at the next poll. It never blocks.
func (q *Queue[S, M]) Kick() {
	select {
	case q.kick <- struct{}{}:
	default:
	}
}

// Run delivers due messages until ctx ends, then returns nil. It wakes
// every PollInterval and on Kick. Database errors are logged and retried.
func (q *Queue[S, M]) Run(ctx context.Context) error {
	t := time.NewTicker(q.cfg.PollInterval)
	defer t.Stop()
	for {
		n, err := q.DeliverDue(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			q.cfg.Logger.ErrorContext(ctx, q.name+": delivery pass failed", "err", err)
		} else if n == q.cfg.BatchSize {
			continue // more may be due
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-q.kick:
		}
	}
}

// DeliverDue makes one pass: it attempts up to BatchSize due deliveries,
// each claimed and recorded in transactions of its own, and returns how
// many it attempted. A delivery is attempted at most once per pass.
func (q *Queue[S, M]) DeliverDue(ctx context.Context) (int, error) {
	tried := []uuid.UUID{}
	for len(tried) < q.cfg.BatchSize {
		id, ok, err := q.deliverOne(ctx, tried)
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
// No transaction is open while the receiver is talked to: an open
// transaction holding a row lock has a transaction ID, and the PostgreSQL
// event store shows no event committed after the oldest such transaction
// began (eventstore/postgres, read.go), so a hanging mail server or
// gateway would stall every projector. The claim instead moves the row's
// next attempt past the send (a lease): other queues leave it alone
// meanwhile, and should this process die, the row is due again when the
// lease ends.
func (q *Queue[S, M]) deliverOne(ctx context.Context, skip []uuid.UUID) (uuid.UUID, bool, error) {
	holder, alive := q.holder(ctx)
	if holder == nil {
		return uuid.Nil, false, nil // no liveness lock: due again next round
	}
	id, attempts, m, sendErr, ok, err := q.claim(ctx, skip, holder)
	if err != nil || !ok {
		return uuid.Nil, false, err
	}
	if sendErr == nil {
		sctx, cancel := context.WithTimeout(ctx, q.cfg.SendTimeout)
		// The session that holds the lease broke: another queue may take
		// the message over now, so this one stops sending.
		defer context.AfterFunc(alive, cancel)()
		sendErr = q.kind.Send(sctx, m)
		cancel()
	}
	if ctx.Err() != nil {
		// Shutting down: the row is due again at once (for the next
		// process), or when its lease ends should this release fail.
		_, _ = q.cfg.Pool.Exec(context.WithoutCancel(ctx), q.sql.release, id, attempts, q.cfg.Now(), holder)
		return id, false, ctx.Err()
	}
	if sendErr != nil && alive.Err() != nil {
		// Stopped because the lease's holder lost its session: no attempt
		// counted, due again at once (unless another queue took it over
		// already: the release matches only this holder's lease).
		if _, err := q.cfg.Pool.Exec(ctx, q.sql.release, id, attempts, q.cfg.Now(), holder); err != nil {
			return id, false, fmt.Errorf("%s: unable to release delivery %s: %w", q.name, id, err)
		}
		q.cfg.Logger.WarnContext(ctx, q.name+": send stopped: the database session of its lease broke", "event_id", id)
		return id, true, nil
	}
	if err := q.record(ctx, id, attempts, holder, m, sendErr); err != nil {
		// Not recorded: due again after the back-off, not at once (the
		// message may have gone out; the pass must not spin on it).
		if _, rerr := q.cfg.Pool.Exec(context.WithoutCancel(ctx), q.sql.release,
			id, attempts, q.cfg.Now().Add(q.cfg.Backoff(attempts+1)), holder); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return id, false, err
	}
	return id, true, nil
}

// leaseMargin is how long past its send timeout a claimed delivery stays
// with the queue that claimed it (while its holder lives, or when the
// holder is not known).
const leaseMargin = 30 * time.Second

// holder is the liveness ID this process's leases name now, and the
// context that ends when it is no longer held. Before the first lock, or
// while the database session that held it is being replaced, it waits for
// one (at most a few seconds); nil if none came: the queue then leases
// nothing this round, as a lease naming nobody could only be waited out
// (send timeout + leaseMargin), never taken over at once.
func (q *Queue[S, M]) holder(ctx context.Context) (*int32, context.Context) {
	q.liveOnce.Do(func() {
		q.live = q.cfg.Liveness
		if q.live == nil {
			q.live = liveness.Start(q.cfg.Pool, LeaseLockClass)
		}
	})
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	id, alive := q.live.WaitCurrent(wctx)
	cancel()
	if id == 0 {
		return nil, nil
	}
	return &id, alive
}

// claim takes the next due delivery (not in skip) for one send, or one
// whose lease names a holder that is gone: it moves the row's next attempt
// past the send, names holder in the lease and returns the row, in a short
// transaction of its own. decodeErr is the kind's decoding error.
func (q *Queue[S, M]) claim(ctx context.Context, skip []uuid.UUID, holder *int32) (id uuid.UUID, attempts int, m M, decodeErr error, ok bool, err error) {
	dest, decode := q.kind.Targets()
	err = pgx.BeginFunc(ctx, q.cfg.Pool, func(tx pgx.Tx) error {
		now := q.cfg.Now()
		if err := tx.QueryRow(ctx, q.sql.claim, now, skip, LeaseLockClass).Scan(append([]any{&id, &attempts}, dest...)...); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, q.sql.lease, id, now.Add(q.cfg.SendTimeout+leaseMargin), holder)
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return id, 0, m, nil, false, nil
	}
	if err != nil {
		return id, 0, m, nil, false, fmt.Errorf("%s: unable to claim a due delivery: %w", q.name, err)
	}
	m, decodeErr = decode()
	return id, attempts, m, decodeErr, true, nil
}

// record stores the outcome of one attempt of m (attempts made before
// it: attempts). The update matches only the row as this queue claimed
// it: a row another queue recorded meanwhile (this one overran its lease)
// is left as that one recorded it. A final outcome with a settle hook is
// recorded in a transaction with the hook.
func (q *Queue[S, M]) record(ctx context.Context, id uuid.UUID, attempts int, holder *int32, m M, sendErr error) error {
	attempts++
	done := q.cfg.Now()
	r := Result{Sent: sendErr == nil}
	status := StatusSent
	if sendErr != nil {
		status = StatusPending
		if q.kind.Refused(sendErr) || q.cfg.MaxAttempts > 0 && attempts >= q.cfg.MaxAttempts {
			status = StatusFailed
		}
		r.Error = Redact(sendErr)
		q.cfg.Logger.WarnContext(ctx, q.name+": delivery failed", "event_id", id, "kind", q.kind.Label(m),
			"attempts", attempts, "status", status, "err", r.Error)
	}
	var hook func(context.Context, pgx.Tx, Result) error
	if status != StatusPending {
		hook = q.kind.Settle(id, m)
	}
	write := func(db Execer) (bool, error) {
		var tag pgconn.CommandTag
		var err error
		switch status {
		case StatusSent:
			tag, err = db.Exec(ctx, q.sql.sent, id, attempts, done, attempts-1, holder)
		case StatusFailed:
			tag, err = db.Exec(ctx, q.sql.failed, id, attempts, r.Error, done.Add(q.cfg.Backoff(attempts)), attempts-1, holder)
		default:
			tag, err = db.Exec(ctx, q.sql.retry, id, attempts, r.Error, done.Add(q.cfg.Backoff(attempts)), attempts-1, holder)
		}
		if err != nil {
			return false, fmt.Errorf("%s: unable to record delivery of %s: %w", q.name, id, err)
		}
		if tag.RowsAffected() == 0 {
			q.cfg.Logger.WarnContext(ctx, q.name+": delivery recorded by another dispatcher meanwhile", "event_id", id)
			return false, nil
		}
		return true, nil
	}
	if hook == nil {
		_, err := write(q.cfg.Pool)
		return err
	}
	return pgx.BeginFunc(ctx, q.cfg.Pool, func(tx pgx.Tx) error {
		if mine, err := write(tx); err != nil || !mine {
			return err
		}
		err := pgx.BeginFunc(ctx, tx, func(sp pgx.Tx) error { return hook(ctx, sp, r) })
		if err == nil {
			return nil
		}
		if !r.Sent {
			return fmt.Errorf("%s: the hook of failed delivery %s: %w", q.name, id, err)
		}
		q.cfg.Logger.ErrorContext(ctx, q.name+": the hook of a sent message failed; it stays sent",
			"event_id", id, "kind", q.kind.Label(m), "err", err)
		return nil
	})
}

// Delivery is the state of one queued message, for status pages and tests.
type Delivery struct {
	EventID uuid.UUID
	Kind    string
	// Recipient is as the back office may see it: the mail address, the
	// masked number of a text message (Kind.Recipient).
	Recipient     string
	Status        string
	Attempts      int
	LastError     string
	NextAttemptAt time.Time
	SentAt        *time.Time
	QueuedAt      time.Time
}

func (x *Delivery) scanArgs() []any {
	return []any{&x.EventID, &x.Kind, &x.Recipient, &x.Status, &x.Attempts, &x.LastError,
		&x.NextAttemptAt, &x.SentAt, &x.QueuedAt}
}

// Delivery reads the state of one queued message.
func (q *Queue[S, M]) Delivery(ctx context.Context, eventID uuid.UUID) (Delivery, error) {
	var out Delivery
	if err := q.cfg.Pool.QueryRow(ctx, q.sql.delivery, eventID).Scan(out.scanArgs()...); err != nil {
		return out, fmt.Errorf("%s: unable to read delivery %s: %w", q.name, eventID, err)
	}
	return out, nil
}

// Failed is the first page of FailedPage with limit (1..500) deliveries.
func (q *Queue[S, M]) Failed(ctx context.Context, limit int) ([]Delivery, error) {
	ds, _, err := q.FailedPage(ctx, paging.Request{Limit: min(max(limit, 1), paging.MaxLimit)})
	return ds, err
}

// FailedPage lists one page of the deliveries the queue gave up on,
// newest first (readmodel/paging: page.Limit, default 100, at most 500,
// after page.Cursor), and the cursor of the next page ("" on the last):
// for the back office, with the error; never the message. A bad limit or
// cursor is limit_invalid or cursor_invalid, before anything is read.
func (q *Queue[S, M]) FailedPage(ctx context.Context, page paging.Request) ([]Delivery, string, error) {
	window, err := page.SQL()
	if err != nil {
		return nil, "", err
	}
	rows, err := q.cfg.Pool.Query(ctx, q.sql.failedList+window)
	if err != nil {
		return nil, "", fmt.Errorf("%s: unable to list failed deliveries: %w", q.name, err)
	}
	out := []Delivery{}
	var x Delivery
	if _, err := pgx.ForEachRow(rows, x.scanArgs(), func() error { out = append(out, x); return nil }); err != nil {
		return nil, "", fmt.Errorf("%s: unable to list failed deliveries: %w", q.name, err)
	}
	out, next := paging.Trim(page, out)
	return out, next, nil
}

// Backlog is what waits in a queue, for the operator's metrics.
type Backlog struct {
	Pending  int64 // waiting to be sent, retries included
	Retrying int64 // pending after a failed attempt
	Failed   int64 // given up; they wait for the back office
	// OldestPending is the age of the oldest pending message (0: none).
	OldestPending time.Duration
}

// Backlog counts the queue's pending, retrying and failed messages.
func (q *Queue[S, M]) Backlog(ctx context.Context) (Backlog, error) {
	var b Backlog
	var oldest float64
	if err := q.cfg.Pool.QueryRow(ctx, q.sql.backlog).Scan(&b.Pending, &b.Retrying, &oldest, &b.Failed); err != nil {
		return b, fmt.Errorf("%s: unable to count the backlog: %w", q.name, err)
	}
	b.OldestPending = time.Duration(max(oldest, 0) * float64(time.Second))
	return b, nil
}

// statements are the engine's SQL for one table.
type statements struct {
	claim, lease, release, sent, failed, retry string
	delivery, failedList, backlog              string
}

var tableName = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// newStatements writes the engine's SQL for table. The updates of an
// outcome match a row only as this queue claimed it ($1 the event, the
// last arguments the attempts before the send and the lease's holder).
// The claim takes a leased row before its lease ends when its holder's
// liveness lock ($3 its class) is free: the transaction-level try takes
// it only when no session holds it, and lets go at the commit.
func newStatements[M any](table string, kind Kind[M]) statements {
	set := func(clear string) string {
		if clear == "" {
			return ""
		}
		return ", " + clear
	}
	s := statements{
		claim: `SELECT event_id, attempts, ` + kind.Columns() + ` FROM {table}
			WHERE status = 'pending' AND NOT (event_id = ANY($2))
			AND (next_attempt_at <= $1 OR lease_holder IS NOT NULL AND pg_try_advisory_xact_lock($3::int, lease_holder))
			ORDER BY next_attempt_at, event_id
			LIMIT 1
			FOR UPDATE SKIP LOCKED`,
		lease: `UPDATE {table} SET next_attempt_at = $2, lease_holder = $3 WHERE event_id = $1`,
		release: `UPDATE {table} SET next_attempt_at = $3, lease_holder = NULL
			WHERE event_id = $1 AND attempts = $2 AND status = 'pending' AND lease_holder IS NOT DISTINCT FROM $4`,
		sent: `UPDATE {table} SET status = 'sent', attempts = $2, sent_at = $3, last_error = NULL, lease_holder = NULL` + set(kind.Clear(true)) + `
			WHERE event_id = $1 AND attempts = $4 AND status = 'pending' AND lease_holder IS NOT DISTINCT FROM $5`,
		failed: `UPDATE {table} SET status = 'failed', attempts = $2, last_error = $3, next_attempt_at = $4, lease_holder = NULL` + set(kind.Clear(false)) + `
			WHERE event_id = $1 AND attempts = $5 AND status = 'pending' AND lease_holder IS NOT DISTINCT FROM $6`,
		retry: `UPDATE {table} SET attempts = $2, last_error = $3, next_attempt_at = $4, lease_holder = NULL
			WHERE event_id = $1 AND attempts = $5 AND status = 'pending' AND lease_holder IS NOT DISTINCT FROM $6`,
	}
	state := `SELECT event_id, kind, ` + kind.Recipient() + `, status, attempts, coalesce(last_error, ''),
		next_attempt_at, sent_at, created_at FROM {table}`
	s.delivery = state + ` WHERE event_id = $1`
	s.failedList = state + ` WHERE status = 'failed' ORDER BY created_at DESC, event_id` // + the page's window
	// Pending rows through the table's partial index on them; failed rows
	// are few.
	s.backlog = `SELECT count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'pending' AND attempts > 0),
		COALESCE(EXTRACT(EPOCH FROM now() - min(created_at) FILTER (WHERE status = 'pending')), 0)::float8,
		count(*) FILTER (WHERE status = 'failed')
		FROM {table} WHERE status <> 'sent'`
	for _, p := range []*string{&s.claim, &s.lease, &s.release, &s.sent, &s.failed, &s.retry, &s.delivery, &s.failedList, &s.backlog} {
		*p = strings.ReplaceAll(*p, "{table}", table)
	}
	return s
}

var (
	urlUserinfo = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]*@`)
	// An e-mail address after a space, quote, bracket or separator (not
	// the user info of a URL, already redacted).
	mailAddress = regexp.MustCompile(`(^|[\s<"'(,;\[])[^\s<>"'(),;:/@\[\]]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+`)
)

// Redact keeps an error fit to store and log: no URL credentials, no
// e-mail addresses (a mail server's refusal names the recipient; the
// delivery's recipient column shows it to the back office), bounded
// length.
func Redact(err error) string {
	s := urlUserinfo.ReplaceAllString(err.Error(), "${1}***@")
	s = mailAddress.ReplaceAllString(s, "${1}[address]")
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
