package payroll

import (
	"time"

	"backoffice/eventstore"
)

// Item is one row of the payroll feed: a finally approved timesheet and the
// approved content. Minutes are whole minutes, amounts whole cents.
type Item struct {
	// Cursor is the item's feed position; pass it as "after" to read on
	// from this item.
	Cursor           string     `json:"cursor"`
	Placement        string     `json:"placement"`
	Week             string     `json:"week"`       // ISO week, "2026-W05"
	WeekStart        string     `json:"week_start"` // Monday, "2026-01-26"
	WeekEnd          string     `json:"week_end"`   // Sunday
	WorkerID         string     `json:"worker_id"`
	ClientID         string     `json:"client_id"`
	IntermediaryID   string     `json:"intermediary_id"`
	Round            int        `json:"round"`
	Hash             string     `json:"hash"` // content hash the approval is bound to
	Lines            []Line     `json:"lines"`
	DayTotals        [7]int     `json:"day_totals"` // minutes per day over all lines, Monday first
	TotalMinutes     int        `json:"total_minutes"`
	Expenses         []Expense  `json:"expenses"`
	Allowances       Allowances `json:"allowances"`
	ApprovedAt       time.Time  `json:"approved_at"`
	ApprovalDeadline time.Time  `json:"approval_deadline"`
	Late             bool       `json:"late"` // approved after the approval deadline
	Imported         bool       `json:"imported"`
	ImportBatch      string     `json:"import_batch,omitempty"`
	ImportedAt       *time.Time `json:"imported_at,omitempty"`
	// CorrectionOf is set on a correction: a later round approved after
	// the timesheet was reopened; it names the import batch of the content
	// it replaces (docs/payroll.md, corrections).
	CorrectionOf string `json:"correction_of,omitempty"`

	position eventstore.Position
}

// Position is the item's feed position (the approval event's global log
// position) as read from the database; an Item decoded from JSON has none,
// use ParseCursor(it.Cursor) there.
func (it Item) Position() eventstore.Position { return it.position }

// Line is an approved hour line: one hour type with minutes per day.
type Line struct {
	HourType   string `json:"hour_type"` // the agreed hour type's code, e.g. "100"
	Name       string `json:"name"`
	Percentage int    `json:"percentage"`
	// Absence: paid hours not worked (leave, sickness); no allowances.
	Absence bool `json:"absence,omitempty"`
	// Minutes per day, Monday first.
	Minutes      [7]int `json:"minutes"`
	TotalMinutes int    `json:"total_minutes"`
	// FromTimeRegistration: the line was derived from time entries.
	FromTimeRegistration bool `json:"from_time_registration,omitempty"`
}

// Expense is an approved claimed expense (onkosten).
type Expense struct {
	ID          int    `json:"id"`
	Type        string `json:"type"` // travel_km, parking, other
	Date        string `json:"date"`
	AmountCents int64  `json:"amount_cents,omitempty"`
	Kilometres  int    `json:"kilometres,omitempty"`
	Description string `json:"description,omitempty"`
}

// Allowances are the automatic expense allowances computed at approval.
type Allowances struct {
	DaysWorked    int   `json:"days_worked"`
	MinutesWorked int   `json:"minutes_worked"`
	PerDayCents   int64 `json:"per_day_cents"`
	PerHourCents  int64 `json:"per_hour_cents"`
	TotalCents    int64 `json:"total_cents"`
}

// Page is one page of the feed.
type Page struct {
	Items []Item `json:"items"`
	// NextCursor is the cursor to pass as "after" for the next page: the
	// last item's, or the request's own when the page is empty.
	NextCursor string `json:"next_cursor"`
	// HasMore tells that more items follow right away.
	HasMore bool `json:"has_more"`
}
