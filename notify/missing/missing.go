// Package missing answers "whose hours are missing?": active placements
// (the identity read model's placements, by start and end date) × past
// ISO weeks without an offered, approved or imported timesheet, with
// the entry deadline and how late it is. The API's missing-hours overview
// and the Tuesday reminder both read it. Every query takes the caller's
// scope (domain/account.Scope), like every query of the read models.
package missing

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"backoffice/domain/account"
	"backoffice/domain/timesheet"
	"backoffice/readmodel/missingweeks"
	"backoffice/readmodel/tenant"
)

// Querier is a pgx.Tx, *pgxpool.Pool or *pgx.Conn.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// MaxWeeks bounds the weeks of one query.
const MaxWeeks = 26

// Filter selects rows. Weeks are required (1..MaxWeeks); ClientID is optional.
type Filter struct {
	Scope    account.Scope
	Weeks    []timesheet.ISOWeek
	ClientID string
}

// Row is one placement-week whose hours have not been offered.
type Row struct {
	PlacementID    string            `json:"placement_id"`
	Week           timesheet.ISOWeek `json:"week"`
	WorkerID       string            `json:"worker_id"`
	WorkerName     string            `json:"worker_name"`
	ClientID       string            `json:"client_id"`
	ClientName     string            `json:"client_name"`
	IntermediaryID string            `json:"intermediary_id"`
	// IntermediaryName is the intermediary's name ("" when unknown).
	IntermediaryName string `json:"intermediary_name"`
	// Status is "missing" (nothing entered), "open" or "rejected".
	Status string `json:"status"`
	// EnteredBy is who enters the hours (worker or client), from the
	// client's agreement in force that week; empty when there is none.
	EnteredBy     string    `json:"entered_by"`
	EntryDeadline time.Time `json:"entry_deadline"`
	// LateBy is how long past the entry deadline now is, 0 before it.
	LateBy time.Duration `json:"-"`
}

// LateHours is LateBy in whole hours, for the API and CSV.
func (r Row) LateHours() int { return int(r.LateBy / time.Hour) }

// ErrBadFilter is returned for an empty or too long list of weeks.
var ErrBadFilter = errors.New("missing: between 1 and 26 weeks must be asked for")

// missingSQL is the common part of Query and Count: the CTE m of the
// missing placement-weeks in f's scope, and its arguments. ok is false
// for a scope that sees nothing. From the read model (readmodel/missingweeks)
// when its window covers every week asked for, else by scanning the
// placements (scanSQL).
func missingSQL(ctx context.Context, q Querier, f Filter) (cte string, args []any, ok bool, err error) {
	win, err := missingweeks.ReadWindow(ctx, q)
	if err != nil {
		return "", nil, false, err
	}
	if win.Covers(f.Weeks) {
		cte, args, ok = readModelSQL(f)
	} else {
		cte, args, ok = scanSQL(f)
	}
	return cte, args, ok, nil
}

// weekArgs are the arguments $1..$4 of both CTEs: the weeks (years,
// numbers, Mondays) and the client filter.
func weekArgs(f Filter) []any {
	years, nums, starts := make([]int32, len(f.Weeks)), make([]int32, len(f.Weeks)), make([]string, len(f.Weeks))
	for i, w := range f.Weeks {
		years[i], nums[i], starts[i] = int32(w.Year), int32(w.Week), w.Start().String()
	}
	return []any{years, nums, starts, f.ClientID}
}

// readModelSQL reads the missing placement-weeks kept by the projector:
// one indexed range read per week. The redundant ANY($3) lets the planner
// estimate the rows from the column's statistics (a join on unnest alone
// is guessed at 12,000 rows a week, which priced the plan over
// jit_above_cost: 110 ms of JIT compilation for an 18 ms query).
func readModelSQL(f Filter) (cte string, args []any, ok bool) {
	args = weekArgs(f)
	scopeCond, ok := tenant.Where(f.Scope, tenant.Columns{Intermediary: "mw.intermediary_id", Client: "mw.client_id", Worker: "mw.worker_id"}, &args)
	if !ok {
		return "", nil, false
	}
	cte = `
		WITH wk AS (SELECT * FROM unnest($1::int[], $2::int[], $3::date[]) AS wk(y, n, start)),
		m AS (
			SELECT mw.placement_id, wk.y, wk.n, wk.start, mw.worker_id, mw.client_id, mw.intermediary_id, mw.status
			FROM wk JOIN missing_weeks mw ON mw.week_start = wk.start AND mw.week_start = ANY($3::date[])
			WHERE ($4 = '' OR mw.client_id = $4) AND ` + scopeCond + `
		)
`
	return cte, append([]any{pgx.QueryExecModeExec}, args...), true
}

