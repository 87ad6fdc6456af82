package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"backoffice/domain"
)

// APIToken is an integration token (payroll feed, auditor access).
type APIToken struct {
	ID        string
	Role      domain.Role
	Label     string
	CreatedAt time.Time
	RevokedAt *time.Time
	// LastUsedAt is when the token last authenticated a request (to the
	// minute at best: recorded at most once a minute); nil if never.
	LastUsedAt *time.Time
}

// Actor is the token as commands and queries see it.
func (t APIToken) Actor() domain.Actor {
	return domain.Actor{AccountID: "token:" + t.ID, Role: t.Role, Language: "nl"}
}

// apiTokenPrefix marks our tokens, so secret scanners can find leaked ones.
const apiTokenPrefix = "bo_"

// CreateToken creates an integration token for role payroll or auditor and
// returns its ID and the plaintext "bo_<id>_<secret>". The plaintext is
// shown once; only the secret's SHA-256 is stored.
func (s *Service) CreateToken(ctx context.Context, role domain.Role, label string) (string, string, error) {
	var idb [8]byte
	_, _ = rand.Read(idb[:])
	id := hex.EncodeToString(idb[:])
	plain, err := s.CreateTokenWithID(ctx, id, role, label)
	return id, plain, err
}

// ErrTokenIDTaken: a token with the ID exists already. Its secret was made
// by the attempt that stored it (a retried command's first attempt) and is
// never made again, so a retry cannot create a second live token.
var ErrTokenIDTaken = errors.New("auth: an API token with this ID exists")

// CreateTokenWithID is CreateToken with the ID chosen by the caller (16 hex
// digits; a command derives it from its idempotency key): ErrTokenIDTaken
// when a live token has that ID. A revoked one is made anew with a new
// secret: a creation that failed revokes its token (identity's undoToken),
// and its retry under the same key must be able to run.
func (s *Service) CreateTokenWithID(ctx context.Context, id string, role domain.Role, label string) (string, error) {
	return s.createToken(ctx, id, role, label, false)
}

// CreatePendingToken is CreateTokenWithID with the token stored inactive
// (revoked) until ActivateToken. A command that records the creation in
// the ledger activates the token only once it is recorded: a crash (kill
// -9) between storing the row and the append then leaves a dead row, which
// the retry under the same key makes anew, instead of a live credential
// the ledger never heard of whose secret nobody has.
func (s *Service) CreatePendingToken(ctx context.Context, id string, role domain.Role, label string) (string, error) {
	return s.createToken(ctx, id, role, label, true)
}

// ErrTokenSwept: the token was pending (never made live) for longer than
// the sweep's bound and was ended (SweepPendingTokens): no retry of its
// creation finishes or remakes it.
var ErrTokenSwept = errors.New("auth: the API token was never activated and has been swept")

// pending is the condition of a pending token: stored inactive by
// CreatePendingToken, neither made live nor swept since.
const pending = `revoked_at = created_at AND swept_at IS NULL`

