package timesheet

import (
	"time"

	"backoffice/domain"
)

// Event type names.
//
// WARNING: these names are stored with every event forever. Never rename
// one; add a new event type instead.
const (
	TypeOpened           = "timesheet.opened"
	TypeLineSet          = "timesheet.line_set"
	TypeLineWiped        = "timesheet.line_wiped"
	TypeTimeEntryAdded   = "timesheet.time_entry_added"
	TypeTimeEntryChanged = "timesheet.time_entry_changed"
	TypeTimeEntryRemoved = "timesheet.time_entry_removed"
	TypeExpenseAdded     = "timesheet.expense_added"
	TypeExpenseRemoved   = "timesheet.expense_removed"
	TypeRemarkAdded      = "timesheet.remark_added"
	TypeOffered          = "timesheet.offered"
	TypeStepApproved     = "timesheet.step_approved"
	TypeRejected         = "timesheet.rejected"
	TypeApproved         = "timesheet.approved"
	TypeImported         = "timesheet.imported"
	TypeOfferWithdrawn   = "timesheet.offer_withdrawn"
)

// Events is the registry of the timesheet's event payloads.
var Events = domain.NewRegistry(
	&Opened{}, &LineSet{}, &LineWiped{},
	&TimeEntryAdded{}, &TimeEntryChanged{}, &TimeEntryRemoved{},
	&ExpenseAdded{}, &ExpenseRemoved{}, &RemarkAdded{},
	&Offered{}, &StepApproved{}, &Rejected{}, &Approved{}, &Imported{},
	&OfferWithdrawn{},
	&Reopened{}, // reopen.go
)

// Line is an hour line: one hour type with minutes per day, Monday first.
type Line struct {
	HourType HourType   `json:"hour_type"`
	Minutes  [7]Minutes `json:"minutes"`
	// FromTimeRegistration marks the line derived from time entries.
	FromTimeRegistration bool `json:"from_time_registration,omitempty"`
}

// Total is the line's minutes over the week.
func (l Line) Total() Minutes {
	var t Minutes
	for _, m := range l.Minutes {
		t += m
	}
	return t
}

// Opened is the first event of every timesheet stream, recorded with the
// first change. It carries what read models need to place the timesheet.
type Opened struct {
	PlacementID      string      `json:"placement_id"`
	Week             ISOWeek     `json:"week"`
	WeekStart        Date        `json:"week_start"`
	WeekEnd          Date        `json:"week_end"`
	EnteredBy        domain.Role `json:"entered_by"`
	TimeRegistration bool        `json:"time_registration,omitempty"`
	NormalHourType   HourType    `json:"normal_hour_type,omitzero"`
	EntryDeadline    time.Time   `json:"entry_deadline"`
	ApprovalDeadline time.Time   `json:"approval_deadline"`
	ClientID         string      `json:"client_id,omitempty"`
	IntermediaryID   string      `json:"intermediary_id,omitempty"`
	WorkerID         string      `json:"worker_id,omitempty"`
}

// LineSet sets (or adds, toevoegen) a whole hour line. DayTotals are all
// lines and worked time per day after the change.
type LineSet struct {
	Line      Line       `json:"line"`
	DayTotals [7]Minutes `json:"day_totals"`
}

// LineWiped removes a whole hour line (wissen).
type LineWiped struct {
	HourType  string     `json:"hour_type"`
	DayTotals [7]Minutes `json:"day_totals"`
}

// TimeEntries is the computed state after a time entry change: since a
// continuous shift ends where the next entry starts, one change can alter
// the worked time of another entry, so every entry's result is carried.
type TimeEntries struct {
	Worked     []Worked   `json:"worked"`      // all entries, by start
	NormalLine Line       `json:"normal_line"` // the derived line
	DayTotals  [7]Minutes `json:"day_totals"`  // all lines and worked time
}

// TimeEntryAdded records a new time registration entry.
type TimeEntryAdded struct {
	Entry Entry `json:"entry"`
	TimeEntries
}

// TimeEntryChanged records the new content of an existing entry.
type TimeEntryChanged struct {
	Entry Entry `json:"entry"`
	TimeEntries
	// FollowedNextWeek: recorded because the next week's first shift was
	// entered, moved or removed (FollowNextWeek), not by an edit of this
	// week: Entry is as it was, only where the week's last continuous
	// shift ends changed. Events before 2026-12-06 never carry it.
	FollowedNextWeek bool `json:"followed_next_week,omitempty"`
}

