package eventstore

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// The hash chain. Every stored event carries the hash of its stream's
// previous event (PrevHash, all zero for revision 0) and its own Hash:
//
//	Hash = SHA-256(PrevHash ‖ Canonical(event))
//
// so changing, removing, inserting or reordering any event of a stream
// breaks the chain from that event on. Streams are chained separately, so
// writers on different streams never wait for each other; the global digest
// (package eventstore/ledger) ties the streams together in $all order.
//
// Canonical encoding, version 1 (ChainVersion). All integers big-endian;
// str(x) is uint32 length ‖ bytes:
//
//	byte    0x01 (version)
//	str     stream
//	uint64  revision
//	str     type
//	[16]    event ID (UUID bytes)
//	str     data (the JSON payload byte for byte; empty when none)
//	str     metadata.actor_id
//	str     metadata.actor_role
//	str     metadata.correlation_id
//	str     metadata.causation_id
//	int64   metadata.occurred_at, Unix seconds
//	uint32  metadata.occurred_at, nanoseconds within the second
//	int64   recorded time (RecordedEvent.Created), Unix microseconds
//
// WARNING: changing this layout breaks every stored chain. A new field of
// Metadata or a new layout needs a new version byte, and Canonical must keep
// producing version 1 for events stored under it.

// ChainVersion is the version of the canonical encoding new events use.
const ChainVersion = 1

// HashSize is the length of a chain hash (SHA-256).
const HashSize = sha256.Size

// Hash is a SHA-256 chain hash.
type Hash [HashSize]byte

// ZeroHash is the PrevHash of every stream's first event.
var ZeroHash Hash

// String is the hash in lower-case hex.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// IsZero reports whether h is all zero bytes.
func (h Hash) IsZero() bool { return h == ZeroHash }

// MarshalText encodes h as hex (for JSON).
func (h Hash) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText decodes hex.
func (h *Hash) UnmarshalText(b []byte) error {
	p, err := ParseHash(string(b))
	if err != nil {
		return err
	}
	*h = p
	return nil
}

// ParseHash reads a hash in hex.
func ParseHash(s string) (Hash, error) {
	var h Hash
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != HashSize {
		return h, fmt.Errorf("eventstore: %q is not a %d-byte hex hash", s, HashSize)
	}
	copy(h[:], b)
	return h, nil
}

// HashFromBytes converts a stored hash; it fails unless b has HashSize bytes.
func HashFromBytes(b []byte) (Hash, error) {
	var h Hash
	if len(b) != HashSize {
		return h, fmt.Errorf("eventstore: stored hash has %d bytes, want %d", len(b), HashSize)
	}
	copy(h[:], b)
	return h, nil
}

// RecordedTime is t as every store keeps an event's recorded time: UTC, to
// the microsecond (PostgreSQL keeps no more). Stores set Created to it before
// hashing, so the hash can be recomputed from what they return.
func RecordedTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// CanonicalParts returns the canonical encoding split around the revision:
// Canonical = head ‖ uint64(revision) ‖ tail. A store that decides the
// revision inside the database (the PostgreSQL adapter) hashes there without
// encoding anything itself.
func CanonicalParts(stream, typ string, id uuid.UUID, data []byte, meta Metadata, recorded time.Time) (head, tail []byte) {
	head = appendCanonicalHead(make([]byte, 0, 1+4+len(stream)), stream)
	tail = appendCanonicalTail(make([]byte, 0, canonicalTailSize(typ, data, meta)), typ, id, data, meta, recorded)
	return head, tail
}

// AppendCanonical appends the canonical encoding (version 1) of an event to
// dst and returns the extended slice, so a store hashing many events can
// reuse one buffer instead of allocating per event.
func AppendCanonical(dst []byte, stream string, revision uint64, typ string, id uuid.UUID, data []byte, meta Metadata, recorded time.Time) []byte {
	dst = appendCanonicalHead(dst, stream)
	dst = binary.BigEndian.AppendUint64(dst, revision)
	return appendCanonicalTail(dst, typ, id, data, meta, recorded)
}

func appendCanonicalHead(b []byte, stream string) []byte {
	b = append(b, ChainVersion)
	return appendStr(b, stream)
}

func canonicalTailSize(typ string, data []byte, meta Metadata) int {
	return 4 + len(typ) + 16 + 4 + len(data) + 4*4 + len(meta.ActorID) + len(meta.ActorRole) +
		len(meta.CorrelationID) + len(meta.CausationID) + 8 + 4 + 8
}

