package payroll

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/domain"
	"backoffice/eventstore"
)

// Feed page sizes.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// Queries reads the payroll feed.
type Queries struct {
	pool *pgxpool.Pool
}

// NewQueries returns the queries on pool.
func NewQueries(pool *pgxpool.Pool) (*Queries, error) {
	if pool == nil {
		return nil, errors.New("payroll: NewQueries: nil pool")
	}
	return &Queries{pool: pool}, nil
}

// CanRead reports whether the actor may read the payroll feed and report
// imports: the payroll integration and the back office.
func CanRead(a domain.Actor) bool {
	return a.Is(domain.RolePayroll, domain.RoleBackoffice)
}

// CanReadFeed reports whether the actor may read the feed of approved
// hours (Feed, FeedAsOf): the payroll integration, the back office and the
// auditor, who asks what the feed showed at a moment (docs/audit.md §6).
// The feed holds hours, no personal data; the rest of payroll (settings,
// personnel numbers, exports with their files) stays CanRead's.
func CanReadFeed(a domain.Actor) bool {
	return CanRead(a) || a.Role == domain.RoleAuditor
}

// FeedRequest selects a page of the feed.
type FeedRequest struct {
	// After is the cursor: only items strictly after it (Start: from the
	// beginning).
	After eventstore.Position
	// Limit caps the items (DefaultLimit when 0, at most MaxLimit).
	Limit int
	// IncludeImported also returns items already imported.
	IncludeImported bool
}

// FormatCursor is the opaque cursor of a feed position.
func FormatCursor(p eventstore.Position) string { return p.String() }

// ParseCursor reads a cursor written by FormatCursor ("" is the start).
func ParseCursor(s string) (eventstore.Position, error) {
	if s == "" {
		return eventstore.Start, nil
	}
	p, err := eventstore.ParsePosition(s)
	if err != nil || p.Commit > math.MaxInt64 || p.Prepare > math.MaxInt64 {
		return eventstore.Start, domain.Invalid("cursor_invalid", "after",
			"after must be a cursor returned by this feed (next_cursor or an item's cursor)",
			"after moet een cursor uit deze feed zijn (next_cursor of de cursor van een regel).")
	}
	return p, nil
}

// checkRequest refuses a reader who may not read the feed (CanReadFeed;
// domain.ErrNotFound) and a bad limit or cursor; it fills in the default
// limit.
func checkRequest(actor domain.Actor, req FeedRequest) (FeedRequest, error) {
	if !CanReadFeed(actor) {
		return req, domain.ErrNotFound
	}
	if req.Limit == 0 {
		req.Limit = DefaultLimit
	}
	if req.Limit < 0 || req.Limit > MaxLimit {
		return req, domain.Invalid("limit_invalid", "limit",
			fmt.Sprintf("limit must be between 1 and %d", MaxLimit), fmt.Sprintf("limit moet tussen 1 en %d liggen.", MaxLimit))
	}
	if req.After.Commit > math.MaxInt64 || req.After.Prepare > math.MaxInt64 {
		return req, domain.Invalid("cursor_invalid", "after", "the cursor is out of range", "De cursor valt buiten het bereik.")
	}
	return req, nil
}

// pageOf cuts the items strictly after req.After, in feed order, to a page.
func pageOf(items []Item, req FeedRequest) Page {
	page := Page{Items: items, NextCursor: FormatCursor(req.After)}
	if page.Items == nil {
		page.Items = []Item{}
	}
	if len(page.Items) > req.Limit {
		page.Items, page.HasMore = page.Items[:req.Limit], true
	}
	if n := len(page.Items); n > 0 {
		page.NextCursor = page.Items[n-1].Cursor
	}
	return page
}

// Feed returns the feed items strictly after req.After, in feed order.
// Outside the payroll and back-office roles the feed does not exist
// (domain.ErrNotFound).
func (q *Queries) Feed(ctx context.Context, actor domain.Actor, req FeedRequest) (Page, error) {
	req, err := checkRequest(actor, req)
	if err != nil {
		return Page{}, err
	}
	rows, err := q.pool.Query(ctx, `
		SELECT commit_pos, prepare_pos, placement_id, iso_year, iso_week, week_start::text, week_end::text,
			worker_id, client_id, intermediary_id, round, content_hash, lines::text, day_totals, total_minutes,
			expenses::text, allowances::text, approved_at, approval_deadline, late, imported,
			coalesce(import_batch, ''), imported_at, coalesce(correction_of, '')
		FROM payroll_feed
		WHERE (commit_pos, prepare_pos) > ($1, $2) AND ($3 OR NOT imported)
		ORDER BY commit_pos, prepare_pos
		LIMIT $4`, int64(req.After.Commit), int64(req.After.Prepare), req.IncludeImported, req.Limit+1)
	if err != nil {
		return Page{}, fmt.Errorf("payroll: unable to read the feed: %w", err)
	}
	defer rows.Close()
	items := []Item{}
	for rows.Next() {
		var (
			it                          Item
			commit, prepare             int64
			year, week                  int
			lines, expenses, allowances string
			days                        []int32
			importedAt                  *time.Time
		)
		if err := rows.Scan(&commit, &prepare, &it.Placement, &year, &week, &it.WeekStart, &it.WeekEnd,
			&it.WorkerID, &it.ClientID, &it.IntermediaryID, &it.Round, &it.Hash, &lines, &days, &it.TotalMinutes,
			&expenses, &allowances, &it.ApprovedAt, &it.ApprovalDeadline, &it.Late, &it.Imported,
			&it.ImportBatch, &importedAt, &it.CorrectionOf); err != nil {
			return Page{}, fmt.Errorf("payroll: unable to read a feed row: %w", err)
		}
		it.position = eventstore.Position{Commit: uint64(commit), Prepare: uint64(prepare)}
		it.Cursor = FormatCursor(it.position)
		it.Week = fmt.Sprintf("%04d-W%02d", year, week)
		for i := 0; i < len(days) && i < 7; i++ {
			it.DayTotals[i] = int(days[i])
		}
		if importedAt != nil {
			t := importedAt.UTC()
			it.ImportedAt = &t
		}
		it.ApprovedAt, it.ApprovalDeadline = it.ApprovedAt.UTC(), it.ApprovalDeadline.UTC()
		if err := decodeContent(lines, expenses, allowances, &it.Lines, &it.Expenses, &it.Allowances); err != nil {
			return Page{}, fmt.Errorf("payroll: feed row %s: %w", it.Cursor, err)
		}
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return Page{}, fmt.Errorf("payroll: unable to read the feed: %w", err)
	}
	return pageOf(items, req), nil
}
