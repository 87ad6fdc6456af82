package api

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// claimLockClass is the first key of the advisory locks that say a
// process is alive (see holdLiveness); the second is the instance ID.
const claimLockClass int32 = 0x69646b79 // "idky"

// newInstanceID names this process in the claims it makes on idempotency
// keys.
func newInstanceID() int32 {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return int32(binary.BigEndian.Uint32(b[:]) &^ (1 << 31))
}

// holdLiveness keeps a session-level advisory lock on (claimLockClass, id)
// for as long as the process lives, on a connection taken out of the pool,
// and keeps the ID it holds in *current: claims name it. When the process
// dies (kill -9) PostgreSQL ends that session and drops the lock, so a
// retry that finds this process's unanswered claim can tell at once that
// nobody is working on it any more and take it over, instead of waiting
// staleClaim (three minutes). When the session breaks (the database
// restarted) it locks a new ID: claims made before, whose requests failed
// with the database, stay free to take over. It closes held once it holds
// a lock the first time, and returns when the pool is closed.
func holdLiveness(pool *pgxpool.Pool, current *atomic.Int32, held chan<- struct{}) {
	for {
		id := newInstanceID()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		conn, err := pool.Acquire(ctx)
		cancel()
		if err != nil {
			if strings.Contains(err.Error(), "closed pool") {
				return
			}
			time.Sleep(time.Second)
			continue
		}
		c := conn.Hijack() // ours for good: the pool opens another
		ctx, cancel = context.WithTimeout(context.Background(), 10*time.Second)
		_, err = c.Exec(ctx, `SELECT pg_advisory_lock($1, $2)`, claimLockClass, id)
		cancel()
		if err == nil {
			current.Store(id)
		}
		if err == nil && held != nil {
			close(held)
			held = nil
		}
		for err == nil {
			time.Sleep(time.Second)
			ctx, cancel = context.WithTimeout(context.Background(), 10*time.Second)
			err = c.Ping(ctx)
			cancel()
			if pingPool(pool) {
				_ = c.Close(context.Background())
				return
			}
		}
		_ = c.Close(context.Background())
		time.Sleep(time.Second)
	}
}

// pingPool reports whether the pool was closed.
func pingPool(pool *pgxpool.Pool) (closed bool) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return strings.Contains(err.Error(), "closed pool")
	}
	conn.Release()
	return false
}
