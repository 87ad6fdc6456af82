package postgres

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"backoffice/eventstore"
)

// eventScanner turns rows of eventColumns into RecordedEvents. Reading $all
// is the projectors' catch-up and rebuild, and pgx's generic Scan cost more
// than the query there (seven allocations per row, most of the client's
// time): so, when the columns arrive in the formats pgx asks for by default
// (binary numbers, UUID, time and bytes; text and JSON as text), it decodes
// the raw values itself, copies payloads into shared blocks, shares
// repeated stream and type names, and decodes a metadata document once for
// the run of events that carry the same one (the events of one append);
// a command's reads (ReadStreams) also look metadata up in the store's
// metaCache, since they read the same events again on every command.
// Anything else goes through rows.Scan as before.
type eventScanner struct {
	fast   bool
	off    int    // the column eventColumns start at
	block  []byte // the rest of the current payload block
	blocks int    // size of the next block
	names  map[string]string
	meta   []byte // the previous event's raw metadata
	decode eventstore.Metadata
	hasMD  bool
	metas  *metaCache // nil: decode every new metadata
	// hint is the memo's entry for the next row's revision (metaCache's
	// streams), taken when the row's metadata bytes equal its raw.
	hint *memoEntry
}

// Column types and formats of eventColumns, as pgx requests them.
var eventColumnTypes = [...]struct {
	oid    uint32
	binary bool
}{
	{pgtype.Int8OID, true}, {pgtype.XID8OID, true}, {pgtype.TextOID, false}, {pgtype.Int8OID, true},
	{pgtype.UUIDOID, true}, {pgtype.TextOID, false}, {pgtype.JSONOID, false}, {pgtype.JSONOID, false},
	{pgtype.TimestamptzOID, true}, {pgtype.ByteaOID, true}, {pgtype.ByteaOID, true},
}

const eventColumnCount = len(eventColumnTypes)

func newEventScanner(fds []pgconn.FieldDescription) *eventScanner {
	return newEventScannerAt(fds, 0, 64)
}

// newEventScannerAt is newEventScanner for rows whose eventColumns start at
// column off (ReadStreams puts the read's number and head first). Its slow
// path is the caller's: scan only works when fast. names sizes the map of
// shared stream and type names (a command's read holds a handful: a map
// made for 64 was a tenth of the bytes a command allocated).
func newEventScannerAt(fds []pgconn.FieldDescription, off, names int) *eventScanner {
	s := &eventScanner{fast: len(fds) >= off+eventColumnCount, off: off}
	for i := 0; s.fast && i < eventColumnCount; i++ {
		want := eventColumnTypes[i]
		format := int16(pgtype.TextFormatCode)
		if want.binary {
			format = pgtype.BinaryFormatCode
		}
		s.fast = fds[off+i].DataTypeOID == want.oid && fds[off+i].Format == format
	}
	if s.fast {
		s.names = make(map[string]string, names)
	}
	return s
}

// scan decodes the current row's first eventColumnCount columns into e.
func (s *eventScanner) scan(rows pgx.Rows, e *eventstore.RecordedEvent) error {
	if !s.fast {
		if s.off != 0 {
			return errors.New("eventstore/postgres: no generic scan for event columns after others")
		}
		return scanEventInto(rows, e)
	}
	v := rows.RawValues()
	if len(v) < s.off+eventColumnCount {
		return fmt.Errorf("event row has %d columns, want %d", len(v), s.off+eventColumnCount)
	}
	v = v[s.off:]
	var ok bool
	var seq, rev int64
	var created int64
	if seq, ok = int8At(v[0]); !ok {
		return errors.New("event row: bad seq")
	}
	var xid int64
	if xid, ok = int8At(v[1]); !ok {
		return errors.New("event row: bad xid")
	}
	if rev, ok = int8At(v[3]); !ok || rev < 0 {
		return errors.New("event row: bad revision")
	}
	if len(v[4]) != 16 {
		return errors.New("event row: bad event_id")
	}
	if created, ok = int8At(v[8]); !ok || created == math.MaxInt64 || created == math.MinInt64 {
		return errors.New("event row: bad created")
	}
	if v[2] == nil || v[5] == nil || v[7] == nil {
		return errors.New("event row: NULL stream, type or metadata")
	}
	*e = eventstore.RecordedEvent{
		Position: eventstore.Position{Commit: uint64(xid), Prepare: uint64(seq)},
		Stream:   s.name(v[2]),
		Revision: uint64(rev),
		Type:     s.name(v[5]),
		// As pgx decodes a timestamptz (microseconds since 2000-01-01 UTC).
		Created: time.Unix(946_684_800+created/1_000_000, created%1_000_000*1_000).UTC(),
	}
	copy(e.ID[:], v[4])
	if v[6] != nil {
		e.Data = json.RawMessage(s.copyOf(v[6]))
	}
	// A hash of the wrong size (only tampering makes one) is left zero:
	// verification then reports the event.
	if len(v[9]) == eventstore.HashSize {
		copy(e.PrevHash[:], v[9])
	}
	if len(v[10]) == eventstore.HashSize {
		copy(e.Hash[:], v[10])
	}
	if h := s.hint; h != nil && string(v[7]) == h.raw {
		e.Metadata = h.md
		s.hint = nil
		return nil
	}
	s.hint = nil
	if !s.hasMD || !bytes.Equal(v[7], s.meta) {
		if err := s.decodeMeta(v[7]); err != nil {
			return fmt.Errorf("event %s: metadata: %w", e.ID, err)
		}
	}
	e.Metadata = s.decode
	return nil
}

