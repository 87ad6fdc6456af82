package postgres

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"backoffice/eventstore"
)

const eventColumns = `e.seq, e.xid, e.stream, e.revision, e.event_id, e.type, e.data, e.metadata, e.created, e.prev_hash, e.hash`

// visible restricts a query to rows of transactions older than every
// transaction still running when the statement's snapshot was taken. Such rows
// are final: nothing can commit before them any more.
const visible = `e.xid < (SELECT pg_snapshot_xmin(pg_current_snapshot()))`

// Columns are qualified in ORDER BY on purpose: a bare name there would refer
// to an output column of the same name first.
//
// The page is cut (ORDER BY, LIMIT) before the visibility filter: rows are
// ordered by xid first, so the invisible ones (xid at or past the xmin) can
// only be a tail of the page and the result is the same; but with the
// filter inside, the planner counts a third of the rows for the unknown
// xmin, estimates fewer rows than the LIMIT and reads and sorts every row
// after the position (a bitmap scan and an external sort, 100 ms instead of
// 3 ms for the first 10,000 of 100,000 events): catching up and rebuilding
// grew quadratic in the log's length.
const readAllSQL = `SELECT * FROM (SELECT ` + eventColumns + ` FROM eventstore_events AS e
WHERE (e.xid, e.seq) > ($1::xid8, $2::bigint)
ORDER BY e.xid, e.seq LIMIT $3) AS e
WHERE ` + visible + ` ORDER BY e.xid, e.seq`

const headSQL = `SELECT e.xid, e.seq FROM eventstore_events AS e
WHERE ` + visible + ` ORDER BY e.xid DESC, e.seq DESC LIMIT 1`

const readForwardSQL = `SELECT ` + eventColumns + ` FROM eventstore_events AS e
WHERE e.stream = $1 AND e.revision >= $2 ORDER BY e.revision LIMIT $3`

const readBackwardSQL = `SELECT ` + eventColumns + ` FROM eventstore_events AS e
WHERE e.stream = $1 AND e.revision <= $2 ORDER BY e.revision DESC LIMIT $3`

// ReadStream implements eventstore.Store. Stream reads are not limited to
// visible rows: an aggregate must see its own last append at once.
func (s *Store) ReadStream(ctx context.Context, stream string, opts eventstore.ReadStreamOptions) (out []eventstore.RecordedEvent, err error) {
	start := time.Now()
	defer func() { s.observe("read_stream", start, err) }()
	if s.isClosed() {
		return nil, eventstore.ErrClosed
	}
	var limit *int64
	if opts.Max > 0 {
		l := int64(opts.Max)
		limit = &l
	}
	from := int64(math.MaxInt64)
	if opts.From < math.MaxInt64 {
		from = int64(opts.From)
	}
	query := readForwardSQL
	if opts.Direction == eventstore.Backwards {
		query = readBackwardSQL
		if opts.FromEnd {
			from = math.MaxInt64
		}
	}
	out, err = s.query(ctx, "read_stream", query, stream, from, limit)
	if err != nil {
		return out, err
	}
	if n := len(out); n > 0 {
		// A read that reached the stream's end saw its head (as of its
		// snapshot): remembered for linking the next append in Go.
		switch {
		case opts.Direction == eventstore.Backwards && opts.FromEnd:
			s.heads.put(stream, head{revision: int64(out[0].Revision), hash: out[0].Hash})
		case opts.Direction != eventstore.Backwards && (limit == nil || int64(n) < *limit):
			s.heads.put(stream, head{revision: int64(out[n-1].Revision), hash: out[n-1].Hash})
		}
		return out, nil
	}
	if opts.Direction == eventstore.Backwards || opts.From == 0 {
		// Every stream has its revision 0, and these reads include it:
		// nothing read means no stream, without asking again.
		return nil, fmt.Errorf("%w: %q", eventstore.ErrStreamNotFound, stream)
	}
	var exists bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT FROM eventstore_events WHERE stream = $1)`, stream).Scan(&exists); err != nil {
		return nil, classify("read_stream", err)
	}
	if !exists {
		return nil, fmt.Errorf("%w: %q", eventstore.ErrStreamNotFound, stream)
	}
	return nil, nil
}

// readStreamsSQL reads several streams in one statement (one snapshot): per
// read its stream's last revision (NULL: no stream) and its events from
// the read's revision on, or one row of NULL events when there are none.
// Both lookups walk UNIQUE (stream, revision).
//
// No ORDER BY, on purpose: the rows come in whatever order the plan yields
// them and scanStreams files them by read and puts each stream's events in
// revision order (they mostly arrive so: a check). With ORDER BY the server
// sorted every wide row twice (a sort per stream after the bitmap heap scan
// it picks, then an incremental sort of the whole result by read): at a
// command's stream lengths (hundreds of events) that was ~40 % of the
// statement's CPU, and this statement most of PostgreSQL's per command
// (docs/BENCHMARKS.md §9.9). OFFSET 0 keeps the events' lookup a
// subquery run per read, on the index: without it (and without the ORDER
// BY that used to do the same) the generic plan of the prepared statement
// joined a sequential scan of the whole table by hash.
const readStreamsSQL = `SELECT r.ord, h.head, ` + eventColumns + `
FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS r(stream, from_rev, ord)
LEFT JOIN LATERAL (SELECT x.revision AS head FROM eventstore_events AS x
	WHERE x.stream = r.stream ORDER BY x.revision DESC LIMIT 1) AS h ON true
