package timesheets

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/domain"
	"backoffice/domain/account"
	ts "backoffice/domain/timesheet"
	"backoffice/readmodel/tenant"
)

// Queries are the typed queries of the timesheet screens. Each takes the
// actor and answers only within the actor's scope.
type Queries struct {
	pool  *pgxpool.Pool
	clock func() time.Time
}

// NewQueries returns the queries on pool; clock decides fillable weeks and
// late flags (time.Now when nil).
func NewQueries(pool *pgxpool.Pool, clock func() time.Time) (*Queries, error) {
	if pool == nil {
		return nil, errors.New("timesheets: NewQueries: nil pool")
	}
	if clock == nil {
		clock = time.Now
	}
	return &Queries{pool: pool, clock: clock}, nil
}

// Projectors whose read models each query reads: wait for these before
// answering a query with a minimum position.
var (
	OverviewProjectors = []string{NameTimesheets}
	WeeksProjectors    = []string{NamePlacements, NameTimesheets}
	ListProjectors     = []string{NameTimesheets}
	DetailProjectors   = []string{NamePlacements, NameTimesheets}
)

// sheetCols are the tenant columns of ts_timesheets (and ts_placements),
// for tenant.Where.
var sheetCols = tenant.Columns{Intermediary: "intermediary_id", Client: "client_id", Worker: "worker_id"}

// Overview counts the timesheets in the actor's scope per status, from the
// pre-aggregated counts.
func (q *Queries) Overview(ctx context.Context, actor domain.Actor) (Overview, error) {
	sc := account.ScopeOf(actor)
	var kind string
	switch sc.Kind {
	case account.ScopeAll:
		kind = countAll
	case account.ScopeIntermediary:
		kind = countIntermediary
	case account.ScopeClient:
		kind = countClient
	case account.ScopeWorker:
		kind = countWorker
	default:
		return Overview{}, nil
	}
	rows, err := q.pool.Query(ctx, `SELECT status, n FROM ts_status_counts WHERE scope_kind = $1 AND scope_id = $2`, kind, sc.ID)
	if err != nil {
		return Overview{}, fmt.Errorf("timesheets: unable to read the status overview: %w", err)
	}
	var o Overview
	var status string
	var n int64
	_, err = pgx.ForEachRow(rows, []any{&status, &n}, func() error {
		switch ts.Status(status) {
		case ts.StatusOpen:
			o.Open = n
		case ts.StatusOffered:
			o.Offered = n
		case ts.StatusRejected:
			o.Rejected = n
		case ts.StatusApproved:
			o.Approved = n
		case ts.StatusImported:
			o.Imported = n
		}
		return nil
	})
	if err != nil {
		return Overview{}, fmt.Errorf("timesheets: unable to read the status overview: %w", err)
	}
	o.NotApproved = o.Open + o.Offered + o.Rejected
	return o, nil
}

type placementRow struct {
	ref    account.PlacementRef
	period ts.Period
}

// placementFor loads a placement and checks the actor may see it.
func (q *Queries) placementFor(ctx context.Context, actor domain.Actor, placementID string) (placementRow, error) {
	var (
		p     placementRow
		start time.Time
		end   *time.Time
	)
	err := q.pool.QueryRow(ctx, `SELECT worker_id, client_id, intermediary_id, start_date, end_date FROM ts_placements WHERE placement_id = $1`,
		placementID).Scan(&p.ref.WorkerID, &p.ref.ClientID, &p.ref.IntermediaryID, &start, &end)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, domain.ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("timesheets: unable to read placement %s: %w", placementID, err)
	}
	if !account.ScopeOf(actor).Admits(p.ref) {
		return p, domain.ErrNotFound
	}
	p.period.Start = ts.DateOf(start)
	if end != nil {
		p.period.End = ts.DateOf(*end)
	}
	return p, nil
}

