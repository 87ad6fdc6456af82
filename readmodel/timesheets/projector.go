package timesheets

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	"backoffice/projections"
)

// NameTimesheets is the name of the projector of ts_timesheets and
// ts_status_counts.
//
// WARNING: stored as the projector's checkpoint key; never rename it (a
// renamed projector starts again from position 0 on top of its old rows).
const NameTimesheets = "timesheets"

// Timesheets projects timesheet events into ts_timesheets (one row per
// stream) and ts_status_counts (counts per scope and status).
type Timesheets struct{}

var _ projections.PreparingProjector = (*Timesheets)(nil)

// NewTimesheets returns the projector.
func NewTimesheets() *Timesheets { return &Timesheets{} }

// Name implements projections.Projector.
func (*Timesheets) Name() string { return NameTimesheets }

// AsyncCommit: its rows derive from the log alone and commit with its
// checkpoint (projections.AsyncCommitProjector, docs/architecture.md).
func (*Timesheets) AsyncCommit() bool { return true }

// Handles implements projections.Projector: every timesheet event.
func (*Timesheets) Handles(eventType string) bool { return ts.Events.Knows(eventType) }

// EventTypes implements projections.TypedProjector.
func (*Timesheets) EventTypes() []string { return ts.Events.Types() }

// DeferIndexesOf implements projections.IndexDeferrer: a rebuild builds
// the list indexes of ts_timesheets once at the end instead of updating
// seven indexes per row (the projector writes by primary key only).
func (*Timesheets) DeferIndexesOf() []string { return []string{"ts_timesheets"} }

// Reset implements projections.Projector.
func (*Timesheets) Reset(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `TRUNCATE ts_timesheets, ts_status_counts`)
	if err != nil {
		return fmt.Errorf("timesheets: unable to reset: %w", err)
	}
	return nil
}

// Handle implements projections.Projector.
func (p *Timesheets) Handle(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent) error {
	return p.HandleBatch(ctx, tx, []eventstore.RecordedEvent{e})
}

// HandleBatch implements projections.BatchProjector: it loads the rows of
// the batch's streams once, folds the events, and writes rows and count
// deltas back with one statement each.
func (p *Timesheets) HandleBatch(ctx context.Context, tx pgx.Tx, events []eventstore.RecordedEvent) error {
	return p.handle(ctx, tx, events, nil)
}

// decoded is an event's decoded data, or why it could not be decoded.
type decoded struct {
	ev  domain.Event
	err error
}

// prepared is what Prepare does ahead for a page: every event decoded,
// and the timesheets that start in the page (their revision 0 is its
// first event of the stream, the rest follow without a gap) folded into
// new rows, encoded for COPY, with their status counts. Such a stream can
// have no row yet (its first event was never applied), so nothing of the
// read model is needed to fold it: a rebuild writes almost only these.
// Should a row exist all the same, the COPY hits the primary key and
// HandlePrepared reports projections.ErrPreparedStale, so the runtime
// applies the batch again without this.
type prepared struct {
	decoded []decoded
	ahead   []bool // per event: folded into one of fresh
	fresh   []*sheet
	tuples  [][]byte // fresh as binary COPY tuples, in parts
	counts  map[countKey]int64
}

