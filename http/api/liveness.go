package api

import (
	"context"
	"fmt"

	"backoffice/eventstore"
)

// ClaimLockClass is the first key of the liveness locks (internal/liveness)
// whose second key, the holder's ID, the API's claims on idempotency keys
// name (idempotency_keys.claimed_by): a retry that finds a claim whose lock
// is free knows at once that its process died. Stored in rows and checked
// by every running binary: never change it.
const ClaimLockClass int32 = 0x69646b79 // "idky"

// errNoLiveness answers a claim that found no liveness lock within
// Deps.LivenessWait: 503 unavailable with Retry-After, nothing stored.
var errNoLiveness = fmt.Errorf("api: this process holds no liveness lock (its database session is being replaced or the database is away): %w", eventstore.ErrUnavailable)

// claimer is the liveness ID this process's claims name. While it holds
// none (before its first lock, or while the database session that held it
// is being replaced: about a second) it waits for one, at most
// LivenessWait: a claim naming nobody could not be taken over before it
// went stale (3 minutes), so it is never made.
func (s *Server) claimer(ctx context.Context) (int32, error) {
	ctx, cancel := context.WithTimeout(ctx, s.LivenessWait)
	defer cancel()
	if id, _ := s.live.WaitCurrent(ctx); id != 0 {
		return id, nil
	}
	return 0, errNoLiveness
}
