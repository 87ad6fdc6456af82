// Package liveness lets other processes tell at once whether this one is
// still alive: a Holder keeps session-level PostgreSQL advisory locks on
// (class, id), one id locked in each of its classes, on a connection of
// its own. Work this process claims names the id; when the process dies
// (kill -9, a crashed host) PostgreSQL ends the session and drops the
// locks, and another process that can take the lock of the work's class
// (pg_try_advisory_xact_lock(class, id)) knows that nobody works on that
// claim any more. A process runs one Holder with every class whose rows
// name its id (the API's claims, the queues' leases: internal/app), so
// its liveness costs one connection. The lock is visible to every process
// on every host that uses the same database; it needs a real session (a
// direct connection or a pooler in session mode, not transaction pooling).
//
// When the session breaks while the process lives (the database
// restarted, the network dropped the connection) the Holder cancels the
// context of the id it held, so work under it stops, and locks a new id:
// claims made under the old one are free to take over from then on.
package liveness

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// PingInterval is how often a Holder checks its session; a broken
// session cancels its id's context within about this long.
const PingInterval = time.Second

// Holder holds one liveness id at a time, locked in each of its classes.
// Its zero id means none is held (yet, or since the session broke).
type Holder struct {
	pool    *pgxpool.Pool
	classes []int32

	mu     sync.Mutex
	id     int32
	ctx    context.Context
	cancel context.CancelFunc
	conn   *pgx.Conn
	held   chan struct{} // closed once the first lock is held
	now    chan struct{} // closed while an id is held; a new one when it is lost
	stop   chan struct{} // closed by Close
	done   chan struct{} // closed when the loop returned
	closed bool
}

// Start holds a liveness id locked in each of classes (at least one) for
// this process until pool is closed or Close is called, all on one
// connection. It returns at once; Wait waits for the lock.
func Start(pool *pgxpool.Pool, classes ...int32) *Holder {
	if len(classes) == 0 {
		panic("liveness: Start needs a class")
	}
	h := &Holder{pool: pool, classes: slices.Clone(classes), held: make(chan struct{}), now: make(chan struct{}),
		stop: make(chan struct{}), done: make(chan struct{})}
	h.ctx, h.cancel = context.WithCancel(context.Background())
	h.cancel() // no id held yet: nothing may run under it
	go h.loop()
	return h
}

// Holds reports whether class is one of the holder's: whether rows that
// name its id under that class see it alive.
func (h *Holder) Holds(class int32) bool { return slices.Contains(h.classes, class) }

// Current is the id held now (0: none) and a context that ends when the
// session holding it ends.
func (h *Holder) Current() (int32, context.Context) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.id, h.ctx
}

// WaitCurrent is Current once an id is held: at once while one is, else
// when the first lock or the one replacing a broken session is taken. Its
// id is 0 when ctx ended or the holder was closed first. Work that names
// the id in rows waits for it, so that no row names nobody (a row without
// a live id can only be waited out, not taken over at once).
func (h *Holder) WaitCurrent(ctx context.Context) (int32, context.Context) {
	for {
		h.mu.Lock()
		id, alive, now := h.id, h.ctx, h.now
		h.mu.Unlock()
		if id != 0 {
			return id, alive
		}
		select {
		case <-now:
		case <-ctx.Done():
			return 0, alive
		case <-h.stop:
			return 0, alive
		}
	}
}

// Wait waits until the first lock is held, ctx ends or the holder is
// closed.
func (h *Holder) Wait(ctx context.Context) {
	select {
	case <-h.held:
	case <-ctx.Done():
	case <-h.stop:
	}
}

