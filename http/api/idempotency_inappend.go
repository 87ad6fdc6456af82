package api

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"backoffice/commands"
	"backoffice/eventstore"
	"backoffice/http/httpx"
)

// keyInAppend runs a OneAppendCommand with its Idempotency-Key recorded in
// the command's own append transaction (eventstore.InAppend), when the
// events live in Pool's database: no claim before and no answer after, each
// a transaction of its own; the PostgreSQL store also runs the command's
// reads in that transaction. The row it writes has the status and position
// but no response: a retry answers by running the command again with
// meta.Retry, which answers from the events the first attempt appended
// (replayFromEvents), and keeps that answer.
//
// What stays as in idempotent: a key recorded already (by an earlier
// attempt, or a request with other content) is found when the append's
// transaction fails on it, or, for a command that appended nothing, when
// the answer is recorded; the caller then goes the claiming way (handled
// false), which replays, refuses (422) or takes a dead claim over. A
// refused command (4xx) looks the key up first, so a retry refused on the
// state its first attempt made (line_exists) still gets the first answer.
// What differs: a retry that arrives while the first attempt is running
// runs too, instead of 409 idempotency_key_in_progress; the event IDs come
// from the key (commands.eventID), so at most one of them appends, and the
// other answers the first's answer.
func (s *Server) keyInAppend(w http.ResponseWriter, r *http.Request, meta commands.Meta, hash string, status int, fn CommandFunc) (handled bool) {
	ctx := r.Context()
	key := &eventstore.InAppend{
		SQL: `INSERT INTO idempotency_keys (actor_id, key, request_hash, status, position)
			SELECT $1, $2, $3, $4, position FROM appended`,
		Args: []any{meta.Actor.AccountID, meta.IdempotencyKey, hash, status},
	}
	res, out, err := fn(eventstore.WithInAppend(ctx, key), meta)
	key.Close() // the command's transaction, when it read and did not append
	bookCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	switch {
	case key.Err() != nil:
		if keyTaken(key.Err()) {
			return false // nothing of this attempt was stored
		}
		s.Error(w, r, err)
	case key.Ran():
		// Recorded with the events: a retry answers from them.
		if err != nil {
			s.Error(w, r, err)
			return true
		}
		writeCommandResult(w, status, res, out)
	case err != nil && httpx.Status(err) >= 500:
		// Nothing recorded, and nothing appended under the key either:
		// the key's row commits with the append or not at all.
		s.Error(w, r, err)
	case err != nil:
		var known bool
		if qerr := s.Pool.QueryRow(bookCtx, `SELECT EXISTS (SELECT FROM idempotency_keys WHERE actor_id = $1 AND key = $2)`,
			meta.Actor.AccountID, meta.IdempotencyKey).Scan(&known); qerr == nil && known {
			return false
		}
		s.Error(w, r, err)
	default:
		// Done without an append (nothing to change, or the events were
		// stored already): record the answer, lazily, as idempotent does.
		rec := newResponseRecorder()
		writeCommandResult(rec, status, res, out)
		tag, err := s.execLazyCommit(bookCtx, `INSERT INTO idempotency_keys (actor_id, key, request_hash, status, response, position)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
			meta.Actor.AccountID, meta.IdempotencyKey, hash, rec.status, rec.body.Bytes(), res.Position.String())
		if err == nil && tag.RowsAffected() == 0 {
			return false
		}
		if err != nil {
			s.Log.ErrorContext(ctx, "store idempotent response", "err", err)
		}
		rec.copyTo(w)
	}
	return true
}

// replayFromEvents answers a retry of a command whose key was recorded in
// its append (keyInAppend): the command runs again with meta.Retry and
// answers from the events the first attempt appended. The answer is kept,
// so later retries are served from it.
func (s *Server) replayFromEvents(w http.ResponseWriter, r *http.Request, meta commands.Meta, status int, fn CommandFunc, body []byte) {
	meta.Retry = true
	r.Body = io.NopCloser(bytes.NewReader(body))
	ctx := r.Context()
	res, out, err := fn(ctx, meta)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	rec := newResponseRecorder()
	writeCommandResult(rec, status, res, out)
	bookCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if _, err := s.execLazyCommit(bookCtx, `UPDATE idempotency_keys SET status = $3, response = $4
		WHERE actor_id = $1 AND key = $2 AND response IS NULL`,
		meta.Actor.AccountID, meta.IdempotencyKey, rec.status, rec.body.Bytes()); err != nil {
		s.Log.ErrorContext(ctx, "store idempotent response", "err", err)
	}
	rec.header.Set("Idempotent-Replayed", "true")
	rec.copyTo(w)
}

// keyTaken reports the failure of recording a key another request recorded
// first.
func keyTaken(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.TableName == "idempotency_keys"
}