// Weeks returns the week colours of a placement's ISO year: every week with
// its dates, whether it can be filled in now, and its timesheet's status.
func (q *Queries) Weeks(ctx context.Context, actor domain.Actor, placementID string, year int) (Calendar, error) {
	if year < 1 || year > 9999 {
		return Calendar{}, domain.Invalid("year_invalid", "year", "the year must be between 1 and 9999", "Het jaar moet tussen 1 en 9999 liggen.")
	}
	p, err := q.placementFor(ctx, actor, placementID)
	if err != nil {
		return Calendar{}, err
	}
	n := ts.WeeksInYear(year)
	statuses := make([]string, n+1)
	rows, err := q.pool.Query(ctx, `SELECT iso_week, status FROM ts_timesheets WHERE placement_id = $1 AND iso_year = $2`, placementID, year)
	if err != nil {
		return Calendar{}, fmt.Errorf("timesheets: unable to read weeks: %w", err)
	}
	var wk int
	var st string
	if _, err := pgx.ForEachRow(rows, []any{&wk, &st}, func() error {
		if wk >= 1 && wk <= n {
			statuses[wk] = st
		}
		return nil
	}); err != nil {
		return Calendar{}, fmt.Errorf("timesheets: unable to read weeks: %w", err)
	}
	now := q.clock()
	cal := Calendar{PlacementID: placementID, Year: year, Weeks: make([]WeekColour, 0, n)}
	for i := 1; i <= n; i++ {
		w := ts.ISOWeek{Year: year, Week: i}
		status := statuses[i]
		if status == "" {
			status = string(ts.StatusNone)
		}
		cal.Weeks = append(cal.Weeks, WeekColour{Week: w.String(), Number: i, Start: w.Start().String(), End: w.End().String(),
			Fillable: ts.Fillable(p.period, w, now), Status: status})
	}
	return cal, nil
}

// lateOf combines the late flags the events recorded with the deadlines
// passed by now for a timesheet still waiting.
func lateOf(status string, offeredLate, approvedLate bool, entryDL, approvalDL, now time.Time) Late {
	s := ts.Status(status)
	l := Late{
		Entry:    offeredLate || ((s == ts.StatusOpen || s == ts.StatusRejected || s == ts.StatusNone) && !now.Before(entryDL)),
		Approval: approvedLate || ((s.NotApproved() || s == ts.StatusNone) && !now.Before(approvalDL)),
	}
	l.Any = l.Entry || l.Approval
	return l
}

// Filter selects timesheets for List. Zero fields do not filter.
type Filter struct {
	// Statuses: any of open, offered, rejected, approved, imported, and
	// not_approved (open, offered and rejected).
	Statuses    []string
	Week        *ts.ISOWeek
	PlacementID string
	WorkerID    string
	// WaitingForMe: what the actor must act on (Summary.WaitingFor):
	// offered with the next step the actor's role (the back office may act
	// on every step: every offered timesheet), or open or rejected while the
	// actor's role enters the hours (still to enter, or to offer again).
	WaitingForMe bool
	// Limit caps the page (default 50, at most 500).
	Limit  int
	Cursor string
}

// MaxLimit caps a page of the list.
const MaxLimit = 500

// Validate checks the filter's values.
func (f *Filter) Validate() error {
	for _, s := range f.Statuses {
		switch s {
		case "open", "offered", "rejected", "approved", "imported", "not_approved":
		default:
			return domain.Invalid("status_invalid", "status", fmt.Sprintf("unknown status %q (open, offered, rejected, approved, imported, not_approved)", s),
				fmt.Sprintf("Onbekende status %q.", s))
		}
	}
	if f.Limit < 0 || f.Limit > MaxLimit {
		return domain.Invalid("limit_invalid", "limit", fmt.Sprintf("limit must be between 1 and %d", MaxLimit),
			fmt.Sprintf("limit moet tussen 1 en %d liggen.", MaxLimit))
	}
	if _, _, err := decodeCursor(f.Cursor); err != nil {
		return err
	}
	return nil
}

func encodeCursor(weekStart, placementID string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(weekStart + "|" + placementID))
}

func decodeCursor(c string) (string, string, error) {
	if c == "" {
		return "", "", nil
	}
	bad := domain.Invalid("cursor_invalid", "cursor", "the cursor is not one this API returned", "De cursor is ongeldig.")
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return "", "", bad
	}
	ws, pid, ok := strings.Cut(string(b), "|")
	if !ok {
		return "", "", bad
	}
	if _, err := time.Parse(time.DateOnly, ws); err != nil {
		return "", "", bad
	}
	return ws, pid, nil
}

