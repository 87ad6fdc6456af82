package payroll

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
)

// BacklogRow is an approved, not yet imported timesheet waiting for an
// export batch, with the approved content.
type BacklogRow struct {
	Placement  string
	Week       ts.ISOWeek
	WorkerID   string
	Round      int
	Hash       string
	Lines      []Line
	Expenses   []Expense
	Allowances Allowances
	// Previous is set on a correction: the last imported round of the same
	// timesheet, whose content the correction replaces.
	Previous *Imported
}

// Imported is an imported round's content and its import batch.
type Imported struct {
	Round       int
	ImportBatch string
	Lines       []Line
	Expenses    []Expense
	Allowances  Allowances
}

// Backlog returns the client's approved, not yet imported timesheets of
// the given weeks, in placement and week order. Payroll and back office
// only (domain.ErrNotFound for others).
func (q *Queries) Backlog(ctx context.Context, actor domain.Actor, clientID string, weeks []ts.ISOWeek) ([]BacklogRow, error) {
	if !CanRead(actor) {
		return nil, domain.ErrNotFound
	}
	rows, err := q.pool.Query(ctx, `
		SELECT f.placement_id, f.iso_year, f.iso_week, f.worker_id, f.round, f.content_hash, f.lines::text,
			f.expenses::text, f.allowances::text, coalesce(p.round, 0), coalesce(p.import_batch, ''),
			coalesce(p.lines::text, ''), coalesce(p.expenses::text, ''), coalesce(p.allowances::text, '')
		FROM payroll_feed f
		LEFT JOIN LATERAL (
			SELECT round, import_batch, lines, expenses, allowances FROM payroll_feed p
			WHERE p.stream = f.stream AND p.round < f.round AND p.imported
			ORDER BY p.round DESC LIMIT 1) p ON f.correction_of IS NOT NULL
		WHERE f.client_id = $1 AND NOT f.imported AND f.iso_year * 100 + f.iso_week = ANY($2)
		ORDER BY f.placement_id, f.iso_year, f.iso_week`, clientID, weekKeys(weeks))
	if err != nil {
		return nil, fmt.Errorf("payroll: unable to read the backlog: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanBacklog)
	if err != nil {
		return nil, fmt.Errorf("payroll: unable to read the backlog: %w", err)
	}
	return out, nil
}

// BacklogClients lists the clients with approved, not yet imported
// timesheets in the given weeks (for an export of all clients).
func (q *Queries) BacklogClients(ctx context.Context, actor domain.Actor, weeks []ts.ISOWeek) ([]string, error) {
	if !CanRead(actor) {
		return nil, domain.ErrNotFound
	}
	rows, err := q.pool.Query(ctx, `
		SELECT DISTINCT client_id FROM payroll_feed
		WHERE NOT imported AND iso_year * 100 + iso_week = ANY($1) ORDER BY client_id`, weekKeys(weeks))
	if err != nil {
		return nil, fmt.Errorf("payroll: unable to read the backlog clients: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("payroll: unable to read the backlog clients: %w", err)
	}
	return out, nil
}
