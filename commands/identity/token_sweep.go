package identity

import (
	"context"
	"errors"
	"fmt"
	"time"

	"backoffice/commands"
	"backoffice/commands/auth"
)

// PendingTokenBound is how long a token whose creation was stored but
// never made live (a process killed between token.created and the
// activation, or a failed activation) waits for a retry of its creation to
// finish it (finishToken) before the sweep revokes it. It is longer than
// the API keeps an Idempotency-Key and its answer (http/api's
// IdempotencyRetention, 7 days; a test holds the two in this order): a
// retry the key's promise covers always finds the token pending and
// finishes it; one after the bound answers 409 token_creation_expired.
const PendingTokenBound = 8 * 24 * time.Hour

const (
	// tokenSweepEvery is how often RunTokenSweep looks for pending tokens.
	tokenSweepEvery = time.Hour
	// tokenSweepStale: a token swept longer ago whose token.revoked is
	// still not recorded lost its sweeper (killed in between); younger
	// ones are normally still in their sweeper's hands.
	tokenSweepStale = time.Minute
	// tokenSweepBatch bounds one sweep; the rest waits for the next.
	tokenSweepBatch = 100
)

// sweepMeta is the meta of the sweep's token.revoked: its event ID derives
// from the key and the token's stream alone, so two sweepers recording the
// same token append one event.
// WARNING: changing the key or command changes those IDs.
var sweepMeta = commands.Meta{Actor: System, IdempotencyKey: "sweep-never-activated", Command: "identity.SweepPendingTokens"}

// RunTokenSweep sweeps the pending tokens (SweepPendingTokens) at once and
// then every hour, until ctx ends. serve runs it on every instance; two
// sweeps at once revoke each token once.
func (s *Tokens) RunTokenSweep(ctx context.Context) error {
	t := time.NewTicker(tokenSweepEvery)
	defer t.Stop()
	for {
		if _, err := s.SweepPendingTokens(ctx, s.now()); err != nil && ctx.Err() == nil {
			s.log.WarnContext(ctx, "identity: unable to sweep pending API tokens; retrying in an hour", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// SweepPendingTokens ends the tokens pending for longer than
// PendingTokenBound at now and records token.revoked (cause
// never_activated) for each whose creation was recorded, so the ledger
// says that the token ended. It first ends the row (auth.SweepPendingTokens:
// from then on no retry finishes it), then appends: a retry that finished
// the token first leaves it live and unswept, and a sweep killed in
// between is finished by a later one. It returns how many token.revoked
// it appended.
func (s *Tokens) SweepPendingTokens(ctx context.Context, now time.Time) (int, error) {
	ids, err := s.cfg.Auth.SweepPendingTokens(ctx, now.Add(-PendingTokenBound), now.Add(-tokenSweepStale), now, tokenSweepBatch)
	if err != nil {
		return 0, err
	}
	revoked := 0
	var errs []error // one token that fails stays for the next sweep; the others go on
	for _, id := range ids {
		appended, err := s.recordNeverActivated(ctx, id, now)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if appended {
			revoked++
		}
	}
	if revoked > 0 {
		s.log.InfoContext(ctx, "identity: API tokens never activated revoked", "count", revoked, "pending_for_more_than", PendingTokenBound.String())
	}
	return revoked, errors.Join(errs...)
}

// recordNeverActivated appends token.revoked (never_activated) for a swept
// token unless the ledger says it ended already, then marks it recorded.
// A token whose creation never appended token.created needs no event.
func (s *Tokens) recordNeverActivated(ctx context.Context, id string, now time.Time) (bool, error) {
	t, st, err := loadToken(ctx, s.cfg.Store, id)
	if err != nil {
		return false, fmt.Errorf("identity: sweep token %s: %w", id, err)
	}
	appended := false
	if revoked, _ := t.Revoked(); st.Exists && !revoked {
		events, err := t.RevokeNeverActivated(System, now)
		if err != nil {
			return false, fmt.Errorf("identity: sweep token %s: %w", id, err)
		}
		if _, err := commands.Save(ctx, s.cfg.Store, st, sweepMeta, now, events...); err != nil {
			// Another sweeper (same event ID) or the back office (DELETE
			// /tokens/{id}) recorded it meanwhile: fine when it is revoked.
			again, _, lerr := loadToken(ctx, s.cfg.Store, id)
			if revokedNow, _ := again.Revoked(); lerr != nil || !revokedNow {
				return false, fmt.Errorf("identity: sweep token %s: %w", id, err)
			}
		} else {
			appended = true
		}
	}
	return appended, s.cfg.Auth.MarkSweepRecorded(ctx, id)
}

// PendingTokens counts the tokens pending and swept (projections status).
func (s *Tokens) PendingTokens(ctx context.Context) (auth.PendingTokenStats, error) {
	return s.cfg.Auth.PendingTokens(ctx)
}