// listWhere is the filter's condition on ts_timesheets in the actor's
// scope (without the cursor), and its arguments; false when the scope
// admits nothing.
func listWhere(actor domain.Actor, f Filter) ([]string, []any, bool) {
	var args []any
	scope, ok := tenant.Where(account.ScopeOf(actor), sheetCols, &args)
	if !ok {
		return nil, nil, false
	}
	where := []string{scope}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if len(f.Statuses) > 0 {
		var st []string
		for _, s := range f.Statuses {
			if s == "not_approved" {
				st = append(st, "open", "offered", "rejected")
			} else {
				st = append(st, s)
			}
		}
		slices.Sort(st)
		st = slices.Compact(st)
		where = append(where, "status = ANY("+arg(st)+"::text[])")
		if !slices.Contains(st, "imported") {
			// Literal, so the planner can prove the pending indexes
			// (migration 0315) apply even with the statuses bound.
			where = append(where, "status <> 'imported'")
		}
	}
	if f.Week != nil {
		where = append(where, "iso_year = "+arg(f.Week.Year)+" AND iso_week = "+arg(f.Week.Week))
	}
	if f.PlacementID != "" {
		where = append(where, "placement_id = "+arg(f.PlacementID))
	}
	if f.WorkerID != "" {
		where = append(where, "worker_id = "+arg(f.WorkerID))
	}
	if f.WaitingForMe {
		if actor.Is(domain.RoleBackoffice, domain.RoleSystem) {
			where = append(where, "status = 'offered'")
		} else {
			role := arg(string(actor.Role))
			where = append(where, "((status = 'offered' AND next_party = "+role+") OR (status IN ('open', 'rejected') AND entered_by = "+role+"))")
		}
	}
	return where, args, true
}

