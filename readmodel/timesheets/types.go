package timesheets

import (
	"encoding/json"
	"time"

	"backoffice/domain"
	ts "backoffice/domain/timesheet"
)

// Query types: what the screens get. They are separate from the domain's
// types so the read side can change without touching the aggregate.

// Actor is who did something, as recorded in the event metadata.
type Actor struct {
	Role      string `json:"role"`
	AccountID string `json:"account_id,omitempty"`
	// Name is the actor's name where the reader may see it (history only;
	// see identity.Queries.ActorNames).
	Name string `json:"name,omitempty"`
}

// Line is an hour line with minutes per day, Monday first.
type Line struct {
	HourType             string `json:"hour_type"`
	Name                 string `json:"name,omitempty"`
	Percentage           int    `json:"percentage,omitempty"`
	Absence              bool   `json:"absence,omitempty"`
	Minutes              [7]int `json:"minutes"`
	Total                int    `json:"total"`
	FromTimeRegistration bool   `json:"from_time_registration,omitempty"`
}

// Entry is a time registration entry with its computed worked time.
type Entry struct {
	ID            int       `json:"id"`
	Date          string    `json:"date"`
	Start         string    `json:"start"`
	End           string    `json:"end"`
	BreakMinutes  int       `json:"break_minutes"`
	Continuous    bool      `json:"continuous,omitempty"`
	WorkedFrom    time.Time `json:"worked_from"`
	WorkedUntil   time.Time `json:"worked_until"`
	WorkedMinutes int       `json:"worked_minutes"`
}

// Expense is a claimed expense.
type Expense struct {
	ID          int    `json:"id"`
	Type        string `json:"type"`
	Date        string `json:"date"`
	AmountCents int64  `json:"amount_cents,omitempty"`
	Kilometres  int    `json:"kilometres,omitempty"`
	Description string `json:"description,omitempty"`
}

// Remark is a remark with its author and time.
type Remark struct {
	Text string    `json:"text"`
	By   Actor     `json:"by"`
	At   time.Time `json:"at"`
}

// Step is one step of the approval chain of the current (or last) offer.
type Step struct {
	Index    int        `json:"index"`
	Party    string     `json:"party"`
	Approved bool       `json:"approved"`
	By       *Actor     `json:"by,omitempty"`
	At       *time.Time `json:"at,omitempty"`
}

