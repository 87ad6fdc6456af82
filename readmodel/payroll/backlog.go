package payroll

import (
	"context"
	"encoding/json"
	"fmt"

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
}

// Backlog returns the client's approved, not yet imported timesheets of
// the given weeks, in placement and week order. Payroll and back office
// only (domain.ErrNotFound for others).
func (q *Queries) Backlog(ctx context.Context, actor domain.Actor, clientID string, weeks []ts.ISOWeek) ([]BacklogRow, error) {
	if !CanRead(actor) {
		return nil, domain.ErrNotFound
	}
	keys := make([]int32, len(weeks))
	for i, w := range weeks {
		keys[i] = int32(w.Year*100 + w.Week)
	}
	rows, err := q.pool.Query(ctx, `
		SELECT placement_id, iso_year, iso_week, worker_id, round, content_hash, lines::text, expenses::text, allowances::text
		FROM payroll_feed
		WHERE client_id = $1 AND NOT imported AND iso_year * 100 + iso_week = ANY($2)
		ORDER BY placement_id, iso_year, iso_week`, clientID, keys)
	if err != nil {
		return nil, fmt.Errorf("payroll: unable to read the backlog: %w", err)
	}
	defer rows.Close()
	var out []BacklogRow
	for rows.Next() {
		var (
			r                           BacklogRow
			lines, expenses, allowances string
		)
		if err := rows.Scan(&r.Placement, &r.Week.Year, &r.Week.Week, &r.WorkerID, &r.Round, &r.Hash,
			&lines, &expenses, &allowances); err != nil {
			return nil, fmt.Errorf("payroll: unable to read a backlog row: %w", err)
		}
		if err := json.Unmarshal([]byte(lines), &r.Lines); err != nil {
			return nil, fmt.Errorf("payroll: backlog %s: bad lines: %w", r.Placement, err)
		}
		if err := json.Unmarshal([]byte(expenses), &r.Expenses); err != nil {
			return nil, fmt.Errorf("payroll: backlog %s: bad expenses: %w", r.Placement, err)
		}
		if err := json.Unmarshal([]byte(allowances), &r.Allowances); err != nil {
			return nil, fmt.Errorf("payroll: backlog %s: bad allowances: %w", r.Placement, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
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
	keys := make([]int32, len(weeks))
	for i, w := range weeks {
		keys[i] = int32(w.Year*100 + w.Week)
	}
	rows, err := q.pool.Query(ctx, `
		SELECT DISTINCT client_id FROM payroll_feed
		WHERE NOT imported AND iso_year * 100 + iso_week = ANY($1) ORDER BY client_id`, keys)
	if err != nil {
		return nil, fmt.Errorf("payroll: unable to read the backlog clients: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("payroll: unable to read the backlog clients: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