// Close drops the lock and ends the session now, as the death of the
// process would, and holds no lock again.
func (h *Holder) Close() {
	h.mu.Lock()
	if !h.closed {
		h.closed = true
		close(h.stop)
	}
	c, id := h.conn, h.id
	h.mu.Unlock()
	if c != nil {
		// From another goroutine: closing the net.Conn under the loop's
		// ping is what a killed process does to its session.
		_ = c.PgConn().Conn().Close()
	}
	<-h.done
	// The server ends the session when it reads the closed socket: wait
	// (bounded) until it has, so that the lock is seen free after Close.
	for i := 0; id != 0 && i < 100; i++ {
		var held bool
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := h.pool.QueryRow(ctx, heldSQL, h.classes[0], id).Scan(&held) // all go with the session
		cancel()
		if err != nil || !held {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// heldSQL says whether some session holds the lock (class $1, id $2) in
// this database.
const heldSQL = `SELECT EXISTS (SELECT FROM pg_locks WHERE locktype = 'advisory' AND granted
	AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
	AND classid = $1::int::oid AND objid = $2::int::oid AND objsubid = 2)`

// newID is a random positive id; a collision with a live holder is
// refused by the lock itself (loop tries another).
func newID() int32 {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return int32(binary.BigEndian.Uint32(b[:])&^(1<<31)) | 1
}

func (h *Holder) loop() {
	defer close(h.done)
	for {
		if h.stopped() {
			return
		}
		if h.hold() == errPoolClosed {
			return
		}
		select {
		case <-h.stop:
			return
		case <-time.After(PingInterval):
		}
	}
}

type sentinel string

func (s sentinel) Error() string { return string(s) }

const errPoolClosed = sentinel("liveness: pool closed")

func (h *Holder) stopped() bool {
	select {
	case <-h.stop:
		return true
	default:
		return false
	}
}

// hold takes a connection out of the pool, locks a fresh id on it in
// every class and pings it until it breaks, the pool is closed or Close
// is called.
func (h *Holder) hold() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	conn, err := h.pool.Acquire(ctx)
	cancel()
	if err != nil {
		if strings.Contains(err.Error(), "closed pool") {
			return errPoolClosed
		}
		return err
	}
	c := conn.Hijack() // ours for good: the pool opens another
	defer func() { _ = c.Close(context.Background()) }()
	var id int32
	for id == 0 {
		try := newID()
		if err := h.lock(c, try); err == errTaken {
			continue
		} else if err != nil {
			return err
		}
		id = try
	}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil
	}
	h.id, h.conn = id, c
	h.ctx, h.cancel = context.WithCancel(context.Background())
	close(h.now)
	h.mu.Unlock()
	select {
	case <-h.held:
	default:
		close(h.held)
	}
	defer func() {
		h.mu.Lock()
		h.cancel()
		h.id, h.conn = 0, nil
		h.now = make(chan struct{})
		h.mu.Unlock()
	}()
	for {
		select {
		case <-h.stop:
			return nil
		case <-time.After(PingInterval):
		}
		ctx, cancel = context.WithTimeout(context.Background(), PingInterval)
		err = c.Ping(ctx)
		cancel()
		if err != nil {
			return err
		}
		if poolClosed(h.pool) {
			return errPoolClosed
		}
	}
}

const errTaken = sentinel("liveness: id taken")

// lock locks id in every class of h on c, or none of them (errTaken: a
// live session holds one of them, in another process or an older
// binary's). The aggregate tries every class before it answers.
func (h *Holder) lock(c *pgx.Conn, id int32) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var all bool
	if err := c.QueryRow(ctx, `SELECT bool_and(pg_try_advisory_lock(class, $2)) FROM unnest($1::int[]) AS class`,
		h.classes, id).Scan(&all); err != nil {
		return err
	}
	if all {
		return nil
	}
	// c is ours alone and holds nothing else.
	if _, err := c.Exec(ctx, `SELECT pg_advisory_unlock_all()`); err != nil {
		return err
	}
	return errTaken
}

// poolClosed reports whether the pool was closed (the process shuts down
// its database use).
func poolClosed(pool *pgxpool.Pool) bool {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return strings.Contains(err.Error(), "closed pool")
	}
	conn.Release()
	return false
}
