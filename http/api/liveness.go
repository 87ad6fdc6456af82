package api

// ClaimLockClass is the first key of the liveness locks (internal/liveness)
// whose second key, the holder's ID, the API's claims on idempotency keys
// name (idempotency_keys.claimed_by): a retry that finds a claim whose lock
// is free knows at once that its process died. Stored in rows and checked
// by every running binary: never change it.
const ClaimLockClass int32 = 0x69646b79 // "idky"

// claimer is the liveness ID this process's claims name now; nil while it
// holds none (before its first lock, or while the database session that
// held it is being replaced): such a claim is only taken over when stale.
func (s *Server) claimer() *int32 {
	id, _ := s.live.Current()
	if id == 0 {
		return nil
	}
	return &id
}
