package timesheets

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/jackc/pgx/v5"

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

var _ projections.BatchProjector = (*Timesheets)(nil)

// NewTimesheets returns the projector.
func NewTimesheets() *Timesheets { return &Timesheets{} }

// Name implements projections.Projector.
func (*Timesheets) Name() string { return NameTimesheets }

// Handles implements projections.Projector: every timesheet event.
func (*Timesheets) Handles(eventType string) bool { return ts.Events.Knows(eventType) }

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
	sheets, err := loadSheets(ctx, tx, events)
	if err != nil {
		return err
	}
	var dirty []*sheet
	for _, rec := range events {
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
		ev, err := ts.Events.Decode(rec.Type, rec.Data)
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
	rows, err := tx.Query(ctx, `SELECT stream, iso_year, iso_week, revision, status, doc::text FROM ts_timesheets WHERE stream = ANY($1)`, streams)
	if err != nil {
		return nil, fmt.Errorf("timesheets: unable to load rows: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		s := &sheet{}
		var doc string
		if err := rows.Scan(&s.stream, &s.isoYear, &s.isoWeek, &s.revision, &s.oldState, &doc); err != nil {
			return nil, fmt.Errorf("timesheets: unable to read a row: %w", err)
		}
		if err := json.Unmarshal([]byte(doc), s); err != nil {
			return nil, fmt.Errorf("timesheets: %s: bad document: %w", s.stream, err)
		}
		s.opened = true
		s.oldRevision = s.revision
		out[s.stream] = s
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("timesheets: unable to load rows: %w", err)
	}
	for _, st := range streams {
		if out[st] == nil {
			out[st] = &sheet{stream: st, revision: -1, oldRevision: -1}
		}
	}
	return out, nil
}

const upsertSheetsSQL = `
INSERT INTO ts_timesheets (stream, placement_id, iso_year, iso_week, week_start, worker_id, client_id,
	intermediary_id, status, next_party, total_minutes, entry_deadline, approval_deadline,
	offered_late, approved_late, revision, updated_at, doc, entered_by, next_step, offered_hash,
	hour_totals, expenses_cents, expense_km)
SELECT u.stream, u.placement_id, u.iso_year, u.iso_week, u.week_start::date, u.worker_id, u.client_id,
	u.intermediary_id, u.status, nullif(u.next_party, ''), u.total_minutes, u.entry_deadline, u.approval_deadline,
	u.offered_late, u.approved_late, u.revision, u.updated_at, u.doc::jsonb, u.entered_by, u.next_step,
	nullif(u.offered_hash, ''), u.hour_totals::jsonb, u.expenses_cents, u.expense_km
FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[],
	$8::text[], $9::text[], $10::text[], $11::int[], $12::timestamptz[], $13::timestamptz[],
	$14::bool[], $15::bool[], $16::bigint[], $17::timestamptz[], $18::text[], $19::text[], $20::int[], $21::text[],
	$22::text[], $23::bigint[], $24::int[])
	AS u(stream, placement_id, iso_year, iso_week, week_start, worker_id, client_id,
	intermediary_id, status, next_party, total_minutes, entry_deadline, approval_deadline,
	offered_late, approved_late, revision, updated_at, doc, entered_by, next_step, offered_hash,
	hour_totals, expenses_cents, expense_km)
ON CONFLICT (stream) DO UPDATE SET
	status = excluded.status, next_party = excluded.next_party, total_minutes = excluded.total_minutes,
	offered_late = excluded.offered_late, approved_late = excluded.approved_late,
	revision = excluded.revision, updated_at = excluded.updated_at, doc = excluded.doc,
	entered_by = excluded.entered_by, next_step = excluded.next_step, offered_hash = excluded.offered_hash,
	hour_totals = excluded.hour_totals, expenses_cents = excluded.expenses_cents, expense_km = excluded.expense_km
WHERE ts_timesheets.revision < excluded.revision`

func writeSheets(ctx context.Context, tx pgx.Tx, dirty []*sheet) error {
	n := len(dirty)
	var (
		stream, placement, weekStart, worker, client, inter, status, next, doc = make([]string, n), make([]string, n),
			make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		enteredBy, offeredHash       = make([]string, n), make([]string, n)
		nextStep                     = make([]*int32, n) // NULL unless a step is pending
		year, week, total            = make([]int32, n), make([]int32, n), make([]int32, n)
		entryDL, approvalDL, updated = make([]any, n), make([]any, n), make([]any, n)
		offLate, apprLate            = make([]bool, n), make([]bool, n)
		revision                     = make([]int64, n)
		hours                        = make([]string, n) // hour_totals, for the hours report
		expCents                     = make([]int64, n)
		expKm                        = make([]int32, n)
	)
	for i, s := range dirty {
		b, err := s.marshal()
		if err != nil {
			return fmt.Errorf("timesheets: %s: encode: %w", s.stream, err)
		}
		stream[i], placement[i], weekStart[i] = s.stream, s.PlacementID, s.WeekStart
		worker[i], client[i], inter[i] = s.WorkerID, s.ClientID, s.IntermediaryID
		status[i], next[i], doc[i] = s.Status, s.nextParty(), string(b)
		year[i], week[i], total[i] = int32(s.isoYear), int32(s.isoWeek), int32(s.TotalMinutes)
		entryDL[i], approvalDL[i], updated[i] = s.EntryDeadline, s.ApprovalDeadline, s.UpdatedAt
		offLate[i], apprLate[i] = s.OfferedLate, s.ApprovedLate
		revision[i] = s.revision
		enteredBy[i], offeredHash[i] = s.EnteredBy, s.offeredHash()
		if hours[i], expCents[i], expKm[i], err = s.reportColumns(); err != nil {
			return fmt.Errorf("timesheets: %s: encode: %w", s.stream, err)
		}
		if step, ok := s.nextStep(); ok {
			v := int32(step)
			nextStep[i] = &v
		}
	}
	_, err := tx.Exec(ctx, upsertSheetsSQL, stream, placement, year, week, weekStart, worker, client, inter,
		status, next, total, entryDL, approvalDL, offLate, apprLate, revision, updated, doc, enteredBy, nextStep, offeredHash,
		hours, expCents, expKm)
	if err != nil {
		return fmt.Errorf("timesheets: unable to write %d rows: %w", n, err)
	}
	return nil
}

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