// Prepare implements projections.PreparingProjector: outside the
// transaction, on up to GOMAXPROCS goroutines (each takes whole streams;
// streams are independent), it decodes the events and folds and encodes
// the timesheets that start in the page (prepared).
func (*Timesheets) Prepare(events []eventstore.RecordedEvent) any {
	out := &prepared{decoded: make([]decoded, len(events)), ahead: make([]bool, len(events))}
	// Streams in order of first appearance, and each event's next event
	// of the same stream (-1: none); new marks a stream starting at
	// revision 0 without gaps in the page.
	type stream struct {
		first, last int32
		new         bool
	}
	index := make(map[string]int32, len(events)/4)
	var streams []stream
	next := make([]int32, len(events))
	for i := range events {
		e := &events[i]
		next[i] = -1
		g, ok := index[e.Stream]
		if !ok {
			index[e.Stream] = int32(len(streams))
			streams = append(streams, stream{first: int32(i), last: int32(i), new: e.Revision == 0})
			continue
		}
		st := &streams[g]
		st.new = st.new && e.Revision == events[st.last].Revision+1
		next[st.last], st.last = int32(i), int32(i)
	}
	type part struct {
		fresh  []*sheet
		tuples []byte
		counts map[countKey]int64
	}
	work := func(lo, hi int) (pt part) {
		for _, st := range streams[lo:hi] {
			for i := st.first; i >= 0; i = next[i] {
				out.decoded[i].ev, out.decoded[i].err = ts.Events.Decode(events[i].Type, events[i].Data)
			}
			if !st.new {
				continue
			}
			s := &sheet{stream: events[st.first].Stream, revision: -1, oldRevision: -1}
			for i := st.first; i >= 0 && s != nil; i = next[i] {
				if out.decoded[i].err != nil || s.apply(out.decoded[i].ev, events[i]) != nil {
					s = nil // left to HandlePrepared, which reports it at its event
					break
				}
				s.revision = int64(events[i].Revision)
			}
			if s == nil {
				continue
			}
			if pt.tuples == nil {
				pt.tuples = make([]byte, 0, tupleSize*(hi-lo))
				pt.counts = map[countKey]int64{}
			}
			pt.tuples = encodeRows(pt.tuples, []*sheet{s})
			pt.fresh = append(pt.fresh, s)
			countDeltas(pt.counts, s)
			for i := st.first; i >= 0; i = next[i] {
				out.ahead[i] = true
			}
		}
		return pt
	}
	workers := min(runtime.GOMAXPROCS(0), (len(events)+decodeStretch-1)/decodeStretch, len(streams))
	parts := make([]part, max(workers, 1))
	if workers <= 1 {
		parts[0] = work(0, len(streams))
	} else {
		var wg sync.WaitGroup
		per := (len(streams) + workers - 1) / workers
		for w := range workers {
			wg.Go(func() { parts[w] = work(min(w*per, len(streams)), min((w+1)*per, len(streams))) })
		}
		wg.Wait()
	}
	for _, pt := range parts {
		if len(pt.fresh) == 0 {
			continue
		}
		out.fresh = append(out.fresh, pt.fresh...)
		out.tuples = append(out.tuples, pt.tuples)
		if out.counts == nil {
			out.counts = pt.counts
			continue
		}
		for k, d := range pt.counts {
			out.counts[k] += d
		}
	}
	return out
}

// decodeStretch is the fewest events Prepare gives a goroutine of its own.
const decodeStretch = 1000

// HandlePrepared implements projections.PreparingProjector.
func (p *Timesheets) HandlePrepared(ctx context.Context, tx pgx.Tx, events []eventstore.RecordedEvent, pre any) error {
	d, ok := pre.(*prepared)
	if !ok || len(d.decoded) != len(events) {
		d = nil
	}
	return p.handle(ctx, tx, events, d)
}

// handle is HandleBatch with what Prepare did ahead (pre, when not nil):
// it folds the other events onto the rows loaded for their streams and
// writes those with the rows folded ahead.
func (p *Timesheets) handle(ctx context.Context, tx pgx.Tx, events []eventstore.RecordedEvent, pre *prepared) error {
	var skip []bool
	if pre != nil {
		skip = pre.ahead
	}
	sheets, err := loadSheets(ctx, tx, events, skip)
	if err != nil {
		return err
	}
	var dirty []*sheet
	for i, rec := range events {
		if skip != nil && skip[i] {
			continue
		}
		s := sheets[rec.Stream]
		if s == nil {
			s = &sheet{stream: rec.Stream, revision: -1, oldRevision: -1}
			sheets[rec.Stream] = s
		}
		rev := int64(rec.Revision)
		if rev <= s.revision {
			continue // applied before: idempotent
		}
		if rev != s.revision+1 {
			return fmt.Errorf("timesheets: %s: event at revision %d after revision %d: refusing a gap", rec.Stream, rev, s.revision)
		}
		var ev domain.Event
		if pre != nil {
			ev, err = pre.decoded[i].ev, pre.decoded[i].err
		} else {
			ev, err = ts.Events.Decode(rec.Type, rec.Data)
		}
		if err != nil {
			return fmt.Errorf("timesheets: %s revision %d: %w", rec.Stream, rev, err)
		}
		if err := s.apply(ev, rec); err != nil {
			return err
		}
		if s.revision == s.oldRevision { // first change in this batch
			dirty = append(dirty, s)
		}
		s.revision = rev
	}
	var ahead [][]byte
	counts := map[countKey]int64{}
	if pre != nil && len(pre.fresh) > 0 {
		ahead = pre.tuples
		for k, d := range pre.counts {
			counts[k] = d
		}
	}
	if len(dirty) == 0 && len(ahead) == 0 {
		return nil
	}
	if err := writeSheets(ctx, tx, dirty, ahead); err != nil {
		return err
	}
	for _, s := range dirty {
		countDeltas(counts, s)
	}
	return writeCounts(ctx, tx, counts)
}