LEFT JOIN LATERAL (SELECT * FROM eventstore_events AS y
	WHERE y.stream = r.stream AND y.revision >= r.from_rev OFFSET 0) AS e ON true`

// ReadStreams implements eventstore.Store in one round trip. Like
// ReadStream it sees every committed append at once.
func (s *Store) ReadStreams(ctx context.Context, reads ...eventstore.StreamRead) (out []eventstore.StreamSlice, err error) {
	start := time.Now()
	defer func() { s.observe("read_streams", start, err) }()
	if s.isClosed() {
		return nil, eventstore.ErrClosed
	}
	out = make([]eventstore.StreamSlice, len(reads))
	if len(reads) == 0 {
		return out, nil
	}
	names := make([]string, len(reads))
	froms := make([]int64, len(reads))
	for i, r := range reads {
		out[i].Stream, names[i] = r.Stream, r.Stream
		froms[i] = math.MaxInt64
		if r.From < math.MaxInt64 {
			froms[i] = int64(r.From)
		}
	}
	tx, err := s.cmdTxOf(ctx)
	if err != nil {
		return nil, classify("read_streams", err)
	}
	// One round trip: the plan mode and the read (and BEGIN for the
	// command's transaction, eventstore.InAppend, whose append commits it).
	// Without a transaction the batch is one implicit transaction, which
	// the plan mode lasts for.
	b := &pgx.Batch{}
	begin := tx != nil && !tx.open
	if begin {
		b.Queue("BEGIN ISOLATION LEVEL READ COMMITTED")
	}
	b.Queue(genericPlanSQL)
	b.Queue(readStreamsSQL, names, froms)
	var br pgx.BatchResults
	if tx != nil {
		br = tx.conn.SendBatch(ctx, b)
	} else {
		br = s.pool.SendBatch(ctx, b)
	}
	if begin {
		_, err = br.Exec()
		tx.open = err == nil
	}
	if err == nil {
		_, err = br.Exec()
	}
	if err == nil {
		var rows pgx.Rows
		if rows, err = br.Query(); err == nil {
			err = scanStreams(rows, out, froms, &s.metas)
		} else {
			err = classify("read_streams", err)
		}
	} else {
		err = classify("read_streams", err)
	}
	if cerr := br.Close(); err == nil && cerr != nil {
		err = classify("read_streams", cerr)
	}
	if err != nil {
		if tx != nil {
			tx.end()
		}
		return nil, err
	}
	return out, nil
}

// genericPlanSQL has the rest of the transaction use the generic plan of
// its prepared statements. readStreamsSQL's generic plan is right for any
// parameters (TestReadStreamsPlan), but the server estimates its cost from
// ten reads instead of the one to four a command asks for, finds it dearer
// than a custom plan and plans the statement again on every execution:
// about 110 µs of the server's CPU per read, more than executing a read of
// a placement and its client (docs/BENCHMARKS.md §9.9).
const genericPlanSQL = `SELECT set_config('plan_cache_mode', 'force_generic_plan', true)`

// scanStreams reads readStreamsSQL's rows, in any order, into out (one
// slice per read, froms[i] the first revision read i asked for) and puts
// each slice's events in revision order.
func scanStreams(rows pgx.Rows, out []eventstore.StreamSlice, froms []int64, metas *metaCache) error {
	if err := scanStreamRows(rows, out, froms, metas); err != nil {
		return err
	}
	for i := range out {
		out[i].Events = byRevision(out[i].Events)
	}
	return nil
}

// byRevision returns events in revision order: events itself when they
// are (most reads), else a sorted copy. The rows come in heap order, and
// an append can land in space freed in an older page, before older
// revisions (in the command benchmark a sort showed in 2.5 % of the
// process's CPU); sorting the indexes and copying each event once is
// cheaper than sorting the events (a few hundred bytes each) in place.
func byRevision(events []eventstore.RecordedEvent) []eventstore.RecordedEvent {
	if slices.IsSortedFunc(events, func(a, b eventstore.RecordedEvent) int { return cmp.Compare(a.Revision, b.Revision) }) {
		return events
	}
	order := make([]int, len(events))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(events[a].Revision, events[b].Revision) })
	sorted := make([]eventstore.RecordedEvent, len(events))
	for i, j := range order {
		sorted[i] = events[j]
	}
	return sorted
}

func scanStreamRows(rows pgx.Rows, out []eventstore.StreamSlice, froms []int64, metas *metaCache) error {
	defer rows.Close()
	// A command's reads go through here: decode the raw values like
	// ReadAll does when pgx sent the usual formats (ord and head binary).
	fds := rows.FieldDescriptions()
	if sc := newEventScannerAt(fds, 2, 8); sc.fast && fds[0].Format == pgtype.BinaryFormatCode && fds[1].Format == pgtype.BinaryFormatCode {
		sc.metas = metas
		return scanStreamsRaw(rows, out, froms, sc)
	}
	for rows.Next() {
		var (
			ord      int64
			head     *int64
			seq, rev *int64
			xid      *uint64
			stream   *string
			id       pgtype.UUID
			typ      *string
			data     []byte
			meta     []byte
			created  pgtype.Timestamptz
			prev, h  []byte
		)
		if err := rows.Scan(&ord, &head, &seq, &xid, &stream, &rev, &id, &typ, &data, &meta, &created, &prev, &h); err != nil {
			return classify("read_streams", err)
		}
		sl := &out[ord-1]
		if head != nil {
			sl.Exists, sl.Revision = true, uint64(*head)
		}
		if seq == nil {
			continue
		}
		e := eventstore.RecordedEvent{Stream: *stream, Revision: uint64(*rev), ID: uuid.UUID(id.Bytes), Type: *typ,
			Position: eventstore.Position{Commit: *xid, Prepare: uint64(*seq)}, Created: created.Time.UTC()}
		e.PrevHash, _ = eventstore.HashFromBytes(prev)
		e.Hash, _ = eventstore.HashFromBytes(h)
		if data != nil {
			e.Data = json.RawMessage(data)
		}
		if err := decodeMetadata(meta, &e.Metadata); err != nil {
			return classify("read_streams", fmt.Errorf("event %s: metadata: %w", e.ID, err))
		}
		sl.Events = append(sl.Events, e)
	}
	if err := rows.Err(); err != nil {
		return classify("read_streams", err)
	}
	return nil
}

// maxStreamPrealloc caps the events scanStreamsRaw makes room for before
// reading a stream (a longer one grows as usual).
const maxStreamPrealloc = 1 << 14

// scanStreamsRaw is scanStreams through the raw values. A read's rows
// carry its stream's head, so from its first row on it knows which
// revisions are coming (from..head, one snapshot) and puts each event
// straight at its place: rows in heap order need no sort and no second
// copy of the events (byRevision's copy was a third of the bytes a
// command's read allocated). A row that does not fit (cannot happen in
// one snapshot, but a row is data) turns the read back to appending,
// which byRevision then sorts; a revision missing from the range (a
// deleted row) is left out, as appending would, and the chain check
// reports the gap.
func scanStreamsRaw(rows pgx.Rows, out []eventstore.StreamSlice, froms []int64, sc *eventScanner) error {
	placed := make([]int, len(out)) // events put at their place; -1: appending
	memos := make([]readMemo, len(out))
	for i := range out {
		memos[i].have = sc.metas.memoOf(out[i].Stream)
		memos[i].had = len(memos[i].have)
	}
	for rows.Next() {
		v := rows.RawValues()
		ord, ok := int8At(v[0])
		if !ok || ord < 1 || int(ord) > len(out) {
			return classify("read_streams", errors.New("read_streams row: bad ord"))
		}
		i := int(ord - 1)
		sl := &out[i]
		if v[1] != nil {
			head, ok := int8At(v[1])
			if !ok || head < 0 {
				return classify("read_streams", errors.New("read_streams row: bad head"))
			}
			sl.Exists, sl.Revision = true, uint64(head)
		}
		if v[2] == nil { // the read's one row without events
			continue
		}
		from := froms[i]
		rev, revOK := int8At(v[2+3]) // eventColumns' revision
		m := &memos[i]
		if revOK && rev >= 0 && rev < int64(len(m.have)) {
			sc.hint = &m.have[rev]
		}
		if sl.Events == nil && placed[i] == 0 && sl.Exists && from >= 0 && uint64(from) <= sl.Revision &&
			sl.Revision-uint64(from) < maxStreamPrealloc {
			sl.Events = eventstore.RecycledEvents(int(sl.Revision-uint64(from)) + 1)
		} else if sl.Events == nil {
			placed[i] = -1
			if sl.Exists && from >= 0 && uint64(from) <= sl.Revision {
				sl.Events = make([]eventstore.RecordedEvent, 0, maxStreamPrealloc)
			}
		}
		if placed[i] >= 0 {
			if j := rev - from; revOK && j >= 0 && j < int64(len(sl.Events)) && sl.Events[j].Stream == "" {
				if err := sc.scan(rows, &sl.Events[j]); err != nil {
					return classify("read_streams", err)
				}
				placed[i]++
				m.note(rev, v[2+7], &sl.Events[j])
				continue
			}
			sl.Events = appendedOnly(sl.Events)
			placed[i] = -1
		}
		sl.Events = append(sl.Events, eventstore.RecordedEvent{})
		if err := sc.scan(rows, &sl.Events[len(sl.Events)-1]); err != nil {
			return classify("read_streams", err)
		}
		if revOK {
			m.note(rev, v[2+7], &sl.Events[len(sl.Events)-1])
		}
	}
	if err := rows.Err(); err != nil {
		return classify("read_streams", err)
	}
	for i := range memos {
		sc.metas.extendMemo(out[i].Stream, memos[i].had, memos[i].more)
	}
	for i, n := range placed {
		if n > 0 && n < len(out[i].Events) {
			out[i].Events = appendedOnly(out[i].Events)
		}
	}
	return nil
}

// readMemo is a read's view of its stream's metadata memo (metaCache):
// the entries it found, and the ones it adds after them.
type readMemo struct {
	have []memoEntry
	had  int
	more []memoEntry
}

// note remembers e's metadata (raw, as stored) when e is the revision
// right after the memo and what this read added to it.
func (m *readMemo) note(rev int64, raw []byte, e *eventstore.RecordedEvent) {
	if rev == int64(m.had+len(m.more)) {
		m.more = append(m.more, memoEntry{raw: string(raw), md: e.Metadata})
	}
}

// appendedOnly drops the places scanStreamsRaw left empty (a scanned
// event always has a stream), keeping the order; it reuses events.
func appendedOnly(events []eventstore.RecordedEvent) []eventstore.RecordedEvent {
	return slices.DeleteFunc(events, func(e eventstore.RecordedEvent) bool { return e.Stream == "" })
}

// ReadAll implements eventstore.Store. It returns only visible events (see
// the package comment): an append that has committed may show up a moment
// later, once every older transaction has ended.
func (s *Store) ReadAll(ctx context.Context, from eventstore.Position, max int) (out []eventstore.RecordedEvent, err error) {
	start := time.Now()
	defer func() { s.observe("read_all", start, err) }()
	if max <= 0 {
		return nil, fmt.Errorf("eventstore/postgres: ReadAll max must be > 0, got %d", max)
	}
	if s.isClosed() {
		return nil, eventstore.ErrClosed
	}
	// Callers of ReadAll page through the log (catch-up, rebuild,
	// verification) and mostly get full pages: room for max events up front
	// instead of growing the slice (a third of the scan's time).
	return s.readAllInto(ctx, from, max, min(max, maxReadAllPrealloc))
}

// maxReadAllPrealloc caps the events ReadAll makes room for before reading.
const maxReadAllPrealloc = 10_000

// readAll is ReadAll for the subscription, whose pages are mostly short.
func (s *Store) readAll(ctx context.Context, from eventstore.Position, max int) ([]eventstore.RecordedEvent, error) {
	return s.readAllInto(ctx, from, max, 16)
}

func (s *Store) readAllInto(ctx context.Context, from eventstore.Position, max, capHint int) ([]eventstore.RecordedEvent, error) {
	if from.Prepare > math.MaxInt64 {
		// No sequence number gets that high: continue after every event of
		// transaction from.Commit. (Commit is an xid8, which is unsigned.)
		from.Prepare = math.MaxInt64
	}
	rows, err := s.pool.Query(ctx, readAllSQL, from.Commit, int64(from.Prepare), max)
	if err != nil {
		return nil, classify("read_all", err)
	}
	out, err := scanEvents(rows, capHint)
	if err != nil {
		return nil, classify("read_all", err)
	}
	return out, nil
}

// HeadPosition implements eventstore.Store.
func (s *Store) HeadPosition(ctx context.Context) (p eventstore.Position, err error) {
	start := time.Now()
	defer func() { s.observe("head_position", start, err) }()
	if s.isClosed() {
		return eventstore.Position{}, eventstore.ErrClosed
	}
	return s.head(ctx)
}

// CommittedHead is the position of the last event committed so far, visible
// in $all or not yet (HeadPosition lags it while an older transaction is
// open): for tests and tools that wait until $all shows what they wrote.
func (s *Store) CommittedHead(ctx context.Context) (eventstore.Position, error) {
	return s.headOf(ctx, committedHeadSQL)
}

const committedHeadSQL = `SELECT e.xid, e.seq FROM eventstore_events AS e ORDER BY e.xid DESC, e.seq DESC LIMIT 1`

func (s *Store) head(ctx context.Context) (eventstore.Position, error) {
	return s.headOf(ctx, headSQL)
}

func (s *Store) headOf(ctx context.Context, sql string) (eventstore.Position, error) {
	var xid uint64
	var seq int64
	err := s.pool.QueryRow(ctx, sql).Scan(&xid, &seq)
	switch {
	case err == pgx.ErrNoRows:
		return eventstore.Start, nil
	case err != nil:
		return eventstore.Position{}, classify("head_position", err)
	}
	return eventstore.Position{Commit: xid, Prepare: uint64(seq)}, nil
}

func (s *Store) query(ctx context.Context, op, sql string, args ...any) ([]eventstore.RecordedEvent, error) {
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, classify(op, err)
	}
	out, err := scanEvents(rows, 16)
	if err != nil {
		return nil, classify(op, err)
	}
	return out, nil
}

// readAllTypesSQL reads a page of the log in one ordered scan, as
// readAllSQL does, and sends the columns of the wanted types' events only:
// an event of another type comes as its position and NULLs (stream NULL
// marks it), so the caller learns the page's end and size without the
// payloads it skips. (It used to look at the page's positions and types
// first and join the wanted rows back, then sort them with a marker row:
// a lookup per event and a sort of the payloads, which cost PostgreSQL more
// than the rebuild's writes.)
const readAllTypesSQL = `SELECT e.seq, e.xid, ` + wantedColumns + `
FROM (SELECT e.*, e.type = ANY($4) AS wanted FROM eventstore_events AS e
	WHERE (e.xid, e.seq) > ($1::xid8, $2::bigint)
	ORDER BY e.xid, e.seq LIMIT $3) AS e
