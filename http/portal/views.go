package portal

// The portal's view models: what the pages show, built from the read
// models and the command handlers in app_*.go.

import (
	"context"
	"time"

	"backoffice/domain"
	"backoffice/domain/timesheet"
	"backoffice/domain/worker"
	"backoffice/eventstore"
)

// Client describes the browser that logs in (for throttling and the
// session list).
type Client struct {
	IP        string
	UserAgent string
}

// Session is a new login: the token goes into the session cookie, the only
// copy the portal ever sees.
type Session struct {
	Token     string
	User      User
	ExpiresAt time.Time
}

// User is the logged-in account.
type User struct {
	Actor domain.Actor // Language is the account's portal language
	Email string
	Name  string // display name; may be empty
}

// Waiter blocks until the named projectors (all when none) have passed pos;
// projections.Runtime implements it.
type Waiter interface {
	WaitFor(ctx context.Context, pos eventstore.Position, projectors ...string) error
}

// --- view models ---

// StatusNotApproved is the list filter "Niet geaccordeerd": open, offered
// and rejected together.
const StatusNotApproved = "not_approved"

// Ref names one timesheet: a placement's ISO week.
type Ref struct {
	PlacementID string
	Week        timesheet.ISOWeek
}

// Overview is the home screen's status count.
type Overview struct {
	Open, Offered, Rejected, Approved, Imported int
	// WaitingForMe counts timesheets whose current approval step is the
	// actor's, or that the actor must still enter or offer.
	WaitingForMe int
}

// NotApproved is Open + Offered + Rejected (niet geaccordeerd).
func (o Overview) NotApproved() int { return o.Open + o.Offered + o.Rejected }

// ListFilter selects rows of the timesheet list.
type ListFilter struct {
	Status string // "", a timesheet.Status or StatusNotApproved
	Cursor string // the page: "" for the first, else a page's next cursor
}

// Row is one timesheet in the list.
type Row struct {
	Ref        Ref
	WorkerName string
	ClientName string
	Status     timesheet.Status
	Total      timesheet.Minutes
	// NextParty is whose approval step it is, while offered.
	NextParty domain.Role
	// EnteredBy is who enters the hours: whose turn it is while open or
	// rejected.
	EnteredBy domain.Role
	// WaitingForMe: the actor must act (approve this step, or enter/offer).
	WaitingForMe bool
	// CanApprove: the current step is the actor's; Step and Hash are what a
	// (bulk) approval sends back.
	CanApprove       bool
	Step             int
	Hash             string
	EntryDeadline    time.Time // shown while open or rejected
	ApprovalDeadline time.Time // shown while offered
}

// Placement is a worker at a client for a period, as the portal shows it.
type Placement struct {
	ID               string
	WorkerID         string
	WorkerName       string
	ClientName       string
	ClientID         string
	Function         string
	Period           timesheet.Period
	TimeRegistration bool
	EnteredBy        domain.Role // who enters the hours: worker or client
}

// WeekOverview is the weeks of one year of a placement.
type WeekOverview struct {
	Placement Placement
	Year      int
	Weeks     []Week
}

// Week is one tile of the week overview.
type Week struct {
	Week     timesheet.ISOWeek
	Fillable bool             // not fillable: grey and not openable
	Status   timesheet.Status // StatusNone when nothing was entered
}

// Sheet is one timesheet for the editor, the read-only view and approval.
type Sheet struct {
	Ref       Ref
	Placement Placement
	Status    timesheet.Status
	// CanEdit: the status is editable, the week fillable and the actor is
	// the one who enters the hours.
	CanEdit bool
	// Fillable: the week overlaps the placement and has started
	// (ts.Fillable); a future week is shown read-only and says so.
	Fillable bool
	// CanWithdraw: offered, nobody approved yet, and the actor enters the
	// hours (ts.MayWithdrawOffer).
	CanWithdraw      bool
	Lines            []timesheet.Line
	HourTypes        []timesheet.HourType // all agreed hour types for the week
	TimeRegistration bool
	NormalHourType   string
	Entries          []timesheet.EntryView
	Expenses         []timesheet.Expense
	Remarks          []RemarkView
	// Approval is the approval chain of the current offer, step by step.
	Approval  []ApprovalStep
	NextParty domain.Role // whose step it is while offered
	// CanApprove: the current step is the actor's. Step and Hash go into
	// the approval form.
	CanApprove bool
	Step       int
	Hash       string
	// CanReopen: imported, and the actor is the back office, who reopens
	// it for a correction (docs/payroll.md).
	CanReopen        bool
	Rejection        *timesheet.Rejection
	RejectedByName   string // empty when the reader may not see it
	EntryDeadline    time.Time
	ApprovalDeadline time.Time
	OfferedLate      bool
	ApprovedLate     bool
}

// RemarkView is a remark with who made it: a name when the reader may see
// it, else the role.
type RemarkView struct {
	Text   string
	ByRole domain.Role
	ByName string
}

// ApprovalStep is one step of the approval chain as the sheet shows it:
// done (by whom, when the reader may see the name) or not yet.
type ApprovalStep struct {
	Index    int
	Party    domain.Role
	Approved bool
	ByRole   domain.Role
	ByName   string // empty when the reader may not see it
	At       time.Time
}

// HistoryItem is one event of a timesheet's history.
type HistoryItem struct {
	At     time.Time
	ByRole domain.Role
	By     string // name or e-mail of the actor, when known
	Type   string // the event type name, e.g. timesheet.TypeOffered
	Detail string // free text: the reason, the remark, the hour type
}

// Registration is the form "nieuwe werknemer inschrijven".
type Registration struct {
	ClientID string // the back office chooses; a client user's own company otherwise
	Name     worker.Name
	Email    string
	Function string
	Personal worker.PersonalData
	Start    time.Time
	End      *time.Time
}

// OutboxMessage is one mail or SMS in the local outbox.
type OutboxMessage struct {
	At      time.Time
	Channel string // "mail" or "sms"
	To      string
	Subject string
	Body    string
}
