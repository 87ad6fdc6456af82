package postgres

import (
	"context"
	"errors"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"backoffice/eventstore"
)

// committed records a local commit: local subscriptions wake at once, and the
// notifier announces it to other processes.
func (s *Store) committed(xid uint64) {
	s.heard(xid)
	s.notifyMu.Lock()
	s.notifyXid = max(s.notifyXid, xid)
	s.notifyMu.Unlock()
	select {
	case s.notifyReq <- struct{}{}:
	default: // a request is pending already; it will carry this xid too
	}
}

// heard moves the highest known committed xid and wakes every subscription.
// xid 0 only wakes them (a notification may have been lost).
func (s *Store) heard(xid uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.notified = max(s.notified, xid)
	close(s.wake)
	s.wake = make(chan struct{})
}

// notifySQL announces a commit to other processes. It runs in its own
// transaction after the append's commit, with synchronous_commit off: NOTIFY
// takes a cluster-wide lock at commit and holds it until the commit is done,
// so a NOTIFY inside the append transaction would make every append wait for
// the WAL flush of the one before it. Here the lock is held for microseconds.
// A notification lost in a crash only costs a poll interval.
const notifySQL = `SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, $2)`

// notifyMinInterval spaces the NOTIFYs of one store: the first commit after a
// quiet spell is announced at once, later ones at most this much later.
const notifyMinInterval = 2 * time.Millisecond

// notifier sends one NOTIFY per batch of local commits, so a burst of appends
// costs one notification. The payload is "xid/instance": the highest
// committed xid, and the store that sent it (its own listener skips it, its
// subscriptions were woken at commit already).
func (s *Store) notifier() {
	defer s.wg.Done()
	var others listeners
	send := func(ctx context.Context) {
		s.notifyMu.Lock()
		xid := s.notifyXid
		s.notifyXid = 0
		s.notifyMu.Unlock()
		if xid != 0 && s.othersListen(ctx, &others) {
			_, _ = s.pool.Exec(ctx, notifySQL, s.opts.Channel, strconv.FormatUint(xid, 10)+"/"+s.instance)
		}
	}
	for {
		select {
		case <-s.notifyReq:
			send(s.ctx)
			// Let a burst of commits pile up into the next notification.
			select {
			case <-time.After(notifyMinInterval):
			case <-s.ctx.Done():
			}
		case <-s.ctx.Done():
			// Announce the last commits before the store goes away.
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			send(ctx)
			cancel()
			return
		}
	}
}

// listeners is what the notifier last learnt about other stores' LISTEN
// connections.
type listeners struct {
	any       bool
	checkedAt time.Time
}

// listenLockClass is the first key of the shared advisory lock every LISTEN
// connection holds for as long as it listens (the second is channelKey):
// the lock, not the LISTEN, is what another session can see (pg_locks).
const listenLockClass int32 = 0x6c73746e // "lstn"

// channelKey is the second key of the listeners' lock: the channel's name
// hashed (FNV-1a), kept positive.
func channelKey(channel string) int32 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(channel))
	return int32(h.Sum32() &^ (1 << 31))
}

// othersListenSQL says whether a session other than $3 (our own LISTEN
// connection) holds the listeners' lock in this database.
const othersListenSQL = `SELECT EXISTS (SELECT FROM pg_locks WHERE locktype = 'advisory' AND granted
	AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
	AND classid = $1::int::oid AND objid = $2::int::oid AND objsubid = 2 AND pid <> $3::int)`

// othersListen reports whether another store listens on the channel; the
// answer is kept for listenersCheckInterval. A store alone with its
// database (one serve process) thus sends no NOTIFY at all: each would be a
// transaction per command that nobody hears. The price: a process that
// starts listening may hear another's commits only after that interval
// (plus its own poll) in its first second. When the check fails we notify.
func (s *Store) othersListen(ctx context.Context, l *listeners) bool {
	if !l.checkedAt.IsZero() && time.Since(l.checkedAt) < s.listenersCheckInterval() {
		return l.any
	}
	var found bool
	if err := s.pool.QueryRow(ctx, othersListenSQL, listenLockClass, channelKey(s.opts.Channel),
		int64(s.listenerPID.Load())).Scan(&found); err != nil {
		return true
	}
	l.any, l.checkedAt = found, time.Now()
	return found
}