// loadSheets loads the stored rows of the events' streams, but for the
// events skip marks (nil: none); a stream without a row gets a new sheet.
func loadSheets(ctx context.Context, tx pgx.Tx, events []eventstore.RecordedEvent, skip []bool) (map[string]*sheet, error) {
	seen := map[string]bool{}
	var streams []string
	for i, e := range events {
		if skip != nil && skip[i] {
			continue
		}
		if !seen[e.Stream] {
			seen[e.Stream] = true
			streams = append(streams, e.Stream)
		}
	}
	out := make(map[string]*sheet, len(streams))
	if len(streams) == 0 {
		return out, nil
	}
	stored, err := loadStored(ctx, tx, "stream = ANY($1)", streams)
	if err != nil {
		return nil, fmt.Errorf("timesheets: unable to load rows: %w", err)
	}
	for _, s := range stored {
		out[s.stream] = s
	}
	for _, st := range streams {
		if out[st] == nil {
			out[st] = &sheet{stream: st, revision: -1, oldRevision: -1}
		}
	}
	return out, nil
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// writeSheets writes the changed rows: those this batch created with COPY
// (the batch found no row for their stream, and this transaction holds the
// projector's lock, so none can appear meanwhile), together with the new
// rows Prepare encoded ahead (a rebuild writes almost only these), and
// each of the others with an UPDATE of the column groups its events
// changed (one round trip for all).
func writeSheets(ctx context.Context, tx pgx.Tx, dirty []*sheet, ahead [][]byte) error {
	var fresh []*sheet
	var b pgx.Batch
	for _, s := range dirty {
		if s.oldRevision < 0 {
			fresh = append(fresh, s)
			continue
		}
		sql, args := updateOf(s)
		b.Queue(sql, args...)
	}
	if len(fresh) > 0 || len(ahead) > 0 {
		if err := copySheets(ctx, tx, fresh, ahead); err != nil {
			return err
		}
	}
	if b.Len() == 0 {
		return nil
	}
	if err := tx.SendBatch(ctx, &b).Close(); err != nil {
		return fmt.Errorf("timesheets: unable to write %d rows: %w", b.Len(), err)
	}
	return nil
}

// micros rounds t to PostgreSQL's precision, so that a time folded in
// memory (the as-of detail, the history) equals the stored one.
func micros(t time.Time) time.Time { return t.Round(time.Microsecond) }

// Scope kinds of ts_status_counts.
//
// WARNING: stored values; never rename.
const (
	countAll          = "all"
	countIntermediary = "intermediary"
	countClient       = "client"
	countWorker       = "worker"
)

type countKey struct{ kind, id, status string }

// countDeltas adds the changes of a folded sheet's status to deltas.
func countDeltas(deltas map[countKey]int64, s *sheet) {
	if s.oldState == s.Status {
		return
	}
	add := func(status string, d int64) {
		deltas[countKey{countAll, "", status}] += d
		deltas[countKey{countIntermediary, s.IntermediaryID, status}] += d
		deltas[countKey{countClient, s.ClientID, status}] += d
		deltas[countKey{countWorker, s.WorkerID, status}] += d
	}
	if s.oldState != "" {
		add(s.oldState, -1)
	}
	add(s.Status, 1)
}

// writeCounts adds deltas to ts_status_counts.
func writeCounts(ctx context.Context, tx pgx.Tx, deltas map[countKey]int64) error {
	keys := make([]countKey, 0, len(deltas))
	for k, d := range deltas {
		if d != 0 {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	sort.Slice(keys, func(i, j int) bool { // a stable lock order
		a, b := keys[i], keys[j]
		if a.kind != b.kind {
			return a.kind < b.kind
		}
		if a.id != b.id {
			return a.id < b.id
		}
		return a.status < b.status
	})
	kinds, ids, statuses, ns := make([]string, len(keys)), make([]string, len(keys)), make([]string, len(keys)), make([]int64, len(keys))
	for i, k := range keys {
		kinds[i], ids[i], statuses[i], ns[i] = k.kind, k.id, k.status, deltas[k]
	}
	_, err := tx.Exec(ctx, `INSERT INTO ts_status_counts (scope_kind, scope_id, status, n)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
		ON CONFLICT (scope_kind, scope_id, status) DO UPDATE SET n = ts_status_counts.n + excluded.n`,
		kinds, ids, statuses, ns)
	if err != nil {
		return fmt.Errorf("timesheets: unable to update status counts: %w", err)
	}
	return nil
}

// Projectors are this package's projectors, for the projections runtime.
func Projectors() []projections.Projector {
	return []projections.Projector{NewPlacements(), NewTimesheets()}
}