// scanSQL finds the missing placement-weeks by scanning the placements
// against the timesheets: for weeks outside the read model's window, and
// the oracle the read model is tested against.
func scanSQL(f Filter) (cte string, args []any, ok bool) {
	args = weekArgs(f)
	scopeCond, ok := tenant.Where(f.Scope, tenant.Columns{Intermediary: "p.intermediary_id", Client: "p.client_id", Worker: "p.worker_id"}, &args)
	if !ok {
		return "", nil, false
	}
	// The same scope on the timesheets (their rows carry the placement's
	// tenants): it lets the planner read only the scope's index range.
	tScope, _ := tenant.Where(f.Scope, tenant.Columns{Intermediary: "t.intermediary_id", Client: "t.client_id", Worker: "t.worker_id"}, &args)
	// First the missing placement-weeks, then names and the agreement only
	// for those (most placement-weeks are offered). Two cheap parts: weeks
	// with no timesheet at all (an anti-join answered from the
	// (week_start, placement_id) index alone), and timesheets still open or
	// rejected (the small partial index ts_timesheets_to_enter). The
	// anti-join runs once per week (LATERAL, kept apart by OFFSET 0): with
	// the week a constant it hashes that week's timesheets, where one join
	// over all weeks sorted every placement × week on (week, placement)
	// and, for the back office's 50,000 placements, spilled to disk.
	cte = `
		WITH wk AS (SELECT * FROM unnest($1::int[], $2::int[], $3::date[]) AS wk(y, n, start)),
		m AS (
			SELECT p.placement_id, wk.y, wk.n, wk.start, p.worker_id, p.client_id, p.intermediary_id, 'missing' AS status
			FROM wk CROSS JOIN LATERAL (
				SELECT p.placement_id, p.worker_id, p.client_id, p.intermediary_id FROM placements p
				WHERE p.start_date <= wk.start + 6 AND (p.end_date IS NULL OR p.end_date >= wk.start)
				  AND NOT EXISTS (SELECT 1 FROM ts_timesheets t WHERE t.week_start = wk.start AND t.placement_id = p.placement_id
				                  AND ` + tScope + `)
				  AND ($4 = '' OR p.client_id = $4)
				  AND ` + scopeCond + `
				OFFSET 0) p
			UNION ALL
			SELECT p.placement_id, wk.y, wk.n, wk.start, p.worker_id, p.client_id, p.intermediary_id, t.status
			FROM ts_timesheets t
			JOIN wk ON wk.start = t.week_start
			JOIN placements p ON p.placement_id = t.placement_id
			WHERE t.status IN ('open', 'rejected') AND t.entered_by IN ('worker', 'client', '')
			  AND t.week_start = ANY($3::date[]) AND ` + tScope + `
			  AND p.start_date <= wk.start + 6 AND (p.end_date IS NULL OR p.end_date >= wk.start)
			  AND ($4 = '' OR p.client_id = $4)
			  AND ` + scopeCond + `
		)
`
	// Exec mode: planned for these weeks and this scope every time; a
	// cached generic plan cannot see which index range is small.
	return cte, append([]any{pgx.QueryExecModeExec}, args...), true
}

// Query returns the missing placement-weeks in scope, ordered by client,
// week and placement. A scope of kind ScopeNone (or a worker) sees nothing
// of others: a worker sees only their own placements.
func Query(ctx context.Context, q Querier, f Filter, now time.Time) ([]Row, error) {
	if len(f.Weeks) == 0 || len(f.Weeks) > MaxWeeks {
		return nil, ErrBadFilter
	}
	cte, args, ok, err := missingSQL(ctx, q, f)
	if err != nil {
		return nil, fmt.Errorf("missing: unable to query missing hours: %w", err)
	}
	return query(ctx, q, cte, args, ok, now)
}