// listenersCheckInterval is how long othersListen trusts its last answer:
// the poll interval, at most a second.
func (s *Store) listenersCheckInterval() time.Duration {
	return min(s.opts.PollInterval, time.Second)
}

// startListener starts the store's LISTEN connection once; s.mu is held.
func (s *Store) startListener() {
	if s.listening {
		return
	}
	s.listening = true
	s.wg.Add(1)
	go s.listen()
}

// listen keeps one connection LISTENing for all subscriptions of the store
// and fans notifications out to them. After a (re)connect it wakes them all,
// since notifications may have been missed meanwhile.
func (s *Store) listen() {
	defer s.wg.Done()
	backoff := 50 * time.Millisecond
	for s.ctx.Err() == nil {
		conn, err := s.listenConn()
		if err != nil {
			select {
			case <-time.After(backoff):
			case <-s.ctx.Done():
			}
			backoff = min(2*backoff, 5*time.Second)
			continue
		}
		backoff = 50 * time.Millisecond
		s.heard(0)
		for {
			n, err := conn.WaitForNotification(s.ctx)
			if err != nil {
				break
			}
			x, from, _ := strings.Cut(n.Payload, "/")
			if from == s.instance {
				continue
			}
			xid, _ := strconv.ParseUint(x, 10, 64) // 0 (just wake) if malformed
			s.heard(xid)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_ = conn.Close(ctx)
		cancel()
		s.heard(0)
	}
}

// listenConn takes a connection out of the pool for good and listens on it.
func (s *Store) listenConn() (*pgx.Conn, error) {
	c, err := s.pool.Acquire(s.ctx)
	if err != nil {
		return nil, err
	}
	if _, err := c.Exec(s.ctx, "LISTEN "+pgx.Identifier{s.opts.Channel}.Sanitize()); err != nil {
		c.Release()
		return nil, err
	}
	// Held by the session: it goes when the connection does.
	if _, err := c.Exec(s.ctx, `SELECT pg_advisory_lock_shared($1, $2)`, listenLockClass, channelKey(s.opts.Channel)); err != nil {
		c.Release()
		return nil, err
	}
	s.listenerPID.Store(c.Conn().PgConn().PID())
	s.mu.Lock()
	select {
	case <-s.listenReady:
	default:
		close(s.listenReady)
	}
	s.mu.Unlock()
	return c.Hijack(), nil
}

// SubscribeAll implements eventstore.Store.
func (s *Store) SubscribeAll(ctx context.Context, from eventstore.Position) (eventstore.Subscription, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, eventstore.ErrClosed
	}
	s.startListener()
	s.mu.Unlock()
	// Listen before the first read, so other processes' notifiers see us
	// (othersListen) from the start; without the database the poll covers.
	t := time.NewTimer(listenWait)
	select {
	case <-s.listenReady:
	case <-t.C:
	case <-ctx.Done():
	}
	t.Stop()
	head, err := s.head(ctx)
	if err != nil {
		return nil, err
	}
	sctx, cancel := context.WithCancelCause(ctx)
	stop := context.AfterFunc(s.ctx, func() { cancel(eventstore.ErrClosed) })
	return &subscription{store: s, ctx: sctx, cancel: cancel, stop: stop, last: from, caughtUpAt: head}, nil
}

type subscription struct {
	store      *Store
	ctx        context.Context // ends when the subscriber's context ends, on Close, or on store Close
	cancel     context.CancelCauseFunc
	stop       func() bool
	last       eventstore.Position // last delivered (or the start position)
	caughtUpAt eventstore.Position // head when the subscription started
	sentCaught bool
	buf        []eventstore.RecordedEvent
	err        error // sticky: the subscription is dead after any error

	// After a short page (less than PageSize: the reader reached the end
	// of what was visible), idle is the wake channel taken before that read
	// and idleNotified the highest commit heard of then. Once the page is
	// delivered the subscription waits on idle instead of reading again at
	// once: that read would find only commits made after the page's read,
	// and each of those closes idle (a local commit, or another process's
	// NOTIFY). It saves one query, and one transaction, per live event.
	idle         chan struct{}
	idleNotified uint64
}