// Rejection is the last rejection, shown while the timesheet is rejected.
type Rejection struct {
	Round  int       `json:"round"`
	Step   int       `json:"step"`
	Party  string    `json:"party"`
	By     Actor     `json:"by"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// Overview is the home screen's status overview (statusoverzicht).
type Overview struct {
	Open        int64 `json:"open"`         // Open
	Offered     int64 `json:"offered"`      // Aangeboden
	Rejected    int64 `json:"rejected"`     // Afgekeurd
	NotApproved int64 `json:"not_approved"` // Niet geaccordeerd: the three above
	Approved    int64 `json:"approved"`     // Geaccordeerd
	Imported    int64 `json:"imported"`     // Geïmporteerd
}

// WeekColour is one ISO week of a placement's year.
type WeekColour struct {
	Week     string `json:"week"` // 2026-W05
	Number   int    `json:"number"`
	Start    string `json:"start"` // Monday
	End      string `json:"end"`   // Sunday
	Fillable bool   `json:"fillable"`
	Status   string `json:"status"` // none, open, offered, rejected, approved, imported
}

// Calendar is a placement's weeks of one ISO year (52 or 53).
type Calendar struct {
	PlacementID string       `json:"placement_id"`
	Year        int          `json:"year"`
	Weeks       []WeekColour `json:"weeks"`
}

// Late tells whether a deadline was or is missed: recorded in the events
// (offered or approved after the deadline) or, for a timesheet still
// waiting, computed against the clock.
type Late struct {
	Entry    bool `json:"entry"`    // not offered by the entry deadline
	Approval bool `json:"approval"` // not approved by the approval deadline
	Any      bool `json:"any"`
}

// Summary is one row of the timesheet list.
type Summary struct {
	PlacementID    string `json:"placement_id"`
	Week           string `json:"week"`
	WeekStart      string `json:"week_start"`
	WorkerID       string `json:"worker_id"`
	ClientID       string `json:"client_id"`
	IntermediaryID string `json:"intermediary_id"`
	Status         string `json:"status"`
	StatusLabel    string `json:"status_label"` // Dutch, as the portal shows it
	NextParty      string `json:"next_party,omitempty"`
	// NextStep is the index of the approval step that is next, and Hash the
	// content hash of the current offer, both only while offered: an
	// approval from the list sends them back (step, hash), so it is bound
	// to the content the approver saw.
	NextStep *int   `json:"next_step,omitempty"`
	Hash     string `json:"hash,omitempty"`
	// EnteredBy is the role that enters the hours (worker or client).
	EnteredBy        string    `json:"entered_by,omitempty"`
	TotalMinutes     int       `json:"total_minutes"`
	EntryDeadline    time.Time `json:"entry_deadline"`
	ApprovalDeadline time.Time `json:"approval_deadline"`
	Late             Late      `json:"late"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// StepIsFor reports whether the next approval step of an offered timesheet
// is the actor's: the actor's role is the step's party, or the actor is the
// back office (which may act on every step). Only then do NextStep and Hash
// make an approval the actor may send.
func (s Summary) StepIsFor(actor domain.Actor) bool {
	return s.Status == string(ts.StatusOffered) && s.NextParty != "" && s.NextStep != nil && s.Hash != "" &&
		actor.Is(domain.Role(s.NextParty), domain.RoleBackoffice)
}

// WaitingFor reports whether the timesheet waits for the actor, by the rule
// of Filter.WaitingForMe: offered with the next step the actor's role (for
// the back office and the system: any offered timesheet), or open or
// rejected while the actor's role is the one that enters the hours (still
// to enter or to offer again). The row is within the actor's scope already:
// List returns nothing else.
func (s Summary) WaitingFor(actor domain.Actor) bool {
	switch ts.Status(s.Status) {
	case ts.StatusOffered:
		return s.NextParty != "" && actor.Is(domain.Role(s.NextParty), domain.RoleBackoffice, domain.RoleSystem)
	case ts.StatusOpen, ts.StatusRejected:
		return s.EnteredBy != "" && actor.Role == domain.Role(s.EnteredBy)
	}
	return false
}

// Page is a page of the timesheet list, newest week first. NextCursor is
// empty on the last page.
type Page struct {
	Items      []Summary `json:"items"`
	NextCursor string    `json:"next_cursor,omitempty"`
}

// Detail is the timesheet screen.
type Detail struct {
	PlacementID      string `json:"placement_id"`
	Week             string `json:"week"`
	WeekStart        string `json:"week_start"`
	WeekEnd          string `json:"week_end"`
	WorkerID         string `json:"worker_id"`
	ClientID         string `json:"client_id"`
	IntermediaryID   string `json:"intermediary_id"`
	Status           string `json:"status"`
	StatusLabel      string `json:"status_label"`
	EnteredBy        string `json:"entered_by,omitempty"`
	TimeRegistration bool   `json:"time_registration"`
	Fillable         bool   `json:"fillable"`
	Round            int    `json:"round"`
	Hash             string `json:"hash,omitempty"` // send back with approve
	NextParty        string `json:"next_party,omitempty"`
	NextStep         *int   `json:"next_step,omitempty"`
	// WaitingForMe: the next approval step is the actor's (the back office
	// may act on every step). Narrower than the list's waiting for me,
	// which also counts the weeks the actor still has to enter or offer.
	WaitingForMe     bool       `json:"waiting_for_me"`
	Steps            []Step     `json:"steps"`
	Lines            []Line     `json:"lines"`
	DayTotals        [7]int     `json:"day_totals"`
	TotalMinutes     int        `json:"total_minutes"`
	Entries          []Entry    `json:"entries"`
	Expenses         []Expense  `json:"expenses"`
	Remarks          []Remark   `json:"remarks"`
	Rejection        *Rejection `json:"rejection,omitempty"`
	EntryDeadline    time.Time  `json:"entry_deadline"`
	ApprovalDeadline time.Time  `json:"approval_deadline"`
	OfferedAt        *time.Time `json:"offered_at,omitempty"`
	ApprovedAt       *time.Time `json:"approved_at,omitempty"`
	ImportedAt       *time.Time `json:"imported_at,omitempty"`
	ImportBatch      string     `json:"import_batch,omitempty"`
	Late             Late       `json:"late"`
	Revision         *int64     `json:"revision,omitempty"` // stream revision shown
}

// HistoryEvent is one event of a timesheet's stream, for users and auditors.
type HistoryEvent struct {
	Revision   uint64          `json:"revision"`
	Position   string          `json:"position"`
	Type       string          `json:"type"`
	OccurredAt time.Time       `json:"occurred_at"`
	RecordedAt time.Time       `json:"recorded_at"`
	Actor      Actor           `json:"actor"`
	Data       json.RawMessage `json:"data"`
	// Changes is what the event changed: minutes per hour type and day,
	// the status, expenses (before → after).
	Changes []Change `json:"changes"`
}
