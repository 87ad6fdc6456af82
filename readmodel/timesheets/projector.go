package timesheets

import (
	"context"
	"encoding/json"
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

// storedSheet is the part of a ts_timesheets row the fold starts from.
type storedSheet struct {
	Stream   string `db:"stream"`
	IsoYear  int    `db:"iso_year"`
	IsoWeek  int    `db:"iso_week"`
	Revision int64  `db:"revision"`
	Status   string `db:"status"`
	Doc      []byte `db:"doc"`
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
	rows, err := tx.Query(ctx, `SELECT stream, iso_year, iso_week, revision, status, doc FROM ts_timesheets WHERE stream = ANY($1)`, streams)
	if err != nil {
		return nil, fmt.Errorf("timesheets: unable to load rows: %w", err)
	}
	stored, err := pgx.CollectRows(rows, pgx.RowToStructByName[storedSheet])
	if err != nil {
		return nil, fmt.Errorf("timesheets: unable to load rows: %w", err)
	}
	for _, r := range stored {
		s := &sheet{}
		if err := json.Unmarshal(r.Doc, s); err != nil {
			return nil, fmt.Errorf("timesheets: %s: bad document: %w", r.Stream, err)
		}
		s.stream, s.isoYear, s.isoWeek, s.revision, s.oldState = r.Stream, r.IsoYear, r.IsoWeek, r.Revision, r.Status
		s.opened = true
		s.oldRevision = s.revision
		out[s.stream] = s
	}
	for _, st := range streams {
		if out[st] == nil {
			out[st] = &sheet{stream: st, revision: -1, oldRevision: -1}
		}
	}
	return out, nil
}

// sheetRow is one ts_timesheets row as written: the batch goes to the
// database as one JSON array of these (jsonb_to_recordset), one parameter
// instead of a parallel array per column.
type sheetRow struct {
	Stream           string          `json:"stream"`
	PlacementID      string          `json:"placement_id"`
	IsoYear          int             `json:"iso_year"`
	IsoWeek          int             `json:"iso_week"`
	WeekStart        string          `json:"week_start"`
	WorkerID         string          `json:"worker_id"`
	ClientID         string          `json:"client_id"`
	IntermediaryID   string          `json:"intermediary_id"`
	Status           string          `json:"status"`
	NextParty        *string         `json:"next_party"`
	TotalMinutes     int             `json:"total_minutes"`
	EntryDeadline    time.Time       `json:"entry_deadline"`
	ApprovalDeadline time.Time       `json:"approval_deadline"`
	OfferedLate      bool            `json:"offered_late"`
	ApprovedLate     bool            `json:"approved_late"`
	Revision         int64           `json:"revision"`
	UpdatedAt        time.Time       `json:"updated_at"`
	Doc              string          `json:"doc"` // a JSON string: stored as these exact bytes (text column)
	EnteredBy        string          `json:"entered_by"`
	NextStep         *int            `json:"next_step"` // NULL unless a step is pending
	OfferedHash      *string         `json:"offered_hash"`
	HourTotals       json.RawMessage `json:"hour_totals"` // for the hours report
	ExpensesCents    int64           `json:"expenses_cents"`
	ExpenseKm        int32           `json:"expense_km"`
}

const upsertSheetsSQL = `
INSERT INTO ts_timesheets (stream, placement_id, iso_year, iso_week, week_start, worker_id, client_id,
	intermediary_id, status, next_party, total_minutes, entry_deadline, approval_deadline,
	offered_late, approved_late, revision, updated_at, doc, entered_by, next_step, offered_hash,
	hour_totals, expenses_cents, expense_km)
SELECT stream, placement_id, iso_year, iso_week, week_start, worker_id, client_id,
	intermediary_id, status, next_party, total_minutes, entry_deadline, approval_deadline,
	offered_late, approved_late, revision, updated_at, doc, entered_by, next_step, offered_hash,
	hour_totals, expenses_cents, expense_km
FROM jsonb_to_recordset($1::jsonb) AS u(stream text, placement_id text, iso_year int, iso_week int,
	week_start date, worker_id text, client_id text, intermediary_id text, status text, next_party text,
	total_minutes int, entry_deadline timestamptz, approval_deadline timestamptz, offered_late bool,
	approved_late bool, revision bigint, updated_at timestamptz, doc text, entered_by text, next_step int,
	offered_hash text, hour_totals jsonb, expenses_cents bigint, expense_km int)
ON CONFLICT (stream) DO UPDATE SET
	status = excluded.status, next_party = excluded.next_party, total_minutes = excluded.total_minutes,
	offered_late = excluded.offered_late, approved_late = excluded.approved_late,
	revision = excluded.revision, updated_at = excluded.updated_at, doc = excluded.doc,
	entered_by = excluded.entered_by, next_step = excluded.next_step, offered_hash = excluded.offered_hash,
	hour_totals = excluded.hour_totals, expenses_cents = excluded.expenses_cents, expense_km = excluded.expense_km
WHERE ts_timesheets.revision < excluded.revision`

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// sheetColumns are the columns of ts_timesheets in the order of
// sheetRow.values.
var sheetColumns = []string{"stream", "placement_id", "iso_year", "iso_week", "week_start", "worker_id", "client_id",
	"intermediary_id", "status", "next_party", "total_minutes", "entry_deadline", "approval_deadline",
	"offered_late", "approved_late", "revision", "updated_at", "doc", "entered_by", "next_step", "offered_hash",
	"hour_totals", "expenses_cents", "expense_km"}

// values is the row for COPY, in the order of sheetColumns.
func (r *sheetRow) values() ([]any, error) {
	week, err := time.Parse(time.DateOnly, r.WeekStart)
	if err != nil {
		return nil, fmt.Errorf("timesheets: %s: week start %q: %w", r.Stream, r.WeekStart, err)
	}
	return []any{r.Stream, r.PlacementID, int32(r.IsoYear), int32(r.IsoWeek), week, r.WorkerID, r.ClientID,
		r.IntermediaryID, r.Status, r.NextParty, int32(r.TotalMinutes), r.EntryDeadline, r.ApprovalDeadline,
		r.OfferedLate, r.ApprovedLate, r.Revision, r.UpdatedAt, r.Doc, r.EnteredBy, r.NextStep, r.OfferedHash,
		[]byte(r.HourTotals), r.ExpensesCents, r.ExpenseKm}, nil
}

// writeSheets writes the changed rows: those this batch created with COPY
// (the batch found no row for their stream, and this transaction holds the
// projector's lock, so none can appear meanwhile: a rebuild writes almost
// only these), the others with one upsert.
func writeSheets(ctx context.Context, tx pgx.Tx, dirty []*sheet) error {
	rows, err := sheetRows(dirty)
	if err != nil {
		return err
	}
	var fresh [][]any
	var changed []sheetRow
	for i, s := range dirty {
		if s.oldRevision >= 0 {
			changed = append(changed, rows[i])
			continue
		}
		v, err := rows[i].values()
		if err != nil {
			return err
		}
		fresh = append(fresh, v)
	}
	if len(fresh) > 0 {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"ts_timesheets"}, sheetColumns, pgx.CopyFromRows(fresh)); err != nil {
			return fmt.Errorf("timesheets: unable to write %d new rows: %w", len(fresh), err)
		}
	}
	if len(changed) == 0 {
		return nil
	}
	batch, err := json.Marshal(changed)
	if err != nil {
		return fmt.Errorf("timesheets: encode %d rows: %w", len(changed), err)
	}
	if _, err := tx.Exec(ctx, upsertSheetsSQL, string(batch)); err != nil {
		return fmt.Errorf("timesheets: unable to write %d rows: %w", len(changed), err)
	}
	return nil
}

