package payroll

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	"backoffice/projections"
)

// NameFeed is the name of the projector of payroll_feed and
// payroll_timesheets.
//
// WARNING: stored as the projector's checkpoint key; never rename it (a
// renamed projector starts again from position 0 on top of its old rows).
const NameFeed = "payroll.feed"

// FeedProjectors are the projectors the feed query reads: wait for these
// before answering a query with a minimum position.
var FeedProjectors = []string{NameFeed}

// Feed projects timesheet.opened, timesheet.approved, timesheet.imported and
// timesheet.reopened into the payroll feed: one row per approval (a
// correction after import is a later round's row of the same stream).
type Feed struct{}

var _ projections.BatchProjector = (*Feed)(nil)

// NewFeed returns the projector.
func NewFeed() *Feed { return &Feed{} }

// Projectors are this package's projectors, for the projections runtime.
func Projectors() []projections.Projector { return []projections.Projector{NewFeed()} }

// Name implements projections.Projector.
func (*Feed) Name() string { return NameFeed }

// AsyncCommit: its rows derive from the log alone and commit with its
// checkpoint (projections.AsyncCommitProjector, docs/architecture.md).
func (*Feed) AsyncCommit() bool { return true }

// Handles implements projections.Projector.
func (*Feed) Handles(eventType string) bool {
	switch eventType {
	case ts.TypeOpened, ts.TypeApproved, ts.TypeImported, ts.TypeReopened:
		return true
	}
	return false
}

// Reset implements projections.Projector.
func (*Feed) Reset(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `TRUNCATE payroll_feed, payroll_timesheets`); err != nil {
		return fmt.Errorf("payroll: unable to reset: %w", err)
	}
	return nil
}

// Handle implements projections.Projector.
func (p *Feed) Handle(ctx context.Context, tx pgx.Tx, e eventstore.RecordedEvent) error {
	return p.HandleBatch(ctx, tx, []eventstore.RecordedEvent{e})
}

// sheet is a timesheet stream as the projector folds it.
type sheet struct {
	stream      string
	revision    int64 // last applied stream revision, -1: none
	oldRevision int64 // revision as loaded
	opened      bool
	lastRound   int32 // round of the last feed row stored before this batch, 0: none

	placementID      string
	isoYear, isoWeek int32
	weekStart        string
	weekEnd          string
	worker, client   string
	intermediary     string
	approvals        []*approval // approved in this batch, in order
	// storedImport is an import in this batch of the row stored before it
	// (round lastRound).
	storedImport *approval
	// reopenedFrom is the import batch of the reopened content, from
	// timesheet.reopened until the next approval ("" otherwise).
	reopenedFrom string
}

// approval is a feed row's approved content, ready to store.
type approval struct {
	commit, prepare int64
	round           int32
	hash            string
	lines           string // JSON []Line
	dayTotals       []int32
	totalMinutes    int32
	expenses        string // JSON []Expense
	allowances      string // JSON Allowances
	approvedAt      time.Time
	deadline        time.Time
	late            bool
	correctionOf    string // import batch of the content this approval corrects
	imported        bool
	importBatch     string
	importedAt      time.Time
}