// CountUpTo counts the timesheets the filter lists (its limit and cursor
// aside), but stops at max: "more than max" is max. The home screen's
// "waiting for me" needs a number, not the rows.
func (q *Queries) CountUpTo(ctx context.Context, actor domain.Actor, f Filter, max int) (int, error) {
	f.Limit, f.Cursor = 0, ""
	if err := f.Validate(); err != nil {
		return 0, err
	}
	where, args, ok := listWhere(actor, f)
	if !ok {
		return 0, nil
	}
	args = append(args, max)
	var n int
	err := q.pool.QueryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM ts_timesheets WHERE `+strings.Join(where, " AND ")+
		` LIMIT $`+strconv.Itoa(len(args))+`) x`, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("timesheets: unable to count: %w", err)
	}
	return n, nil
}

// List returns a page of the actor's timesheets, newest week first.
func (q *Queries) List(ctx context.Context, actor domain.Actor, f Filter) (Page, error) {
	if err := f.Validate(); err != nil {
		return Page{}, err
	}
	limit := f.Limit
	if limit == 0 {
		limit = 50
	}
	where, args, ok := listWhere(actor, f)
	if !ok {
		return Page{Items: []Summary{}}, nil
	}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if ws, pid, _ := decodeCursor(f.Cursor); ws != "" {
		where = append(where, "(week_start, placement_id) < ("+arg(ws)+"::date, "+arg(pid)+")")
	}
	sql := `SELECT placement_id, iso_year, iso_week, week_start, worker_id, client_id, intermediary_id, status,
		coalesce(next_party, ''), next_step, coalesce(offered_hash, ''), entered_by,
		total_minutes, entry_deadline, approval_deadline, offered_late, approved_late, updated_at
		FROM ts_timesheets WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY week_start DESC, placement_id DESC LIMIT ` + arg(limit+1)
	rows, err := q.pool.Query(ctx, sql, args...)
	if err != nil {
		return Page{}, fmt.Errorf("timesheets: unable to list: %w", err)
	}
	now := q.clock()
	page := Page{Items: []Summary{}}
	var (
		s          Summary
		year, week int
		ws         time.Time
		offL, appL bool
		step       *int32
	)
	_, err = pgx.ForEachRow(rows, []any{&s.PlacementID, &year, &week, &ws, &s.WorkerID, &s.ClientID, &s.IntermediaryID,
		&s.Status, &s.NextParty, &step, &s.Hash, &s.EnteredBy,
		&s.TotalMinutes, &s.EntryDeadline, &s.ApprovalDeadline, &offL, &appL, &s.UpdatedAt}, func() error {
		s.NextStep = nil // each row its own copy: s is reused
		if step != nil {
			n := int(*step)
			s.NextStep = &n
		}
		s.Week = ts.ISOWeek{Year: year, Week: week}.String()
		s.WeekStart = ws.Format(time.DateOnly)
		s.StatusLabel = ts.Status(s.Status).LabelNL()
		s.Late = lateOf(s.Status, offL, appL, s.EntryDeadline, s.ApprovalDeadline, now)
		s.EntryDeadline, s.ApprovalDeadline, s.UpdatedAt = s.EntryDeadline.UTC(), s.ApprovalDeadline.UTC(), s.UpdatedAt.UTC()
		page.Items = append(page.Items, s)
		return nil
	})
	if err != nil {
		return Page{}, fmt.Errorf("timesheets: unable to list: %w", err)
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		last := page.Items[limit-1]
		page.NextCursor = encodeCursor(last.WeekStart, last.PlacementID)
	}
	return page, nil
}

// Detail returns one timesheet. A week without events yet, of a placement
// the actor may see and that overlaps the week, is an empty timesheet with
// status "none"; anything else the actor may not see is not found.
func (q *Queries) Detail(ctx context.Context, actor domain.Actor, placementID string, week ts.ISOWeek) (Detail, error) {
	if !week.Valid() {
		return Detail{}, domain.Invalid("week_invalid", "week", "not an ISO week", "Geen geldige week.")
	}
	p, err := q.placementFor(ctx, actor, placementID)
	if err != nil {
		return Detail{}, err
	}
	now := q.clock()
	found, err := loadStored(ctx, q.pool, "placement_id = $1 AND iso_year = $2 AND iso_week = $3", placementID, week.Year, week.Week)
	if err != nil {
		return Detail{}, fmt.Errorf("timesheets: unable to read timesheet %s %s: %w", placementID, week, err)
	}
	if len(found) == 0 {
		if !p.period.Overlaps(week) {
			return Detail{}, domain.ErrNotFound
		}
		return emptyDetail(placementID, week, p, now), nil
	}
	s := found[0]
	if !account.ScopeOf(actor).Admits(account.PlacementRef{WorkerID: s.WorkerID, ClientID: s.ClientID, IntermediaryID: s.IntermediaryID}) {
		return Detail{}, domain.ErrNotFound
	}
	return detailOf(s, s.revision, actor, p, week, now), nil
}

// emptyDetail is the detail of a week without a timesheet.
func emptyDetail(placementID string, week ts.ISOWeek, p placementRow, now time.Time) Detail {
	// Nothing entered: the week is not flagged late (a placement need
	// not have hours every week).
	return Detail{PlacementID: placementID, Week: week.String(), WeekStart: week.Start().String(), WeekEnd: week.End().String(),
		WorkerID: p.ref.WorkerID, ClientID: p.ref.ClientID, IntermediaryID: p.ref.IntermediaryID,
		Status: string(ts.StatusNone), StatusLabel: ts.StatusNone.LabelNL(), Fillable: ts.Fillable(p.period, week, now),
		Steps: []Step{}, Lines: []Line{}, Entries: []Entry{}, Expenses: []Expense{}, Remarks: []Remark{},
		EntryDeadline: ts.EntryDeadline(week).UTC(), ApprovalDeadline: ts.ApprovalDeadline(week).UTC()}
}

// detailOf is the detail of a timesheet folded into s (from the read model
// or from a replay, see DetailAsOf).
func detailOf(s *sheet, revision int64, actor domain.Actor, p placementRow, week ts.ISOWeek, now time.Time) Detail {
	d := Detail{
		PlacementID: s.PlacementID, Week: s.Week, WeekStart: s.WeekStart, WeekEnd: s.WeekEnd,
		WorkerID: s.WorkerID, ClientID: s.ClientID, IntermediaryID: s.IntermediaryID,
		Status: s.Status, StatusLabel: ts.Status(s.Status).LabelNL(), EnteredBy: s.EnteredBy,
		TimeRegistration: s.TimeRegistration, Fillable: ts.Fillable(p.period, week, now),
		Round: s.Round, Hash: s.Hash, NextParty: s.nextParty(),
		Steps: nonNil(s.Steps), Lines: nonNil(s.Lines), DayTotals: s.DayTotals, TotalMinutes: s.TotalMinutes,
		Entries: nonNil(s.Entries), Expenses: nonNil(s.Expenses), Remarks: nonNil(s.Remarks),
		EntryDeadline: s.EntryDeadline, ApprovalDeadline: s.ApprovalDeadline,
		OfferedAt: s.OfferedAt, ApprovedAt: s.ApprovedAt, ImportedAt: s.ImportedAt, ImportBatch: s.ImportBatch,
		Late:     lateOf(s.Status, s.OfferedLate, s.ApprovedLate, s.EntryDeadline, s.ApprovalDeadline, now),
		Revision: &revision,
	}
	if s.Status == string(ts.StatusRejected) {
		d.Rejection = s.Rejection
	}
	if d.NextParty != "" {
		step := s.NextStep
		d.NextStep = &step
		d.WaitingForMe = actor.Is(domain.Role(d.NextParty), domain.RoleBackoffice, domain.RoleSystem)
	}
	return d
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