// listenWait bounds how long SubscribeAll waits for the store's first
// LISTEN.
const listenWait = 2 * time.Second

// maxInvisibleRetry caps the back-off while a commit we heard of is still
// hidden behind an older running transaction.
const maxInvisibleRetry = 200 * time.Millisecond

var errSubClosed = errors.New("eventstore/postgres: subscription closed")

// Recv implements eventstore.Subscription.
func (sub *subscription) Recv(ctx context.Context) (eventstore.SubscriptionMessage, error) {
	if sub.err != nil {
		return eventstore.SubscriptionMessage{}, sub.err
	}
	msg, err := sub.recv(ctx)
	if err != nil {
		if ctx.Err() == nil { // the caller's own deadline does not kill the subscription
			sub.err = err
		}
	}
	return msg, err
}

func (sub *subscription) recv(ctx context.Context) (eventstore.SubscriptionMessage, error) {
	s := sub.store
	retry := time.Millisecond
	for {
		if !sub.sentCaught && !sub.last.Before(sub.caughtUpAt) {
			sub.sentCaught = true
			return eventstore.SubscriptionMessage{CaughtUp: true}, nil
		}
		if len(sub.buf) > 0 {
			e := sub.buf[0]
			sub.buf[0] = eventstore.RecordedEvent{}
			sub.buf = sub.buf[1:]
			sub.last = e.Position
			return eventstore.SubscriptionMessage{Event: &e}, nil
		}
		if err := sub.ended(ctx); err != nil {
			return eventstore.SubscriptionMessage{}, err
		}

		var (
			wake     chan struct{}
			notified uint64
		)
		if sub.idle != nil && sub.sentCaught && sub.idleNotified <= sub.last.Commit {
			wake, notified = sub.idle, sub.idleNotified
			sub.idle = nil
		} else {
			sub.idle = nil
			// Take the wake channel before reading, so a commit that lands
			// after the read still wakes us.
			s.mu.Lock()
			wake, notified = s.wake, s.notified
			s.mu.Unlock()

			page, err := sub.read(ctx)
			if err != nil {
				if e := sub.ended(ctx); e != nil {
					return eventstore.SubscriptionMessage{}, e
				}
				return eventstore.SubscriptionMessage{}, err
			}
			if len(page) > 0 {
				sub.buf = page
				if len(page) < s.opts.PageSize {
					sub.idle, sub.idleNotified = wake, notified
				}
				retry = time.Millisecond
				continue
			}
			if !sub.sentCaught {
				sub.sentCaught = true
				return eventstore.SubscriptionMessage{CaughtUp: true}, nil
			}
		}

		wait := s.opts.PollInterval
		if notified > sub.last.Commit {
			// A commit we heard of is not visible yet: an older transaction
			// is still running. Look again soon rather than at the next poll.
			wait = min(retry, wait)
			retry = min(2*retry, maxInvisibleRetry)
		}
		t := time.NewTimer(wait)
		select {
		case <-wake:
		case <-t.C:
		case <-ctx.Done():
		case <-sub.ctx.Done():
		}
		t.Stop()
	}
}

// read fetches the next page, cancelled by either context.
func (sub *subscription) read(ctx context.Context) ([]eventstore.RecordedEvent, error) {
	rctx, cancel := context.WithCancel(sub.ctx)
	defer cancel()
	stop := context.AfterFunc(ctx, cancel)
	defer stop()
	start := time.Now()
	page, err := sub.store.readAll(rctx, sub.last, sub.store.opts.PageSize)
	sub.store.observe("read_all", start, err)
	return page, err
}

// ended returns why the subscription cannot go on, if it cannot.
func (sub *subscription) ended(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if sub.store.isClosed() {
		return eventstore.ErrClosed
	}
	if sub.ctx.Err() != nil {
		switch cause := context.Cause(sub.ctx); {
		case errors.Is(cause, errSubClosed), errors.Is(cause, eventstore.ErrClosed):
			return eventstore.ErrClosed
		default:
			return cause
		}
	}
	return nil
}

// Close implements eventstore.Subscription.
func (sub *subscription) Close() error {
	sub.cancel(errSubClosed)
	sub.stop()
	return nil
}