// HandleBatch implements projections.BatchProjector: it loads the batch's
// streams once, folds the events in memory and writes each table with one
// statement.
func (p *Feed) HandleBatch(ctx context.Context, tx pgx.Tx, events []eventstore.RecordedEvent) error {
	sheets, err := loadSheets(ctx, tx, events)
	if err != nil {
		return err
	}
	var dirty []*sheet
	for _, rec := range events {
		if !p.Handles(rec.Type) {
			continue
		}
		s := sheets[rec.Stream]
		rev := int64(rec.Revision)
		if rev <= s.revision {
			continue // applied before: idempotent
		}
		ev, err := ts.Events.Decode(rec.Type, rec.Data)
		if err != nil {
			return fmt.Errorf("payroll: %s revision %d: %w", rec.Stream, rev, err)
		}
		if err := s.apply(ev, rec); err != nil {
			return err
		}
		if s.revision == s.oldRevision {
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
	if err := writeApprovals(ctx, tx, dirty); err != nil {
		return err
	}
	return writeImports(ctx, tx, dirty)
}

func (s *sheet) apply(ev any, rec eventstore.RecordedEvent) error {
	switch e := ev.(type) {
	case *ts.Opened:
		s.opened = true
		s.placementID = e.PlacementID
		s.isoYear, s.isoWeek = int32(e.Week.Year), int32(e.Week.Week)
		start, end := e.WeekStart, e.WeekEnd
		if start.IsZero() {
			start, end = e.Week.Start(), e.Week.End()
		}
		s.weekStart, s.weekEnd = start.String(), end.String()
		s.worker, s.client, s.intermediary = e.WorkerID, e.ClientID, e.IntermediaryID
	case *ts.Approved:
		if !s.opened {
			return fmt.Errorf("payroll: %s revision %d: approved before opened", rec.Stream, rec.Revision)
		}
		if (s.lastRound > 0 || len(s.approvals) > 0) && s.reopenedFrom == "" {
			return fmt.Errorf("payroll: %s revision %d: approved twice without a reopening (an approval is final)", rec.Stream, rec.Revision)
		}
		a, err := approvalOf(e, rec)
		if err != nil {
			return err
		}
		a.correctionOf, s.reopenedFrom = s.reopenedFrom, ""
		s.approvals = append(s.approvals, a)
	case *ts.Imported:
		last := s.storedImport
		if n := len(s.approvals); n > 0 {
			last = s.approvals[n-1]
		} else if s.lastRound > 0 && last == nil {
			last = &approval{round: s.lastRound}
			s.storedImport = last
		}
		if last == nil {
			return fmt.Errorf("payroll: %s revision %d: imported before approved", rec.Stream, rec.Revision)
		}
		last.imported, last.importBatch, last.importedAt = true, e.ImportBatch, occurredAt(rec)
	case *ts.Reopened:
		if s.lastRound == 0 && len(s.approvals) == 0 {
			return fmt.Errorf("payroll: %s revision %d: reopened before approved", rec.Stream, rec.Revision)
		}
		s.reopenedFrom = e.ImportBatch
		if s.reopenedFrom == "" {
			s.reopenedFrom = "?" // cannot happen: only an imported timesheet is reopened
		}
	}
	return nil
}

// occurredAt is the event's business time, or when it was stored.
func occurredAt(rec eventstore.RecordedEvent) time.Time {
	if !rec.Metadata.OccurredAt.IsZero() {
		return rec.Metadata.OccurredAt
	}
	return rec.Created
}

func approvalOf(e *ts.Approved, rec eventstore.RecordedEvent) (*approval, error) {
	if rec.Position.Commit > math.MaxInt64 || rec.Position.Prepare > math.MaxInt64 {
		return nil, fmt.Errorf("payroll: %s revision %d: position %s does not fit the feed table", rec.Stream, rec.Revision, rec.Position)
	}
	lines := make([]Line, 0, len(e.Lines))
	for _, l := range e.Lines {
		out := Line{HourType: l.HourType.Code, Name: l.HourType.Name, Percentage: l.HourType.Percentage,
			Absence: l.HourType.Absence, TotalMinutes: int(l.Total()), FromTimeRegistration: l.FromTimeRegistration}
		for i, m := range l.Minutes {
			out.Minutes[i] = int(m)
		}
		lines = append(lines, out)
	}
	expenses := make([]Expense, 0, len(e.Expenses))
	for _, x := range e.Expenses {
		expenses = append(expenses, Expense{ID: x.ID, Type: string(x.Type), Date: x.Date.String(),
			AmountCents: x.AmountCents, Kilometres: x.Kilometres, Description: x.Description})
	}
	allowances := Allowances{DaysWorked: e.Allowances.DaysWorked, MinutesWorked: int(e.Allowances.MinutesWorked),
		PerDayCents: e.Allowances.PerDayCents, PerHourCents: e.Allowances.PerHourCents, TotalCents: e.Allowances.TotalCents}
	lb, err := json.Marshal(lines)
	if err != nil {
		return nil, fmt.Errorf("payroll: %s: encode lines: %w", rec.Stream, err)
	}
	xb, err := json.Marshal(expenses)
	if err != nil {
		return nil, fmt.Errorf("payroll: %s: encode expenses: %w", rec.Stream, err)
	}
	ab, err := json.Marshal(allowances)
	if err != nil {
		return nil, fmt.Errorf("payroll: %s: encode allowances: %w", rec.Stream, err)
	}
	days := make([]int32, 7)
	for i, m := range e.DayTotals {
		days[i] = int32(m)
	}
	return &approval{
		commit: int64(rec.Position.Commit), prepare: int64(rec.Position.Prepare),
		round: int32(e.Round), hash: e.Hash, lines: string(lb), dayTotals: days, totalMinutes: int32(e.TotalMinutes),
		expenses: string(xb), allowances: string(ab), approvedAt: occurredAt(rec), deadline: e.Deadline, late: e.Late,
	}, nil
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
	rows, err := tx.Query(ctx, `
		SELECT t.stream, t.placement_id, t.iso_year, t.iso_week, t.week_start::text, t.week_end::text,
			t.worker_id, t.client_id, t.intermediary_id, t.revision, coalesce(t.reopened_from, ''),
			coalesce((SELECT max(f.round) FROM payroll_feed f WHERE f.stream = t.stream), 0)
		FROM payroll_timesheets t
		WHERE t.stream = ANY($1)`, streams)
	if err != nil {
		return nil, fmt.Errorf("payroll: unable to load rows: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		s := &sheet{opened: true}
		if err := rows.Scan(&s.stream, &s.placementID, &s.isoYear, &s.isoWeek, &s.weekStart, &s.weekEnd,
			&s.worker, &s.client, &s.intermediary, &s.revision, &s.reopenedFrom, &s.lastRound); err != nil {
			return nil, fmt.Errorf("payroll: unable to read a row: %w", err)
		}
		s.oldRevision = s.revision
		out[s.stream] = s
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("payroll: unable to load rows: %w", err)
	}
	for _, st := range streams {
		if out[st] == nil {
			out[st] = &sheet{stream: st, revision: -1, oldRevision: -1}
		}
	}
	return out, nil
}

func writeSheets(ctx context.Context, tx pgx.Tx, dirty []*sheet) error {
	var (
		stream, placement, start, end, worker, client, inter, reopened []string
		year, week                                                     []int32
		revision                                                       []int64
	)
	for _, s := range dirty {
		if !s.opened {
			// A stream whose first handled event is not timesheet.opened
			// would be refused by apply; nothing to store without it.
			continue
		}
		stream, placement = append(stream, s.stream), append(placement, s.placementID)
		start, end = append(start, s.weekStart), append(end, s.weekEnd)
		worker, client, inter = append(worker, s.worker), append(client, s.client), append(inter, s.intermediary)
		year, week, revision = append(year, s.isoYear), append(week, s.isoWeek), append(revision, s.revision)
		reopened = append(reopened, s.reopenedFrom)
	}
	if len(stream) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO payroll_timesheets (stream, placement_id, iso_year, iso_week, week_start, week_end,
			worker_id, client_id, intermediary_id, revision, reopened_from)
		SELECT u.stream, u.placement_id, u.iso_year, u.iso_week, u.week_start::date, u.week_end::date,
			u.worker_id, u.client_id, u.intermediary_id, u.revision, nullif(u.reopened_from, '')
		FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[],
			$9::text[], $10::bigint[], $11::text[])
			AS u(stream, placement_id, iso_year, iso_week, week_start, week_end, worker_id, client_id,
			intermediary_id, revision, reopened_from)
		ON CONFLICT (stream) DO UPDATE SET revision = excluded.revision, reopened_from = excluded.reopened_from
		WHERE payroll_timesheets.revision < excluded.revision`,
		stream, placement, year, week, start, end, worker, client, inter, revision, reopened)
	if err != nil {
		return fmt.Errorf("payroll: unable to write %d timesheet rows: %w", len(stream), err)
	}
	return nil
}

// writeApprovals stores the rows approved in this batch (with their import,
// when it came in the same batch).
func writeApprovals(ctx context.Context, tx pgx.Tx, dirty []*sheet) error {
	var (
		stream, placement, start, end, worker, client, inter, hash []string
		lines, expenses, allowances, dayTotals, batch, correction  []string
		year, week, round, total                                   []int32
		commit, prepare, revision                                  []int64
		approvedAt, deadline, importedAt                           []any
		late, imported                                             []bool
	)
	for _, s := range dirty {
		for _, a := range s.approvals {
			stream, placement = append(stream, s.stream), append(placement, s.placementID)
			start, end = append(start, s.weekStart), append(end, s.weekEnd)
			worker, client, inter = append(worker, s.worker), append(client, s.client), append(inter, s.intermediary)
			year, week, revision = append(year, s.isoYear), append(week, s.isoWeek), append(revision, s.revision)
			commit, prepare = append(commit, a.commit), append(prepare, a.prepare)
			round, hash, total = append(round, a.round), append(hash, a.hash), append(total, a.totalMinutes)
			lines, expenses, allowances = append(lines, a.lines), append(expenses, a.expenses), append(allowances, a.allowances)
			dayTotals = append(dayTotals, intArray(a.dayTotals))
			approvedAt, deadline, late = append(approvedAt, a.approvedAt), append(deadline, a.deadline), append(late, a.late)
			imported, correction = append(imported, a.imported), append(correction, a.correctionOf)
			if a.imported {
				batch, importedAt = append(batch, a.importBatch), append(importedAt, a.importedAt)
			} else {
				batch, importedAt = append(batch, ""), append(importedAt, nil)
			}
		}
	}
	if len(stream) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO payroll_feed (stream, commit_pos, prepare_pos, placement_id, iso_year, iso_week, week_start, week_end,
			worker_id, client_id, intermediary_id, round, content_hash, lines, day_totals, total_minutes, expenses,
			allowances, approved_at, approval_deadline, late, imported, import_batch, imported_at, revision, correction_of)
		SELECT u.stream, u.commit_pos, u.prepare_pos, u.placement_id, u.iso_year, u.iso_week, u.week_start::date,
			u.week_end::date, u.worker_id, u.client_id, u.intermediary_id, u.round, u.content_hash, u.lines::jsonb,
			u.day_totals::int[], u.total_minutes, u.expenses::jsonb, u.allowances::jsonb, u.approved_at,
			u.approval_deadline, u.late, u.imported, nullif(u.import_batch, ''), u.imported_at, u.revision,
			nullif(u.correction_of, '')
		FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::int[], $6::int[], $7::text[], $8::text[],
			$9::text[], $10::text[], $11::text[], $12::int[], $13::text[], $14::text[], $15::text[], $16::int[],
			$17::text[], $18::text[], $19::timestamptz[], $20::timestamptz[], $21::bool[], $22::bool[], $23::text[],
			$24::timestamptz[], $25::bigint[], $26::text[])
			AS u(stream, commit_pos, prepare_pos, placement_id, iso_year, iso_week, week_start, week_end,
			worker_id, client_id, intermediary_id, round, content_hash, lines, day_totals, total_minutes, expenses,
			allowances, approved_at, approval_deadline, late, imported, import_batch, imported_at, revision, correction_of)
		ON CONFLICT (stream, round) DO UPDATE SET
			commit_pos = excluded.commit_pos, prepare_pos = excluded.prepare_pos, correction_of = excluded.correction_of,
			content_hash = excluded.content_hash, lines = excluded.lines, day_totals = excluded.day_totals,
			total_minutes = excluded.total_minutes, expenses = excluded.expenses, allowances = excluded.allowances,
			approved_at = excluded.approved_at, approval_deadline = excluded.approval_deadline, late = excluded.late,
			imported = excluded.imported, import_batch = excluded.import_batch, imported_at = excluded.imported_at,
			revision = excluded.revision
		WHERE payroll_feed.revision < excluded.revision`,
		stream, commit, prepare, placement, year, week, start, end, worker, client, inter, round, hash,
		lines, dayTotals, total, expenses, allowances, approvedAt, deadline, late, imported, batch, importedAt, revision,
		correction)
	if err != nil {
		return fmt.Errorf("payroll: unable to write %d feed rows: %w", len(stream), err)
	}
	return nil
}

// writeImports marks rows approved in an earlier batch as imported.
func writeImports(ctx context.Context, tx pgx.Tx, dirty []*sheet) error {
	var (
		stream, batch []string
		at            []time.Time
		revision      []int64
		round         []int32
	)
	for _, s := range dirty {
		a := s.storedImport
		if a == nil {
			continue
		}
		stream, batch, at, revision = append(stream, s.stream), append(batch, a.importBatch), append(at, a.importedAt), append(revision, s.revision)
		round = append(round, a.round)
	}
	if len(stream) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `
		UPDATE payroll_feed f SET imported = true, import_batch = u.import_batch, imported_at = u.imported_at,
			revision = u.revision
		FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::bigint[], $5::int[])
			AS u(stream, import_batch, imported_at, revision, round)
		WHERE f.stream = u.stream AND f.round = u.round AND f.revision < u.revision`, stream, batch, at, revision, round)
	if err != nil {
		return fmt.Errorf("payroll: unable to mark %d feed rows imported: %w", len(stream), err)
	}
	return nil
}

// intArray renders a PostgreSQL int[] literal ("{480,450,0}").
func intArray(v []int32) string {
	b := []byte{'{'}
	for i, n := range v {
		if i > 0 {
			b = append(b, ',')
		}
		b = fmt.Appendf(b, "%d", n)
	}
	return string(append(b, '}'))
}
