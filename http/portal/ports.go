package portal

import (
	"context"
	"time"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/domain/timesheet"
	"backoffice/domain/worker"
	"backoffice/eventstore"
)

// The portal depends on these small ports, not on the command and query
// packages themselves: thin adapters in the composition root map the real
// packages onto them. Queries take the actor (their scope); commands take
// commands.Meta and return commands.Result, whose Position the portal waits
// for after the redirect (read-your-writes).

// Identity is logins, sessions and account settings.
type Identity interface {
	// Login checks e-mail and password and starts a session. A wrong
	// combination is a *domain.Error of KindUnauthorized, throttling one of
	// KindTooMany; the portal shows their Dutch/English message.
	Login(ctx context.Context, email, password string, client Client) (Session, error)
	// Authenticate finds the user of a session token; an unknown or expired
	// token is a *domain.Error of KindUnauthorized.
	Authenticate(ctx context.Context, token string) (User, error)
	// Logout ends the session of the token.
	Logout(ctx context.Context, token string) error
	// Activate sets the first password with an activation token from the
	// invitation mail (KindInvalid "token_invalid" when used or expired).
	Activate(ctx context.Context, token, password string) (commands.Result, error)
	// RequestPasswordReset mails a reset link when the address belongs to an
	// active account. It reports no error for unknown addresses, so the
	// portal's answer does not reveal which addresses exist.
	RequestPasswordReset(ctx context.Context, email string) error
	// ResetPassword sets a new password with a reset token and ends the
	// account's other sessions.
	ResetPassword(ctx context.Context, token, password string) (commands.Result, error)
	// SetLanguage stores the user's portal language ("nl" or "en").
	SetLanguage(ctx context.Context, meta commands.Meta, lang string) (commands.Result, error)
}

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

// Timesheets is the timesheet feature: queries on the read models and the
// commands of the aggregate.
type Timesheets interface {
	// Overview counts the actor's timesheets per status (home screen).
	Overview(ctx context.Context, actor domain.Actor) (Overview, error)
	// List is the timesheets in the actor's scope; Status filters (a
	// timesheet.Status, StatusNotApproved or "" for all).
	List(ctx context.Context, actor domain.Actor, f ListFilter) ([]Row, error)
	// Weeks is the week overview of a placement for one year (use BuildWeeks
	// to fill Weeks from the placement period and the statuses).
	Weeks(ctx context.Context, actor domain.Actor, placementID string, year int) (WeekOverview, error)
	// Sheet is one timesheet with what the actor may do with it. A week
	// without events is returned with Status timesheet.StatusNone.
	Sheet(ctx context.Context, actor domain.Actor, ref Ref) (Sheet, error)
	// History is the timesheet's events in order, for people.
	History(ctx context.Context, actor domain.Actor, ref Ref) ([]HistoryItem, error)

	SetLine(ctx context.Context, meta commands.Meta, ref Ref, hourType string, minutes [7]timesheet.Minutes) (commands.Result, error)
	AddLine(ctx context.Context, meta commands.Meta, ref Ref, hourType string) (commands.Result, error)
	WipeLine(ctx context.Context, meta commands.Meta, ref Ref, hourType string) (commands.Result, error)
	AddEntry(ctx context.Context, meta commands.Meta, ref Ref, in timesheet.EntryInput) (commands.Result, error)
	ChangeEntry(ctx context.Context, meta commands.Meta, ref Ref, id int, in timesheet.EntryInput) (commands.Result, error)
	RemoveEntry(ctx context.Context, meta commands.Meta, ref Ref, id int) (commands.Result, error)
	AddExpense(ctx context.Context, meta commands.Meta, ref Ref, in timesheet.ExpenseInput) (commands.Result, error)
	RemoveExpense(ctx context.Context, meta commands.Meta, ref Ref, id int) (commands.Result, error)
	AddRemark(ctx context.Context, meta commands.Meta, ref Ref, text string) (commands.Result, error)
	Offer(ctx context.Context, meta commands.Meta, ref Ref) (commands.Result, error)
	// Approve approves step of the current offer; hash is the content hash
	// the approver was shown (Sheet.Hash / Row.Hash).
	Approve(ctx context.Context, meta commands.Meta, ref Ref, step int, hash string) (commands.Result, error)
	Reject(ctx context.Context, meta commands.Meta, ref Ref, reason string) (commands.Result, error)
}

// Workers is the workers feature: active placements and registration.
type Workers interface {
	// Placements are the active placements in the actor's scope (a worker
	// sees their own), ordered by worker name.
	Placements(ctx context.Context, actor domain.Actor) ([]Placement, error)
	// Register is "nieuwe werknemer inschrijven": a new worker and their
	// first placement at the actor's company. Errors name the field
	// ("name.first", "bsn", "address.postal_code", "start", ...).
	Register(ctx context.Context, meta commands.Meta, in Registration) (commands.Result, error)
}

// Outbox lists the local mail and SMS outbox (demo mode only).
type Outbox interface {
	Messages(ctx context.Context, limit int) ([]OutboxMessage, error)
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
	// WaitingForMe: the actor must act (approve this step, or enter/offer).
	WaitingForMe bool
	// CanApprove: the current step is the actor's; Step and Hash are what a
	// (bulk) approval sends back.
	CanApprove       bool
	Step             int
	Hash             string
	ApprovalDeadline time.Time
}

// Placement is a worker at a client for a period, as the portal shows it.
type Placement struct {
	ID               string
	WorkerID         string
	WorkerName       string
	ClientName       string
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
	CanEdit          bool
	Lines            []timesheet.Line
	HourTypes        []timesheet.HourType // all agreed hour types for the week
	TimeRegistration bool
	NormalHourType   string
	Entries          []timesheet.EntryView
	Expenses         []timesheet.Expense
	Remarks          []timesheet.Remark
	Steps            []timesheet.Step
	NextParty        domain.Role // whose step it is while offered
	// CanApprove: the current step is the actor's. Step and Hash go into
	// the approval form.
	CanApprove       bool
	Step             int
	Hash             string
	Rejection        *timesheet.Rejection
	EntryDeadline    time.Time
	ApprovalDeadline time.Time
	OfferedLate      bool
	ApprovedLate     bool
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