WHERE ` + visible + ` ORDER BY e.xid, e.seq`

// wantedColumns are eventColumns after seq and xid, NULL unless wanted.
const wantedColumns = `CASE WHEN e.wanted THEN e.stream END, CASE WHEN e.wanted THEN e.revision END,
	CASE WHEN e.wanted THEN e.event_id END, CASE WHEN e.wanted THEN e.type END,
	CASE WHEN e.wanted THEN e.data END, CASE WHEN e.wanted THEN e.metadata END,
	CASE WHEN e.wanted THEN e.created END, CASE WHEN e.wanted THEN e.prev_hash END,
	CASE WHEN e.wanted THEN e.hash END`

// ReadAllTypes implements eventstore.TypeFilteredReader.
func (s *Store) ReadAllTypes(ctx context.Context, from eventstore.Position, max int, types []string) (out []eventstore.RecordedEvent, scanned eventstore.Position, n int, err error) {
	start := time.Now()
	defer func() { s.observe("read_all", start, err) }()
	if max <= 0 {
		return nil, from, 0, fmt.Errorf("eventstore/postgres: ReadAllTypes max must be > 0, got %d", max)
	}
	if s.isClosed() {
		return nil, from, 0, eventstore.ErrClosed
	}
	if from.Prepare > math.MaxInt64 {
		from.Prepare = math.MaxInt64
	}
	rows, err := s.pool.Query(ctx, readAllTypesSQL, from.Commit, int64(from.Prepare), max, types)
	if err != nil {
		return nil, from, 0, classify("read_all", err)
	}
	defer rows.Close()
	scanned = from
	sc := newEventScanner(rows.FieldDescriptions())
	// Room as ReadAll makes: a 10,000-event page started at 1,024 was
	// copied eleven times as it grew (BENCHMARKS.md §5, rebuild5).
	out = make([]eventstore.RecordedEvent, 0, min(max, maxReadAllPrealloc))
	var skip []any // the slow path's destinations for a skipped event's position
	var skipSeq int64
	var skipXid uint64
	for rows.Next() {
		n++
		if v := rows.RawValues(); v[2] == nil {
			// An event of another type (its stream is NULL): only its position.
			var seq, xid int64
			ok := sc.fast
			if ok {
				var okXid bool
				seq, ok = int8At(v[0])
				xid, okXid = int8At(v[1])
				ok = ok && okXid
			}
			if !ok {
				if skip == nil {
					skip = make([]any, len(rows.FieldDescriptions()))
					skip[0], skip[1] = &skipSeq, &skipXid
				}
				if err := rows.Scan(skip...); err != nil {
					return nil, from, 0, classify("read_all", err)
				}
				seq, xid = skipSeq, int64(skipXid)
			}
			scanned = eventstore.Position{Commit: uint64(xid), Prepare: uint64(seq)}
			continue
		}
		out = append(out, eventstore.RecordedEvent{})
		if err := sc.scan(rows, &out[len(out)-1]); err != nil {
			return nil, from, 0, classify("read_all", err)
		}
		scanned = out[len(out)-1].Position
	}
	if err := rows.Err(); err != nil {
		return nil, from, 0, classify("read_all", err)
	}
	return out, scanned, n, nil
}
