// Package postgres is the default event store adapter: the ledger lives in one
// PostgreSQL table, eventstore_events (see migrations/), and every append is
// one transaction.
//
// Global order. Every event row is stamped with its transaction id
// (pg_current_xact_id(), xid8) and an identity sequence. Its Position is
// {Commit: xid, Prepare: seq}. Readers of $all only take rows whose
// transaction is older than the xmin of their own snapshot, i.e. rows of
// transactions that had finished before any still-running one began. A
// transaction that commits late therefore cannot slip in behind a position a
// subscriber has already passed, without serializing writers: a reader simply
// sees a concurrent commit once every older transaction has ended.
//
// Concurrency. Appends to one stream queue on a transaction-scoped advisory
// lock of that stream (see lockSQL), taken before the transaction gets its
// xid; appends to different streams do not wait for each other. The unique
// constraints (stream, revision) and (stream, event_id) back the lock up: one
// winner per revision, and a stored event ID is refused (an idempotent repeat
// is then recognised after the rollback).
//
// Durability. Every append commits with synchronous_commit=on, set on the
// transaction; New refuses a server running with fsync=off unless
// Options.AllowUnsafeFsync says it is a test.
//
// Wake-ups. After a commit the store wakes its own subscriptions directly and
// sends a NOTIFY on Options.Channel (coalesced, from a separate tiny
// transaction: see notifier) for subscriptions of other processes, which
// listen on one dedicated connection per store, but only while another
// store listens (othersListen): a process alone with its database sends
// none. Polling every Options.PollInterval covers lost notifications.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/eventstore"
)

// Defaults of Options.
const (
	DefaultChannel      = "backoffice_events"
	DefaultPollInterval = time.Second
	DefaultPageSize     = 500
)

// Options configure a Store. The zero value is the production setting.
type Options struct {
	// AllowUnsafeFsync lets New start on a server with fsync=off, where a
	// crash can lose acknowledged events. Only for test clusters.
	AllowUnsafeFsync bool
	// Observe, when set, is called after every store operation with its name
	// ("append", "read_stream", "read_all", "head_position"), its duration and
	// its error (nil on success). It must be cheap and must not block.
	Observe func(op string, d time.Duration, err error)
	// Channel is the LISTEN/NOTIFY channel; DefaultChannel when empty. All
	// processes sharing the database must use the same channel.
	Channel string
	// PollInterval is how often an idle subscription re-reads the log in case
	// a notification was lost; DefaultPollInterval when zero.
	PollInterval time.Duration
	// PageSize is how many events a subscription reads per query;
	// DefaultPageSize when zero.
	PageSize int
}

// Store is the PostgreSQL event store. It is safe for concurrent use.
type Store struct {
	pool     *pgxpool.Pool
	opts     Options
	instance string // tells this store's notifications from other stores'

	ctx    context.Context // ends on Close
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu        sync.Mutex
	closed    bool
	listening bool
	notified  uint64        // highest committed append xid this store heard of
	wake      chan struct{} // closed and replaced whenever notified moves or a notification may be lost

	heads heads     // streams' last events, for appends linked in Go
	metas metaCache // decoded metadata of the events commands read
	// Appends linked in Go, and linked attempts that found a stale head
	// (read by tests).
	linkedAppends, staleHeads atomic.Uint64

	notifyMu  sync.Mutex
	notifyXid uint64        // highest local commit not yet announced by NOTIFY
	notifyReq chan struct{} // capacity 1: the notifier has work

	// listenerPID is the backend of this store's LISTEN connection (0:
	// none), which the notifier leaves out when it asks whether any other
	// store listens (see othersListen); listenReady closes once it first
	// listens.
	listenerPID atomic.Uint32
	listenReady chan struct{}

	inAppendSQL string // inAppendSQL with the seq column's sequence
}

var _ eventstore.Store = (*Store)(nil)

