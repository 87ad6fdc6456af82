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
type cmdTx struct {
	store *Store
	conn  *pgxpool.Conn
	open  bool // a transaction is open on conn
}

// heldTx is the connection a holds for this store, or nil.
func (s *Store) heldTx(a *eventstore.InAppend) *cmdTx {
	if a == nil {
		return nil
	}
	if t, ok := a.Held().(*cmdTx); ok && t.store == s {
		return t
	}
	return nil
}

// cmdTxOf is the connection ctx's InAppend holds, taken from the pool on
// first use; nil when ctx carries none (or one another store holds).
func (s *Store) cmdTxOf(ctx context.Context) (*cmdTx, error) {
	a := eventstore.InAppendFrom(ctx)
	if a == nil {
		return nil, nil
	}
	if t := s.heldTx(a); t != nil {
		return t, nil
	}
	if a.Held() != nil {
		return nil, nil
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	t := &cmdTx{store: s, conn: conn}
	a.Hold(t, func() {
		t.end()
		conn.Release()
	})
	return t, nil
}

// end rolls back a transaction left open (the command read and did not
// append, or a statement failed), so the connection is idle again.
func (t *cmdTx) end() {
	c := t.conn.Conn()
	if c.PgConn().TxStatus() != 'I' && !c.IsClosed() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, _ = t.conn.Exec(ctx, "ROLLBACK")
		cancel()
	}
	t.open = false
}