// decodeMeta decodes b into s.decode, from s.metas when it has b.
func (s *eventScanner) decodeMeta(b []byte) error {
	s.hasMD = false
	if m, ok := s.metas.get(b); ok {
		s.decode = m
	} else {
		if err := decodeMetadata(b, &s.decode); err != nil {
			return err
		}
		s.metas.put(b, s.decode)
	}
	s.meta, s.hasMD = append(s.meta[:0], b...), true
	return nil
}

// name returns b as a string, shared with earlier rows that had the same
// (streams and types repeat; the map is bounded).
func (s *eventScanner) name(b []byte) string {
	if n, ok := s.names[string(b)]; ok {
		return n
	}
	n := string(b)
	if len(s.names) < 4096 {
		s.names[n] = n
	}
	return n
}

// Payloads are copied into blocks: one allocation for many events instead
// of one each. A payload kept by a caller keeps its block alive, so blocks
// start small (a short stream read wastes little) and double up to
// payloadBlock.
const (
	firstPayloadBlock = 1 << 10
	payloadBlock      = 32 << 10
)

// copyOf copies b into the current block (full slice expression: an append
// to the result cannot run into the next payload).
func (s *eventScanner) copyOf(b []byte) []byte {
	n := len(b)
	if n > payloadBlock/4 {
		return append([]byte(nil), b...)
	}
	if n > len(s.block) {
		s.blocks = min(max(2*s.blocks, firstPayloadBlock), payloadBlock)
		for s.blocks < n {
			s.blocks *= 2
		}
		s.block = make([]byte, s.blocks)
	}
	out := s.block[:n:n]
	copy(out, b)
	s.block = s.block[n:]
	return out
}

func int8At(b []byte) (int64, bool) {
	if len(b) != 8 {
		return 0, false
	}
	return int64(binary.BigEndian.Uint64(b)), true
}

// scanEventInto is the generic decoding, for formats the fast path does
// not know.
func scanEventInto(rows pgx.Rows, e *eventstore.RecordedEvent) error {
	var (
		seq, rev int64
		id       pgtype.UUID // scanned as 16 bytes; uuid.UUID would go through a string
		data     []byte
		meta     []byte
		prev, h  []byte
	)
	*e = eventstore.RecordedEvent{}
	dest := []any{&seq, &e.Position.Commit, &e.Stream, &rev, &id, &e.Type, &data, &meta, &e.Created, &prev, &h}
	if n := len(rows.FieldDescriptions()); n > len(dest) {
		dest = append(dest, make([]any, n-len(dest))...) // columns after the event's: not wanted here
	}
	if err := rows.Scan(dest...); err != nil {
		return err
	}
	// A hash of the wrong size (only tampering makes one) is left zero:
	// verification then reports the event.
	e.PrevHash, _ = eventstore.HashFromBytes(prev)
	e.Hash, _ = eventstore.HashFromBytes(h)
	e.Position.Prepare = uint64(seq)
	e.Revision = uint64(rev)
	e.ID = id.Bytes
	if data != nil {
		e.Data = json.RawMessage(data)
	}
	if err := decodeMetadata(meta, &e.Metadata); err != nil {
		return fmt.Errorf("event %s: metadata: %w", e.ID, err)
	}
	e.Created = e.Created.UTC()
	return nil
}

// scanEvents reads every row of rows (eventColumns) into events.
func scanEvents(rows pgx.Rows, capHint int) ([]eventstore.RecordedEvent, error) {
	defer rows.Close()
	s := newEventScanner(rows.FieldDescriptions())
	out := make([]eventstore.RecordedEvent, 0, capHint)
	for rows.Next() {
		out = append(out, eventstore.RecordedEvent{})
		if err := s.scan(rows, &out[len(out)-1]); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
