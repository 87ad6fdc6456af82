package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/eventstore"
	"backoffice/http/httpx"
)

// idempotent runs a command at most once per (actor, key): the first call
// claims the key, runs and stores the answer; a retry gets the stored answer.
// A different request under the same key is refused (422); a retry while
// the first is still running gets 409. A claim left without an answer for
// longer than staleClaim, or whose process died mid-request (kill -9: its
// liveness lock is gone), is taken over by the next retry, and so is one
// whose command failed on our side (5xx: its append may have committed
// before the failure). Such a retry runs with
// meta.Retry: the handler answers from the events the first attempt
// appended, if any, and the event IDs come from the key and the request
// alone, so the store refuses to append them twice.
//
// oneAppend says fn makes at most one append (Server.OneAppendCommand):
// with the events in Pool's database (LazyClaims) the key is then recorded
// in that append's own transaction (keyInAppend) instead of being claimed
// before and answered after in two transactions of their own.
func (s *Server) idempotent(w http.ResponseWriter, r *http.Request, meta commands.Meta, status int, fn CommandFunc, oneAppend bool) {
	if len(meta.IdempotencyKey) > 200 {
		s.Error(w, r, domain.Invalid("idempotency_key_too_long", "Idempotency-Key", "Idempotency-Key is longer than 200 characters", "Idempotency-Key is langer dan 200 tekens."))
		return
	}
	body, err := io.ReadAll(httpx.LimitBody(r, httpx.MaxJSONBody))
	if err != nil {
		if domain.KindOf(err) != domain.KindTooLarge {
			err = domain.Invalid("malformed_json", "", "the body could not be read", "De inhoud kon niet worden gelezen.")
		}
		s.Error(w, r, err)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	sum := sha256.Sum256(append([]byte(r.Method+" "+r.URL.Path+"\n"), canonicalBody(body)...))
	hash := hex.EncodeToString(sum[:])
	meta.Command = hash
	ctx := r.Context()
	if s.LazyClaims && oneAppend {
		if s.keyInAppend(w, r, meta, hash, status, fn) {
			return
		}
		// The key was taken before us: on as before, from the body again.
		r.Body = io.NopCloser(bytes.NewReader(body))
	}

	// With the events in this database (LazyClaims) the claim need not
	// wait for its own fsync: the command's append commits durably after
	// it, which flushes the log up to and past the claim; a claim lost in
	// a crash before that guarded nothing. With EventStoreDB the append
	// would not flush it: then the claim commits durably.
	claim := s.Pool.Exec
	if s.LazyClaims {
		claim = s.execLazyCommit
	}
	claimer, err := s.claimer(ctx)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	tag, err := claim(ctx, `INSERT INTO idempotency_keys (actor_id, key, request_hash, claimed_by) VALUES ($1, $2, $3, $4)
		ON CONFLICT DO NOTHING`, meta.Actor.AccountID, meta.IdempotencyKey, hash, claimer)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if tag.RowsAffected() == 0 {
		// Taken over when stale, or at once when the claiming process is
		// gone: its liveness lock is free (ClaimLockClass).
		tag, err = s.Pool.Exec(ctx, `UPDATE idempotency_keys SET created_at = now(), claimed_by = $5
			WHERE actor_id = $1 AND key = $2 AND request_hash = $3 AND status IS NULL
			AND (created_at < now() - make_interval(secs => $4)
				OR (claimed_by IS NOT NULL AND pg_try_advisory_xact_lock($6, claimed_by)))`,
			meta.Actor.AccountID, meta.IdempotencyKey, hash, staleClaim.Seconds(), claimer, ClaimLockClass)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		if tag.RowsAffected() == 0 {
			s.replay(w, r, meta, hash, status, fn, body)
			return
		}
		meta.Retry = true
	}
	res, out, err := fn(ctx, meta)
	// The bookkeeping below must happen even when the client hung up.
	bookCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err != nil {
		if httpx.Status(err) < 500 {
			// Refused: nothing was stored. Release the key so a corrected
			// retry can run.
			_, _ = s.Pool.Exec(bookCtx, `DELETE FROM idempotency_keys WHERE actor_id = $1 AND key = $2`, meta.Actor.AccountID, meta.IdempotencyKey)
		} else {
			// Failed on our side, perhaps after the append committed: leave
			// the claim, stale at once, so the retry takes it over and
			// looks for what this attempt appended.
			_, _ = s.Pool.Exec(bookCtx, `UPDATE idempotency_keys SET created_at = now() - make_interval(secs => $3)
				WHERE actor_id = $1 AND key = $2 AND status IS NULL`, meta.Actor.AccountID, meta.IdempotencyKey, staleClaim.Seconds()+1)
		}
		s.Error(w, r, err)
		return
	}
	rec := newResponseRecorder()
	writeCommandResult(rec, status, res, out)
	storedStatus, stored := rec.status, rec.body.Bytes()
	if strings.Contains(w.Header().Get("Cache-Control"), "no-store") {
		// The answer holds a secret shown once (POST /tokens): never keep
		// it. A retry learns the command ran, not the secret.
		storedStatus = http.StatusConflict
		stored, _ = json.Marshal(httpx.ErrorBody{Error: httpx.ErrorDetail{Code: "secret_not_replayable",
			Message: "this request already ran; its answer held a secret that is shown only once and was not kept"}})
	}
	// The answer need not wait for its fsync either: lost in a crash of
	// PostgreSQL, the claim is left without one, its claimer's liveness
	// lock is gone with the crash, and the retry takes it over and answers
	// from the events the command appended (meta.Retry), as after a 5xx.
	if _, err := s.execLazyCommit(bookCtx, `UPDATE idempotency_keys SET status = $3, response = $4, position = $5
		WHERE actor_id = $1 AND key = $2`, meta.Actor.AccountID, meta.IdempotencyKey, storedStatus, stored, res.Position.String()); err != nil {
		s.Log.ErrorContext(ctx, "store idempotent response", "err", err)
	}
	rec.copyTo(w)
}

// execLazyCommit runs one statement as its own transaction with
// synchronous_commit off, in one round trip (the batch is one implicit
// transaction): its commit returns without waiting for the WAL flush, which
// the next durable commit or the WAL writer (within a few hundred ms) does.
func (s *Server) execLazyCommit(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	b := &pgx.Batch{}
	b.Queue(`SELECT set_config('synchronous_commit', 'off', true)`)
	b.Queue(sql, args...)
	br := s.Pool.SendBatch(ctx, b)
	_, err := br.Exec()
	var tag pgconn.CommandTag
	if err == nil {
		tag, err = br.Exec()
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return tag, err
}

// staleClaim is how long a claimed key may wait for its answer before a retry
// takes it over: well beyond the server's write timeout (60 s), so a request
// that is still running is never raced.
const staleClaim = 3 * time.Minute

func (s *Server) replay(w http.ResponseWriter, r *http.Request, meta commands.Meta, hash string, status int, fn CommandFunc, body []byte) {
	var (
		storedHash string
		stored     *int
		response   []byte
		position   *string
	)
	err := s.Pool.QueryRow(r.Context(), `SELECT request_hash, status, response, position FROM idempotency_keys
		WHERE actor_id = $1 AND key = $2`, meta.Actor.AccountID, meta.IdempotencyKey).Scan(&storedHash, &stored, &response, &position)
	if errors.Is(err, pgx.ErrNoRows) {
		s.Error(w, r, domain.Conflict("idempotency_key_in_use", "a request with this Idempotency-Key just failed; retry", "Een verzoek met deze Idempotency-Key is net mislukt; probeer opnieuw."))
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if storedHash != hash {
		s.Error(w, r, domain.Rule("idempotency_key_reused", "Idempotency-Key", "this Idempotency-Key was used for a different request", "Deze Idempotency-Key is al gebruikt voor een ander verzoek."))
		return
	}
	if stored == nil {
		s.Error(w, r, domain.Conflict("idempotency_key_in_progress", "the first request with this Idempotency-Key is still running", "Het eerste verzoek met deze Idempotency-Key loopt nog."))
		return
	}
	if response == nil {
		s.replayFromEvents(w, r, meta, status, fn, body)
		return
	}
	if position != nil {
		if p, err := eventstore.ParsePosition(*position); err == nil {
			w.Header().Set("X-Position", p.String())
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Idempotent-Replayed", "true")
	w.WriteHeader(*stored)
	_, _ = w.Write(response)
}

// responseRecorder captures a response so it can be stored and then sent.
type responseRecorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newResponseRecorder() *responseRecorder { return &responseRecorder{header: http.Header{}} }

func (rr *responseRecorder) Header() http.Header { return rr.header }
func (rr *responseRecorder) Write(b []byte) (int, error) {
	if rr.status == 0 {
		rr.status = http.StatusOK
	}
	return rr.body.Write(b)
}
func (rr *responseRecorder) WriteHeader(code int) { rr.status = code }

func (rr *responseRecorder) copyTo(w http.ResponseWriter) {
	for k, v := range rr.header {
		w.Header()[k] = v
	}
	w.WriteHeader(rr.status)
	_, _ = w.Write(rr.body.Bytes())
}

// IdempotencyRetention is how long a key is kept: a client retries within
// minutes, not days.
const IdempotencyRetention = 7 * 24 * time.Hour

// idempotencyPurgeBatch bounds the keys one purge statement deletes. Each
// statement is a transaction with a transaction ID, and while it runs the
// PostgreSQL event store shows no reader the events committed after it
// began: one statement over an hour's keys (their answers up to 1 MiB
// each) would stall every read model for as long as it took.
const idempotencyPurgeBatch = 1000

// PurgeIdempotencyKeys deletes the keys older than IdempotencyRetention at
// now (housekeeping; idempotent, so several processes may run it at once),
// in statements of at most idempotencyPurgeBatch keys.
func PurgeIdempotencyKeys(ctx context.Context, db interface {
	Exec(context.Context, string, ...any) (pgconn.CommandTag, error)
}, now time.Time) error {
	for {
		tag, err := db.Exec(ctx, `DELETE FROM idempotency_keys WHERE (actor_id, key) IN (
			SELECT actor_id, key FROM idempotency_keys WHERE created_at < $1 LIMIT $2)`,
			now.Add(-IdempotencyRetention), idempotencyPurgeBatch)
		if err != nil {
			return fmt.Errorf("api: unable to purge idempotency keys: %w", err)
		}
		if tag.RowsAffected() < idempotencyPurgeBatch {
			return nil
		}
	}
}