func appendCanonicalTail(b []byte, typ string, id uuid.UUID, data []byte, meta Metadata, recorded time.Time) []byte {
	b = appendStr(b, typ)
	b = append(b, id[:]...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	b = append(b, data...)
	b = appendStr(b, meta.ActorID)
	b = appendStr(b, meta.ActorRole)
	b = appendStr(b, meta.CorrelationID)
	b = appendStr(b, meta.CausationID)
	b = binary.BigEndian.AppendUint64(b, uint64(meta.OccurredAt.Unix()))
	b = binary.BigEndian.AppendUint32(b, uint32(meta.OccurredAt.Nanosecond()))
	return binary.BigEndian.AppendUint64(b, uint64(RecordedTime(recorded).UnixMicro()))
}

func appendStr(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// Canonical is the canonical encoding (version 1) of a stored event.
func Canonical(e RecordedEvent) []byte {
	out := make([]byte, 0, 1+4+len(e.Stream)+8+canonicalTailSize(e.Type, e.Data, e.Metadata))
	return AppendCanonical(out, e.Stream, e.Revision, e.Type, e.ID, e.Data, e.Metadata, e.Created)
}

// ChainHash is SHA-256(prev ‖ canonical).
func ChainHash(prev Hash, canonical []byte) Hash {
	h := sha256.New()
	h.Write(prev[:])
	h.Write(canonical)
	var out Hash
	h.Sum(out[:0])
	return out
}

// ComputeHash is the hash e must carry: ChainHash(e.PrevHash, Canonical(e)).
func (e RecordedEvent) ComputeHash() Hash { return ChainHash(e.PrevHash, Canonical(e)) }

// Seal sets e.Created to its recorded time, e.PrevHash to prev and e.Hash to
// the hash that follows. Stores that hash in Go (memory, esdb) call it when
// they append.
func (e *RecordedEvent) Seal(prev Hash, recorded time.Time) {
	e.Created = RecordedTime(recorded)
	e.PrevHash = prev
	e.Hash = e.ComputeHash()
}

// ErrIntegrity: a stored event does not match its hash chain; the ledger was
// changed outside the application. The concrete error is an *IntegrityError.
var ErrIntegrity = errors.New("eventstore: ledger integrity broken")

// IntegrityError names the first event where a chain breaks.
// errors.Is(err, ErrIntegrity) holds for it.
type IntegrityError struct {
	Stream   string
	Revision uint64
	Position Position
	EventID  uuid.UUID
	// Reason says which check failed.
	Reason string
	// Expected and Found are the hashes that differ (zero when the check
	// was not about a hash, e.g. a revision gap).
	Expected, Found Hash
}

func (e *IntegrityError) Error() string {
	msg := fmt.Sprintf("eventstore: ledger integrity broken: stream %q revision %d (position %s, event %s): %s",
		e.Stream, e.Revision, e.Position, e.EventID, e.Reason)
	if e.Expected != e.Found {
		msg += fmt.Sprintf(": expected %s, found %s", e.Expected, e.Found)
	}
	return msg
}

func (e *IntegrityError) Is(target error) bool { return target == ErrIntegrity }

// ChainVerifier checks one stream's events in revision order, a slice at a
// time. The zero value expects the stream from revision 0.
type ChainVerifier struct {
	next uint64
	prev Hash
	buf  []byte // PrevHash ‖ Canonical of the event checked, reused: no allocation per event
}

// Check verifies e as the next event. It returns an *IntegrityError for a
// revision that is not the next one, a PrevHash that is not the previous
// event's Hash, or a Hash that does not match the event's contents.
func (v *ChainVerifier) Check(e RecordedEvent) error {
	broken := func(reason string, expected, found Hash) error {
		return &IntegrityError{Stream: e.Stream, Revision: e.Revision, Position: e.Position, EventID: e.ID,
			Reason: reason, Expected: expected, Found: found}
	}
	if e.Revision != v.next {
		return broken(fmt.Sprintf("revision %d where %d was expected", e.Revision, v.next), Hash{}, Hash{})
	}
	if e.PrevHash != v.prev {
		return broken("prev_hash is not the previous event's hash", v.prev, e.PrevHash)
	}
	v.buf = AppendCanonical(append(v.buf[:0], e.PrevHash[:]...), e.Stream, e.Revision, e.Type, e.ID, e.Data, e.Metadata, e.Created)
	if h := Hash(sha256.Sum256(v.buf)); h != e.Hash { // = e.ComputeHash()
		return broken("hash does not match the event's contents", h, e.Hash)
	}
	v.next, v.prev = e.Revision+1, e.Hash
	return nil
}

// Last is the hash of the last event checked (ZeroHash before any).
func (v *ChainVerifier) Last() Hash { return v.prev }

// VerifyStream checks events read forwards from revision 0 of one stream.
func VerifyStream(events []RecordedEvent) error {
	var v ChainVerifier
	for _, e := range events {
		if err := v.Check(e); err != nil {
			return err
		}
	}
	return nil
}