// ActivateToken makes a pending token live.
func (s *Service) ActivateToken(ctx context.Context, id string) error {
	tag, err := s.pool.Exec(ctx, `UPDATE api_tokens SET revoked_at = NULL WHERE id = $1 AND `+pending, id)
	if err != nil {
		return fmt.Errorf("auth: unable to activate API token: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("auth: API token %s is not pending", id)
	}
	return nil
}

// FinishPendingToken gives a pending token (CreatePendingToken, never made
// live) a new secret and makes it live in one statement, and returns the
// new plaintext. It finishes a creation whose token.created was recorded
// but whose process died before ActivateToken: that attempt answered
// nothing (its answer, with the secret, comes after the activation), so
// the first secret was shown to nobody and is replaced. ErrTokenIDTaken
// when the token is not pending: live (its secret may have been shown),
// revoked after it was live, or unknown; ErrTokenSwept when the sweep
// ended it (pending for too long).
func (s *Service) FinishPendingToken(ctx context.Context, id string) (string, error) {
	secret, hash := newSecret()
	tag, err := s.pool.Exec(ctx, `UPDATE api_tokens SET secret_hash = $2, revoked_at = NULL, last_used_at = NULL
		WHERE id = $1 AND `+pending, id, hash)
	if err != nil {
		return "", fmt.Errorf("auth: unable to finish API token: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return "", s.takenOrSwept(ctx, id)
	}
	return apiTokenPrefix + id + "_" + secret, nil
}

func (s *Service) createToken(ctx context.Context, id string, role domain.Role, label string, pending bool) (string, error) {
	now := s.cfg.Now()
	var revokedAt *time.Time // a pending token is revoked as it is created
	if pending {
		revokedAt = &now
	}
	if role != domain.RolePayroll && role != domain.RoleAuditor {
		return "", domain.Invalid("token_role_invalid", "role",
			"integration tokens are for the payroll or auditor role",
			"API-sleutels zijn er alleen voor de rollen payroll en auditor.")
	}
	label = strings.TrimSpace(label)
	if label == "" || len(label) > 200 {
		return "", domain.Invalid("token_label_invalid", "label",
			"give the token a label of at most 200 characters",
			"Geef de sleutel een omschrijving van hoogstens 200 tekens.")
	}
	if b, err := hex.DecodeString(id); err != nil || len(b) != 8 || strings.ToLower(id) != id {
		return "", fmt.Errorf("auth: API token ID %q is not 16 lower-case hex digits", id)
	}
	secret, hash := newSecret()
	tag, err := s.pool.Exec(ctx, `
		INSERT INTO api_tokens (id, role, label, secret_hash, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (id) DO UPDATE SET role = EXCLUDED.role, label = EXCLUDED.label, secret_hash = EXCLUDED.secret_hash,
			created_at = EXCLUDED.created_at, revoked_at = EXCLUDED.revoked_at, last_used_at = NULL
		WHERE api_tokens.revoked_at IS NOT NULL AND api_tokens.swept_at IS NULL`,
		id, string(role), label, hash, now, revokedAt)
	if err != nil {
		return "", fmt.Errorf("auth: unable to store API token: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return "", s.takenOrSwept(ctx, id)
	}
	return apiTokenPrefix + id + "_" + secret, nil
}

// takenOrSwept says why the token with the ID could not be made (again):
// ErrTokenSwept when the sweep ended it, else ErrTokenIDTaken.
func (s *Service) takenOrSwept(ctx context.Context, id string) error {
	var swept bool
	err := s.pool.QueryRow(ctx, `SELECT swept_at IS NOT NULL FROM api_tokens WHERE id = $1`, id).Scan(&swept)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return ErrTokenIDTaken
	case err != nil:
		return fmt.Errorf("auth: unable to read API token: %w", err)
	case swept:
		return ErrTokenSwept
	}
	return ErrTokenIDTaken
}

// SweepPendingTokens ends the tokens pending since before createdBefore
// (swept_at = now), so that from then on no retry of their creation
// finishes or remakes them (FinishPendingToken, CreatePendingToken:
// ErrTokenSwept), and takes over the tokens a sweep ended before
// staleBefore whose ledger entry is still not recorded (MarkSweepRecorded):
// that sweep died in between. It returns their IDs (at most limit).
// Several processes may sweep at once: each token is taken by one of them
// (the UPDATE re-checks the condition on a row another one changed).
func (s *Service) SweepPendingTokens(ctx context.Context, createdBefore, staleBefore, now time.Time, limit int) ([]string, error) {
	const due = `((` + pending + ` AND created_at < $1) OR (swept_at < $2 AND NOT sweep_recorded))`
	// A token swept now is listed as revoked now (Tokens), as its token.revoked says.
	rows, err := s.pool.Query(ctx, `UPDATE api_tokens SET swept_at = $3,
			revoked_at = CASE WHEN swept_at IS NULL THEN $3 ELSE revoked_at END
		WHERE id IN (SELECT id FROM api_tokens WHERE `+due+` ORDER BY created_at LIMIT $4 FOR UPDATE SKIP LOCKED)
		AND `+due+`
		RETURNING id`, createdBefore, staleBefore, now, limit)
	if err != nil {
		return nil, fmt.Errorf("auth: unable to sweep pending API tokens: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("auth: unable to sweep pending API tokens: %w", err)
	}
	return ids, nil
}

// MarkSweepRecorded notes that the ledger has what the sweep owed the
// swept token (SweepPendingTokens): later sweeps leave it alone.
func (s *Service) MarkSweepRecorded(ctx context.Context, id string) error {
	if _, err := s.pool.Exec(ctx, `UPDATE api_tokens SET sweep_recorded = true WHERE id = $1 AND swept_at IS NOT NULL`, id); err != nil {
		return fmt.Errorf("auth: unable to mark swept API token: %w", err)
	}
	return nil
}

// PendingTokenStats counts the tokens still pending and those the sweep
// ended, for operators (no secrets, no IDs).
type PendingTokenStats struct {
	Pending       int        // stored, never made live, not swept (yet)
	OldestPending *time.Time // created_at of the oldest of them
	Swept         int        // ended by the sweep, ever
	LastSwept     *time.Time // when a sweep last ended (or took over) one
	Unrecorded    int        // swept, their ledger entry still to write
}

// PendingTokens returns the PendingTokenStats.
func (s *Service) PendingTokens(ctx context.Context) (PendingTokenStats, error) {
	var st PendingTokenStats
	err := s.pool.QueryRow(ctx, `SELECT
			count(*) FILTER (WHERE `+pending+`), min(created_at) FILTER (WHERE `+pending+`),
			count(swept_at), max(swept_at), count(*) FILTER (WHERE swept_at IS NOT NULL AND NOT sweep_recorded)
		FROM api_tokens`).Scan(&st.Pending, &st.OldestPending, &st.Swept, &st.LastSwept, &st.Unrecorded)
	if err != nil {
		return st, fmt.Errorf("auth: unable to count pending API tokens: %w", err)
	}
	return st, nil
}

// AuthenticateToken resolves an integration token's plaintext. Unknown,
// malformed and revoked tokens give ErrAPITokenInvalid.
func (s *Service) AuthenticateToken(ctx context.Context, plaintext string) (APIToken, error) {
	rest, ok := strings.CutPrefix(plaintext, apiTokenPrefix)
	if !ok {
		return APIToken{}, ErrAPITokenInvalid
	}
	id, secret, ok := strings.Cut(rest, "_") // the ID is hex; the secret may contain '_'
	if !ok || len(id) != 16 || !validSecret(secret) {
		return APIToken{}, ErrAPITokenInvalid
	}
	var (
		t      APIToken
		role   string
		stored []byte
	)
	err := s.pool.QueryRow(ctx, `
		SELECT id, role, label, created_at, revoked_at, secret_hash FROM api_tokens WHERE id = $1`, id).
		Scan(&t.ID, &role, &t.Label, &t.CreatedAt, &t.RevokedAt, &stored)
	if errors.Is(err, pgx.ErrNoRows) {
		return APIToken{}, ErrAPITokenInvalid
	}
	if err != nil {
		return APIToken{}, fmt.Errorf("auth: unable to read API token: %w", err)
	}
	if subtle.ConstantTimeCompare(hashSecret(secret), stored) != 1 || t.RevokedAt != nil {
		return APIToken{}, ErrAPITokenInvalid
	}
	t.Role = domain.Role(role)
	// Best effort, at most once a minute: for the token list, not for security.
	_, _ = s.pool.Exec(ctx, `UPDATE api_tokens SET last_used_at = $2
		WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')`, id, s.cfg.Now())
	return t, nil
}

// EndToken is the back office's revocation: it stops a token from working
// for good. Unlike RevokeToken it also ends a pending token (created,
// never made live), whose revoked_at equals its created_at: it moves
// revoked_at past created_at, so FinishPendingToken no longer takes it. A
// creation retried at the same moment (it loaded the token before the
// revocation's token.revoked was recorded) therefore cannot make a token
// live that the ledger says is revoked. Ending twice is fine; an unknown
// ID gives domain.ErrNotFound.
func (s *Service) EndToken(ctx context.Context, id string) error {
	tag, err := s.pool.Exec(ctx, `UPDATE api_tokens SET revoked_at = CASE
			WHEN revoked_at IS NULL OR revoked_at = created_at THEN greatest($2, created_at + interval '1 microsecond')
			ELSE revoked_at END
		WHERE id = $1`, id, s.cfg.Now())
	if err != nil {
		return fmt.Errorf("auth: unable to revoke API token: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return domain.ErrNotFound
	}
	return nil
}

// RevokeToken stops a token from working, leaving a pending one pending
// (finishable by a retry of its creation: the clean-up of a creation that
// could not be recorded). Revoking twice is fine; an unknown ID gives
// domain.ErrNotFound.
func (s *Service) RevokeToken(ctx context.Context, id string) error {
	now := s.cfg.Now()
	tag, err := s.pool.Exec(ctx, `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1`, id, now)
	if err != nil {
		return fmt.Errorf("auth: unable to revoke API token: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return domain.ErrNotFound
	}
	return nil
}

// Tokens lists every integration token, newest first (no secrets).
func (s *Service) Tokens(ctx context.Context) ([]APIToken, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, role, label, created_at, revoked_at, last_used_at FROM api_tokens ORDER BY created_at DESC, id`)
	if err != nil {
		return nil, fmt.Errorf("auth: unable to list API tokens: %w", err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		var t APIToken
		var role string
		if err := rows.Scan(&t.ID, &role, &t.Label, &t.CreatedAt, &t.RevokedAt, &t.LastUsedAt); err != nil {
			return nil, fmt.Errorf("auth: unable to list API tokens: %w", err)
		}
		t.Role = domain.Role(role)
		out = append(out, t)
	}
	return out, rows.Err()
}