// QueryScan is Query always answered by scanning the placements (never the
// read model): the oracle of the read model's tests.
func QueryScan(ctx context.Context, q Querier, f Filter, now time.Time) ([]Row, error) {
	if len(f.Weeks) == 0 || len(f.Weeks) > MaxWeeks {
		return nil, ErrBadFilter
	}
	cte, args, ok := scanSQL(f)
	return query(ctx, q, cte, args, ok, now)
}

func query(ctx context.Context, q Querier, cte string, args []any, ok bool, now time.Time) ([]Row, error) {
	if !ok {
		return nil, nil
	}
	rows, err := q.Query(ctx, cte+`
		SELECT m.placement_id, m.y, m.n, m.worker_id, coalesce(w.full_name, ''), m.client_id, coalesce(c.name, ''),
		       m.intermediary_id, coalesce(i.name, ''), m.status,
		       coalesce((SELECT a.agreement->>'entered_by' FROM client_agreements a
		                 WHERE a.client_id = m.client_id AND a.effective_from <= m.start + 6
		                 ORDER BY a.effective_from DESC LIMIT 1), '')
		FROM m
		LEFT JOIN workers w ON w.worker_id = m.worker_id
		LEFT JOIN clients c ON c.client_id = m.client_id
		LEFT JOIN intermediaries i ON i.intermediary_id = m.intermediary_id
		ORDER BY m.client_id, m.start, m.placement_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("missing: unable to query missing hours: %w", err)
	}
	var out []Row
	var r Row
	var y, n int32
	_, err = pgx.ForEachRow(rows, []any{&r.PlacementID, &y, &n, &r.WorkerID, &r.WorkerName, &r.ClientID, &r.ClientName,
		&r.IntermediaryID, &r.IntermediaryName, &r.Status, &r.EnteredBy}, func() error {
		r.Week = timesheet.ISOWeek{Year: int(y), Week: int(n)}
		r.EntryDeadline = timesheet.EntryDeadline(r.Week)
		r.LateBy = max(0, now.Sub(r.EntryDeadline))
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("missing: unable to query missing hours: %w", err)
	}
	return out, nil
}

// Totals count what Query would return, without the rows.
type Totals struct {
	Missing, Clients int
	// Oldest is the earliest week among them (zero when none).
	Oldest timesheet.ISOWeek
}

// Count is Query's totals: the same placement-weeks, counted in the
// database (no names, agreements or rows to send), for summaries.
func Count(ctx context.Context, q Querier, f Filter) (Totals, error) {
	if len(f.Weeks) == 0 || len(f.Weeks) > MaxWeeks {
		return Totals{}, ErrBadFilter
	}
	cte, args, ok, err := missingSQL(ctx, q, f)
	if err != nil {
		return Totals{}, fmt.Errorf("missing: unable to count missing hours: %w", err)
	}
	if !ok {
		return Totals{}, nil
	}
	rows, err := q.Query(ctx, cte+`
		SELECT count(*), count(DISTINCT m.client_id),
		       coalesce((SELECT wy.y FROM m wy ORDER BY wy.start LIMIT 1), 0),
		       coalesce((SELECT wn.n FROM m wn ORDER BY wn.start LIMIT 1), 0)
		FROM m`, args...)
	if err != nil {
		return Totals{}, fmt.Errorf("missing: unable to count missing hours: %w", err)
	}
	var t Totals
	var y, n int32
	_, err = pgx.ForEachRow(rows, []any{&t.Missing, &t.Clients, &y, &n}, func() error { return nil })
	if err != nil {
		return Totals{}, fmt.Errorf("missing: unable to count missing hours: %w", err)
	}
	if t.Missing > 0 {
		t.Oldest = timesheet.ISOWeek{Year: int(y), Week: int(n)}
	}
	return t, nil
}

// PastWeeks are the n ISO weeks before the week of now (Europe/Amsterdam),
// newest first.
func PastWeeks(now time.Time, n int) []timesheet.ISOWeek {
	w := timesheet.WeekOf(timesheet.DateOf(now.In(timesheet.Location())))
	out := make([]timesheet.ISOWeek, 0, n)
	for range n {
		w = w.Prev()
		out = append(out, w)
	}
	return out
}
