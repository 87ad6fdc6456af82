package payroll

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
)

// The queries of the portal's screen "Salarisverwerking" (back office and
// payroll, like the feed): the backlog per client and week, the corrections
// waiting, and a corrected timesheet's rounds.

// BacklogWeek counts a client's approved, not yet imported timesheets of
// one week; Corrections of them are later rounds of reopened timesheets.
type BacklogWeek struct {
	ClientID    string
	Week        ts.ISOWeek
	Timesheets  int
	Corrections int
}

// BacklogWeeks returns the approved, not yet imported timesheets counted
// per client and week, by client and week.
func (q *Queries) BacklogWeeks(ctx context.Context, actor domain.Actor) ([]BacklogWeek, error) {
	if !CanRead(actor) {
		return nil, domain.ErrNotFound
	}
	rows, err := q.pool.Query(ctx, `
		SELECT client_id, iso_year, iso_week, count(*), count(*) FILTER (WHERE correction_of IS NOT NULL)
		FROM payroll_feed WHERE NOT imported
		GROUP BY client_id, iso_year, iso_week ORDER BY client_id, iso_year, iso_week`)
	if err != nil {
		return nil, fmt.Errorf("payroll: unable to count the backlog: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (BacklogWeek, error) {
		var b BacklogWeek
		return b, row.Scan(&b.ClientID, &b.Week.Year, &b.Week.Week, &b.Timesheets, &b.Corrections)
	})
	if err != nil {
		return nil, fmt.Errorf("payroll: unable to count the backlog: %w", err)
	}
	return out, nil
}

// Correction states.
const (
	// CorrectionReopened: reopened after import, not approved again yet.
	CorrectionReopened = "reopened"
	// CorrectionApproved: the correction round is approved and waits for
	// an export.
	CorrectionApproved = "approved"
)

// WaitingCorrection is a timesheet reopened after its import whose
// correction has not been imported yet.
type WaitingCorrection struct {
	Placement string
	Week      ts.ISOWeek
	WorkerID  string
	ClientID  string
	State     string // CorrectionReopened or CorrectionApproved
	// Of is the import batch of the content being corrected.
	Of string
}

// Corrections lists the corrections waiting: reopened timesheets and
// approved correction rounds not imported yet, by client, week and
// placement.
func (q *Queries) Corrections(ctx context.Context, actor domain.Actor) ([]WaitingCorrection, error) {
	if !CanRead(actor) {
		return nil, domain.ErrNotFound
	}
	rows, err := q.pool.Query(ctx, `
		SELECT placement_id, iso_year, iso_week, worker_id, client_id, 'reopened', reopened_from
		FROM payroll_timesheets WHERE reopened_from IS NOT NULL
		UNION ALL
		SELECT placement_id, iso_year, iso_week, worker_id, client_id, 'approved', correction_of
		FROM payroll_feed WHERE correction_of IS NOT NULL AND NOT imported
		ORDER BY 5, 2, 3, 1`)
	if err != nil {
		return nil, fmt.Errorf("payroll: unable to read the corrections: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (WaitingCorrection, error) {
		var c WaitingCorrection
		return c, row.Scan(&c.Placement, &c.Week.Year, &c.Week.Week, &c.WorkerID, &c.ClientID, &c.State, &c.Of)
	})
	if err != nil {
		return nil, fmt.Errorf("payroll: unable to read the corrections: %w", err)
	}
	return out, nil
}

// Round is one approval round of a timesheet with its approved content.
type Round struct {
	Round        int
	Lines        []Line
	Expenses     []Expense
	Allowances   Allowances
	ApprovedAt   time.Time
	Imported     bool
	ImportBatch  string
	CorrectionOf string
}

// Rounds returns the approved rounds of a timesheet, first round first
// (none when it was never approved).
func (q *Queries) Rounds(ctx context.Context, actor domain.Actor, placementID string, week ts.ISOWeek) ([]Round, error) {
	if !CanRead(actor) {
		return nil, domain.ErrNotFound
	}
	rows, err := q.pool.Query(ctx, `
		SELECT round, lines::text, expenses::text, allowances::text, approved_at, imported,
			coalesce(import_batch, ''), coalesce(correction_of, '')
		FROM payroll_feed WHERE placement_id = $1 AND iso_year = $2 AND iso_week = $3
		ORDER BY round`, placementID, week.Year, week.Week)
	if err != nil {
		return nil, fmt.Errorf("payroll: unable to read the rounds: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Round, error) {
		var (
			r                           Round
			lines, expenses, allowances string
		)
		if err := row.Scan(&r.Round, &lines, &expenses, &allowances, &r.ApprovedAt, &r.Imported, &r.ImportBatch, &r.CorrectionOf); err != nil {
			return r, err
		}
		if err := decodeContent(lines, expenses, allowances, &r.Lines, &r.Expenses, &r.Allowances); err != nil {
			return r, fmt.Errorf("round %d: %w", r.Round, err)
		}
		r.ApprovedAt = r.ApprovedAt.UTC()
		return r, nil
	})
	if err != nil {
		return nil, fmt.Errorf("payroll: unable to read the rounds of %s %s: %w", placementID, week, err)
	}
	return out, nil
}
