// Package ledger proves the event ledger: the global digest job, which folds
// every event hash in $all order into a running digest and records it, and
// the verifier, which re-reads the whole ledger and checks every stream's
// hash chain, revision continuity and the recorded digests.
//
// The digest. d(0) is 32 zero bytes; after the n-th event of $all,
//
//	d(n) = SHA-256(d(n-1) ‖ hash of event n)
//
// A recorded (position, events, digest) is what an auditor writes down:
// changing, removing, inserting or reordering any event at or before that
// position makes the fold differ. The per-stream hash chain (eventstore
// chain.go) proves each stream; the digest ties them together.
//
// One digest job runs per database (a PostgreSQL session advisory lock,
// like the projectors); the others stand by. The tables live in the read
// model database (ledger_digests, ledger_heads), whichever adapter holds the
// events. See docs/audit.md.
package ledger

import (
	"crypto/sha256"

	"backoffice/eventstore"
)

// Fold is the next running digest after an event with hash h.
func Fold(d, h eventstore.Hash) eventstore.Hash {
	var buf [2 * eventstore.HashSize]byte
	copy(buf[:], d[:])
	copy(buf[eventstore.HashSize:], h[:])
	return sha256.Sum256(buf[:])
}