// TimeEntryRemoved records the removal of an entry.
type TimeEntryRemoved struct {
	EntryID int `json:"entry_id"`
	TimeEntries
}

// ExpenseAdded records a claimed expense (onkosten).
type ExpenseAdded struct {
	Expense Expense `json:"expense"`
}

// ExpenseRemoved records the removal of an expense.
type ExpenseRemoved struct {
	ExpenseID int `json:"expense_id"`
}

// RemarkAdded records a remark made before offering.
type RemarkAdded struct {
	Remark Remark `json:"remark"`
}

// Offered locks the timesheet and hands it to the first step of the chain.
type Offered struct {
	Round        int           `json:"round"` // 1 for the first offer, +1 after each rejection
	Hash         string        `json:"hash"`
	Chain        []domain.Role `json:"chain"`
	Next         domain.Role   `json:"next"`
	Lines        []Line        `json:"lines"`
	DayTotals    [7]Minutes    `json:"day_totals"`
	TotalMinutes Minutes       `json:"total_minutes"`
	Deadline     time.Time     `json:"deadline"` // the entry deadline
	Late         bool          `json:"late,omitempty"`
}

// StepApproved records one step of the chain approving.
type StepApproved struct {
	Round int         `json:"round"`
	Step  int         `json:"step"`
	Party domain.Role `json:"party"` // the step's role in the chain
	By    domain.Role `json:"by"`    // who acted: the party, or the back office
	Hash  string      `json:"hash"`
	Next  domain.Role `json:"next,omitempty"` // empty after the last step
}

// Rejected returns the timesheet to the one who enters the hours.
type Rejected struct {
	Round      int         `json:"round"`
	Step       int         `json:"step"`
	Party      domain.Role `json:"party"`
	By         domain.Role `json:"by"`
	Reason     string      `json:"reason"`
	ReturnedTo domain.Role `json:"returned_to"`
	Hash       string      `json:"hash"`
}

// OfferWithdrawn takes an offer back before any step approved it: the
// timesheet is open (editable) again; a new offer starts the next round.
type OfferWithdrawn struct {
	Round int         `json:"round"` // the round withdrawn
	By    domain.Role `json:"by"`    // the one who enters the hours, or the back office
	Hash  string      `json:"hash"`  // the content that was offered
}

// Approved (geaccordeerd) follows the last StepApproved. It carries the
// approved content for payroll.
type Approved struct {
	Round        int        `json:"round"`
	Hash         string     `json:"hash"`
	Lines        []Line     `json:"lines"`
	Expenses     []Expense  `json:"expenses"`
	Allowances   Allowances `json:"allowances"`
	DayTotals    [7]Minutes `json:"day_totals"`
	TotalMinutes Minutes    `json:"total_minutes"`
	Deadline     time.Time  `json:"deadline"` // the approval deadline
	Late         bool       `json:"late,omitempty"`
}

// Imported records that the payroll package took the approved hours over.
type Imported struct {
	Hash        string `json:"hash"`
	ImportBatch string `json:"import_batch"`
}

func (*Opened) EventType() string           { return TypeOpened }
func (*LineSet) EventType() string          { return TypeLineSet }
func (*LineWiped) EventType() string        { return TypeLineWiped }
func (*TimeEntryAdded) EventType() string   { return TypeTimeEntryAdded }
func (*TimeEntryChanged) EventType() string { return TypeTimeEntryChanged }
func (*TimeEntryRemoved) EventType() string { return TypeTimeEntryRemoved }
func (*ExpenseAdded) EventType() string     { return TypeExpenseAdded }
func (*ExpenseRemoved) EventType() string   { return TypeExpenseRemoved }
func (*RemarkAdded) EventType() string      { return TypeRemarkAdded }
func (*Offered) EventType() string          { return TypeOffered }
func (*StepApproved) EventType() string     { return TypeStepApproved }
func (*Rejected) EventType() string         { return TypeRejected }
func (*Approved) EventType() string         { return TypeApproved }
func (*Imported) EventType() string         { return TypeImported }
func (*OfferWithdrawn) EventType() string   { return TypeOfferWithdrawn }
