package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/eventstore"
)

// cmdTx is the connection an eventstore.InAppend holds for one command: the
// transaction its ReadStreams begins is the one its append continues and
// commits, so reading, appending and the caller's statement cost one
// transaction. Nothing is locked while it is open: the read takes no row
// lock and no xid, the stream lock comes with the append (lockSQL), and in
// READ COMMITTED each statement takes its own snapshot, so the append still
// decides on what is there once it holds the lock.
//
// The connection is held only while that transaction is open: once the
// append commits or fails (or the read fails) it goes back to the pool, so a
// command never holds one connection while it waits for another (a failed
// append looks up repeats through the pool; with every connection held by
// commands waiting for one more, the pool would deadlock).
type cmdTx struct {
	store *Store
	conn  *pgxpool.Conn // nil when released
	open  bool          // a transaction is open on conn
}

// heldTx is the connection a holds for this store with its transaction
// open, or nil.
func (s *Store) heldTx(a *eventstore.InAppend) *cmdTx {
	if a == nil {
		return nil
	}
	if t, ok := a.Held().(*cmdTx); ok && t.store == s && t.conn != nil {
		return t
	}
	return nil
}

// cmdTxOf is the connection ctx's InAppend holds, taken from the pool when
// it holds none; nil when ctx carries no InAppend (or one another store
// uses).
func (s *Store) cmdTxOf(ctx context.Context) (*cmdTx, error) {
	a := eventstore.InAppendFrom(ctx)
	if a == nil {
		return nil, nil
	}
	t, ok := a.Held().(*cmdTx)
	if !ok {
		if a.Held() != nil {
			return nil, nil
		}
		t = &cmdTx{store: s}
		a.Hold(t, t.end)
	}
	if t.store != s {
		return nil, nil
	}
	if t.conn == nil {
		conn, err := s.pool.Acquire(ctx)
		if err != nil {
			return nil, err
		}
		t.conn = conn
	}
	return t, nil
}

// end rolls back a transaction left open (the command read and did not
// append, or a statement failed) and gives the connection back.
func (t *cmdTx) end() {
	if t.conn == nil {
		return
	}
	c := t.conn.Conn()
	if c.PgConn().TxStatus() != 'I' && !c.IsClosed() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, _ = t.conn.Exec(ctx, "ROLLBACK")
		cancel()
	}
	t.conn.Release()
	t.conn, t.open = nil, false
}