// micros rounds t to PostgreSQL's precision here, so that COPY (which
// truncates) and the upsert's text (which the server rounds) store the
// same value.
func micros(t time.Time) time.Time { return t.Round(time.Microsecond) }

func sheetRows(dirty []*sheet) ([]sheetRow, error) {
	rows := make([]sheetRow, len(dirty))
	for i, s := range dirty {
		doc, err := s.marshal()
		if err != nil {
			return nil, fmt.Errorf("timesheets: %s: encode: %w", s.stream, err)
		}
		hours, cents, km, err := s.reportColumns()
		if err != nil {
			return nil, fmt.Errorf("timesheets: %s: encode: %w", s.stream, err)
		}
		r := sheetRow{Stream: s.stream, PlacementID: s.PlacementID, IsoYear: s.isoYear, IsoWeek: s.isoWeek,
			WeekStart: s.WeekStart, WorkerID: s.WorkerID, ClientID: s.ClientID, IntermediaryID: s.IntermediaryID,
			Status: s.Status, NextParty: nonEmpty(s.nextParty()), TotalMinutes: s.TotalMinutes,
			EntryDeadline: micros(s.EntryDeadline), ApprovalDeadline: micros(s.ApprovalDeadline), OfferedLate: s.OfferedLate,
			ApprovedLate: s.ApprovedLate, Revision: s.revision, UpdatedAt: micros(s.UpdatedAt), Doc: string(doc),
			EnteredBy: s.EnteredBy, OfferedHash: nonEmpty(s.offeredHash()), HourTotals: json.RawMessage(hours),
			ExpensesCents: cents, ExpenseKm: km}
		if step, ok := s.nextStep(); ok {
			r.NextStep = &step
		}
		rows[i] = r
	}
	return rows, nil
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
