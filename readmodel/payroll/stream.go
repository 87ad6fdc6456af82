package payroll

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
)

// Snapshot reads the backlog from one consistent view of the read model
// (a repeatable-read, read-only transaction), so an export can stream it
// twice and see the same rows both times.
type Snapshot struct {
	tx pgx.Tx
}

// Snapshot runs fn on a snapshot of the read model (payroll and back office
// only).
func (q *Queries) Snapshot(ctx context.Context, actor domain.Actor, fn func(*Snapshot) error) error {
	if !CanRead(actor) {
		return domain.ErrNotFound
	}
	return pgx.BeginTxFunc(ctx, q.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
		func(tx pgx.Tx) error { return fn(&Snapshot{tx: tx}) })
}

func weekKeys(weeks []ts.ISOWeek) []int32 {
	keys := make([]int32, len(weeks))
	for i, w := range weeks {
		keys[i] = int32(w.Year*100 + w.Week)
	}
	return keys
}

// BacklogWorkers lists the workers of the client's backlog in the weeks.
func (s *Snapshot) BacklogWorkers(ctx context.Context, clientID string, weeks []ts.ISOWeek) ([]string, error) {
	rows, err := s.tx.Query(ctx, `
		SELECT DISTINCT worker_id FROM payroll_feed
		WHERE client_id = $1 AND NOT imported AND iso_year * 100 + iso_week = ANY($2) ORDER BY worker_id`,
		clientID, weekKeys(weeks))
	if err != nil {
		return nil, fmt.Errorf("payroll: unable to read the backlog's workers: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// EachBacklog calls fn with every row of the client's backlog in the
// weeks, one row at a time, in export file order: the worker's personnel
// number (from persnr by worker; "" when missing), week, placement,
// compared bytewise (COLLATE "C", as Go compares strings).
func (s *Snapshot) EachBacklog(ctx context.Context, clientID string, weeks []ts.ISOWeek, persnr map[string]string, fn func(BacklogRow) error) error {
	ids := make([]string, 0, len(persnr))
	nums := make([]string, 0, len(persnr))
	for w, n := range persnr {
		ids, nums = append(ids, w), append(nums, n)
	}
	rows, err := s.tx.Query(ctx, `
		SELECT f.placement_id, f.iso_year, f.iso_week, f.worker_id, f.round, f.content_hash, f.lines::text,
			f.expenses::text, f.allowances::text, coalesce(p.round, 0), coalesce(p.import_batch, ''),
			coalesce(p.lines::text, ''), coalesce(p.expenses::text, ''), coalesce(p.allowances::text, '')
		FROM payroll_feed f
		LEFT JOIN unnest($3::text[], $4::text[]) AS n(worker_id, persnr) ON n.worker_id = f.worker_id
		LEFT JOIN LATERAL (
			SELECT round, import_batch, lines, expenses, allowances FROM payroll_feed p
			WHERE p.stream = f.stream AND p.round < f.round AND p.imported
			ORDER BY p.round DESC LIMIT 1) p ON f.correction_of IS NOT NULL
		WHERE f.client_id = $1 AND NOT f.imported AND f.iso_year * 100 + f.iso_week = ANY($2)
		ORDER BY coalesce(n.persnr, '') COLLATE "C", f.iso_year, f.iso_week, f.placement_id COLLATE "C"`,
		clientID, weekKeys(weeks), ids, nums)
	if err != nil {
		return fmt.Errorf("payroll: unable to read the backlog: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanBacklog(rows)
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("payroll: unable to read the backlog: %w", err)
	}
	return nil
}

// scanBacklog reads one backlog row (the columns of Backlog's query).
func scanBacklog(rows pgx.CollectableRow) (BacklogRow, error) {
	var (
		r                              BacklogRow
		lines, expenses, allowances    string
		prev                           Imported
		pLines, pExpenses, pAllowances string
	)
	if err := rows.Scan(&r.Placement, &r.Week.Year, &r.Week.Week, &r.WorkerID, &r.Round, &r.Hash,
		&lines, &expenses, &allowances, &prev.Round, &prev.ImportBatch, &pLines, &pExpenses, &pAllowances); err != nil {
		return r, fmt.Errorf("payroll: unable to read a backlog row: %w", err)
	}
	if prev.Round > 0 {
		if err := decodeContent(pLines, pExpenses, pAllowances, &prev.Lines, &prev.Expenses, &prev.Allowances); err != nil {
			return r, fmt.Errorf("payroll: backlog %s: previous round: %w", r.Placement, err)
		}
		r.Previous = &prev
	}
	if err := decodeContent(lines, expenses, allowances, &r.Lines, &r.Expenses, &r.Allowances); err != nil {
		return r, fmt.Errorf("payroll: backlog %s: %w", r.Placement, err)
	}
	return r, nil
}

// decodeContent decodes an approved round's content as the feed stores it:
// lines, expenses and allowances in JSON.
func decodeContent(lines, expenses, allowances string, l *[]Line, e *[]Expense, a *Allowances) error {
	for _, f := range []struct {
		what, src string
		dst       any
	}{{"lines", lines, l}, {"expenses", expenses, e}, {"allowances", allowances, a}} {
		if err := json.Unmarshal([]byte(f.src), f.dst); err != nil {
			return fmt.Errorf("bad %s: %w", f.what, err)
		}
	}
	return nil
}