// New checks the database and returns a store on it. The caller owns pool and
// closes it after Close. The schema must be migrated first (Migrate).
func New(ctx context.Context, pool *pgxpool.Pool, opts Options) (*Store, error) {
	if pool == nil {
		return nil, errors.New("eventstore/postgres: nil pool")
	}
	if opts.Channel == "" {
		opts.Channel = DefaultChannel
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = DefaultPollInterval
	}
	if opts.PageSize <= 0 {
		opts.PageSize = DefaultPageSize
	}
	var (
		fsync   string
		version int
		schema  bool
	)
	err := pool.QueryRow(ctx, `SELECT current_setting('fsync'),
		current_setting('server_version_num')::int,
		to_regclass('eventstore_events') IS NOT NULL`).
		Scan(&fsync, &version, &schema)
	if err != nil {
		return nil, classify("start", err)
	}
	if version < 130000 {
		return nil, fmt.Errorf("eventstore/postgres: PostgreSQL 13 or later required (xid8, pg_current_snapshot), server is %d", version)
	}
	if fsync != "on" && !opts.AllowUnsafeFsync {
		return nil, fmt.Errorf("eventstore/postgres: refusing to start: the server runs with fsync=%s, so a crash can lose acknowledged events; "+
			"turn fsync on, or set Options.AllowUnsafeFsync for a throwaway test cluster", fsync)
	}
	if !schema {
		return nil, errors.New("eventstore/postgres: table eventstore_events not found: run postgres.Migrate first")
	}
	var seqOID uint32
	if err := pool.QueryRow(ctx, `SELECT pg_get_serial_sequence('eventstore_events', 'seq')::regclass::oid`).Scan(&seqOID); err != nil {
		return nil, classify("start", err)
	}
	sctx, cancel := context.WithCancel(context.Background())
	s := &Store{
		pool:        pool,
		opts:        opts,
		instance:    uuid.NewString()[:8],
		ctx:         sctx,
		cancel:      cancel,
		wake:        make(chan struct{}),
		notifyReq:   make(chan struct{}, 1),
		listenReady: make(chan struct{}),
		inAppendSQL: fmt.Sprintf(inAppendSQL, seqOID),
	}
	s.wg.Add(1)
	go s.notifier()
	return s, nil
}

// Close stops the listener and ends every subscription (their Recv returns
// eventstore.ErrClosed). It does not close the pool.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.wake)
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
	return nil
}

func (s *Store) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// observe reports an operation to Options.Observe.
func (s *Store) observe(op string, start time.Time, err error) {
	if s.opts.Observe != nil {
		s.opts.Observe(op, time.Since(start), err)
	}
}

// classify wraps err with the operation and marks failures that retrying may
// cure (connection loss, server shutting down, too many connections) as
// eventstore.ErrUnavailable.
func classify(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("eventstore/postgres: %s: %w", op, err)
	}
	if unavailable(err) {
		return fmt.Errorf("eventstore/postgres: %s: %w: %w", op, eventstore.ErrUnavailable, err)
	}
	return fmt.Errorf("eventstore/postgres: %s: %w", op, err)
}

func unavailable(err error) bool {
	// A refused new connection is an outage whatever the code inside it
	// (55000: the database does not accept connections right now).
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case len(pgErr.Code) == 5 && pgErr.Code[:2] == "08", // connection exception
			len(pgErr.Code) == 5 && pgErr.Code[:2] == "53",                      // insufficient resources (too many connections, ...)
			pgErr.Code == "57P01", pgErr.Code == "57P02", pgErr.Code == "57P03", // shutting down, cannot connect now
			pgErr.Code == "40001", pgErr.Code == "40P01": // serialization failure, deadlock: safe to retry
			return true
		}
		return false
	}
	var netErr net.Error
	return errors.As(err, &netErr) || pgconn.SafeToRetry(err)
}

const pgUniqueViolation = "23505"

// isUniqueViolation reports a unique violation, of constraint when it is not
// empty.
func isUniqueViolation(err error, constraint string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == pgUniqueViolation &&
		(constraint == "" || pgErr.ConstraintName == constraint)
}

// isDataError reports a value the server refused (class 22: e.g. a NUL
// character or invalid UTF-8 that Go's JSON check lets through).
func isDataError(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && len(pgErr.Code) == 5 && pgErr.Code[:2] == "22"
}
