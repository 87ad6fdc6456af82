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

// Prepare implements projections.PreparingProjector: it decodes the
// events' data ahead, outside the transaction, in stretches of
// decodeStretch events on up to GOMAXPROCS goroutines (decoding is the
// largest part of a rebuild's Go work; the events are independent).
func (*Timesheets) Prepare(events []eventstore.RecordedEvent) any {
	out := make([]decoded, len(events))
	decode := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			out[i].ev, out[i].err = ts.Events.Decode(events[i].Type, events[i].Data)
		}
	}
	workers := min(runtime.GOMAXPROCS(0), (len(events)+decodeStretch-1)/decodeStretch)
	if workers <= 1 {
		decode(0, len(events))
		return out
	}
	var wg sync.WaitGroup
	per := (len(events) + workers - 1) / workers
	for lo := 0; lo < len(events); lo += per {
		wg.Go(func() { decode(lo, min(lo+per, len(events))) })
	}
	wg.Wait()
	return out
}

// decodeStretch is the fewest events Prepare gives a goroutine of its own.
const decodeStretch = 1000

// HandlePrepared implements projections.PreparingProjector.
func (p *Timesheets) HandlePrepared(ctx context.Context, tx pgx.Tx, events []eventstore.RecordedEvent, prepared any) error {
	d, ok := prepared.([]decoded)
	if !ok || len(d) != len(events) {
		d = nil
	}
	return p.handle(ctx, tx, events, d)
}

// handle is HandleBatch with the events decoded ahead (pre, when not nil).
func (p *Timesheets) handle(ctx context.Context, tx pgx.Tx, events []eventstore.RecordedEvent, pre []decoded) error {
	sheets, err := loadSheets(ctx, tx, events)
	if err != nil {
		return err
	}
	var dirty []*sheet
	for i, rec := range events {
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
			ev, err = pre[i].ev, pre[i].err
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
	if len(dirty) == 0 {
		return nil
	}
	if err := writeSheets(ctx, tx, dirty); err != nil {
		return err
	}
	return writeCounts(ctx, tx, dirty)
}

func loadSheets(ctx context.Context, tx pgx.Tx, events []eventstore.RecordedEvent) (map[string]*sheet, error) {
	seen := map[string]bool{}
	var streams []string
	for _, e := range events {
		if !seen[e.Stream] {
			seen[e.Stream] = true
			streams = append(streams, e.Stream)
		}
	}
	out := make(map[string]*sheet, len(streams))
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
// projector's lock, so none can appear meanwhile: a rebuild writes almost
// only these), each of the others with an UPDATE of the column groups its
// events changed (one round trip for all).
func writeSheets(ctx context.Context, tx pgx.Tx, dirty []*sheet) error {
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
	if len(fresh) > 0 {
		if err := copySheets(ctx, tx, fresh); err != nil {
			return fmt.Errorf("timesheets: unable to write %d new rows: %w", len(fresh), err)
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

func writeCounts(ctx context.Context, tx pgx.Tx, dirty []*sheet) error {
	deltas := map[countKey]int64{}
	add := func(s *sheet, status string, d int64) {
		deltas[countKey{countAll, "", status}] += d
		deltas[countKey{countIntermediary, s.IntermediaryID, status}] += d
		deltas[countKey{countClient, s.ClientID, status}] += d
		deltas[countKey{countWorker, s.WorkerID, status}] += d
	}
	for _, s := range dirty {
		if s.oldState == s.Status {
			continue
		}
		if s.oldState != "" {
			add(s, s.oldState, -1)
		}
		add(s, s.Status, 1)
	}
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
