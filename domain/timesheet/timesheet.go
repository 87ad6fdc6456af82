package timesheet

import (
	"fmt"
	"slices"
	"time"

	"backoffice/domain"
)

// Status is the timesheet's status as the portal shows it.
//
// WARNING: read models may store these values; never rename one.
type Status string

const (
	StatusNone     Status = "none"     // no events yet
	StatusOpen     Status = "open"     // entered, not offered (Open)
	StatusOffered  Status = "offered"  // in the approval chain (Aangeboden)
	StatusRejected Status = "rejected" // back with the one who enters (Afgekeurd)
	StatusApproved Status = "approved" // approved, not imported (Geaccordeerd)
	StatusImported Status = "imported" // taken over by payroll (Geïmporteerd)
)

// LabelNL is the status as the Dutch portal shows it.
func (s Status) LabelNL() string {
	switch s {
	case StatusOpen:
		return "Open"
	case StatusOffered:
		return "Aangeboden"
	case StatusRejected:
		return "Afgekeurd"
	case StatusApproved:
		return "Geaccordeerd"
	case StatusImported:
		return "Geïmporteerd"
	}
	return "Niet ingevuld"
}

// NotApproved reports whether s counts as "niet geaccordeerd" (open,
// offered or rejected).
func (s Status) NotApproved() bool {
	return s == StatusOpen || s == StatusOffered || s == StatusRejected
}

// Editable reports whether the hours can be changed in status s.
func (s Status) Editable() bool {
	return s == StatusNone || s == StatusOpen || s == StatusRejected
}

// Step is one step of the approval chain of the current offer.
type Step struct {
	Index    int         `json:"index"`
	Party    domain.Role `json:"party"`
	Approved bool        `json:"approved"`
	By       domain.Role `json:"by,omitempty"`
}

// Rejection is the last rejection, shown to the one who enters the hours.
type Rejection struct {
	Round  int
	Step   int
	Party  domain.Role
	By     domain.Role
	Reason string
}

// EntryView is a time entry with its computed result.
type EntryView struct {
	Entry  Entry
	Worked Worked
}

// Timesheet is the aggregate. The zero value is a timesheet without events;
// replay a stream into it with Apply, then call command methods. Each
// command validates, applies its new events to the receiver (through the
// same Apply as replay) and returns them for appending. When the append
// fails, discard the value.
type Timesheet struct {
	version int

	opened           bool
	placementID      string
	week             ISOWeek
	enteredBy        domain.Role
	normal           HourType
	entryDeadline    time.Time
	approvalDeadline time.Time

	lineOrder []string
	lines     map[string]Line

	entries    []Entry // in order of ID
	worked     []Worked
	normalLine Line

	expenses      []Expense
	remarks       []Remark
	lastEntryID   int
	lastExpenseID int

	status     Status
	round      int
	hash       string
	chain      []domain.Role
	step       int // index of the next step; len(chain) when all approved
	approvedBy []domain.Role
	rejection  *Rejection

	offeredLate  bool
	approvedLate bool
	importBatch  string
	// pastBatches are the batches this timesheet was imported in before a
	// reopen: a retried report of one of them is answered as recorded.
	pastBatches []string
}

// Apply is the one transition of the aggregate, for new and replayed
// events alike. It trusts the events: they were validated when recorded.
// Computed values (worked minutes) are taken from the payloads, never
// recomputed, so a later change of rules or time zone data cannot rewrite
// history. An event of another aggregate is refused (domain.Aggregate):
// a caller folding several streams folds each into its own aggregate.
func (t *Timesheet) Apply(e domain.Event) error {
	switch e := e.(type) {
	case *Opened:
		t.opened = true
		t.status = StatusOpen
		t.placementID, t.week, t.enteredBy = e.PlacementID, e.Week, e.EnteredBy
		t.normal = e.NormalHourType
		t.entryDeadline, t.approvalDeadline = e.EntryDeadline, e.ApprovalDeadline
		t.lines = map[string]Line{}
	case *LineSet:
		code := e.Line.HourType.Code
		if _, ok := t.lines[code]; !ok {
			t.lineOrder = append(t.lineOrder, code)
		}
		t.lines[code] = e.Line
	case *LineWiped:
		delete(t.lines, e.HourType)
		t.lineOrder = slices.DeleteFunc(t.lineOrder, func(c string) bool { return c == e.HourType })
	case *TimeEntryAdded:
		t.entries = append(t.entries, e.Entry)
		t.lastEntryID = max(t.lastEntryID, e.Entry.ID)
		t.setTimeEntries(e.TimeEntries)
	case *TimeEntryChanged:
		for i := range t.entries {
			if t.entries[i].ID == e.Entry.ID {
				t.entries[i] = e.Entry
			}
		}
		t.setTimeEntries(e.TimeEntries)
	case *TimeEntryRemoved:
		t.entries = slices.DeleteFunc(t.entries, func(x Entry) bool { return x.ID == e.EntryID })
		t.setTimeEntries(e.TimeEntries)
	case *ExpenseAdded:
		t.expenses = append(t.expenses, e.Expense)
		t.lastExpenseID = max(t.lastExpenseID, e.Expense.ID)
	case *ExpenseRemoved:
		t.expenses = slices.DeleteFunc(t.expenses, func(x Expense) bool { return x.ID == e.ExpenseID })
	case *RemarkAdded:
		t.remarks = append(t.remarks, e.Remark)
	case *Offered:
		t.status = StatusOffered
		t.round, t.hash = e.Round, e.Hash
		t.chain = slices.Clone(e.Chain)
		t.step = 0
		t.approvedBy = nil
		t.offeredLate = e.Late
	case *StepApproved:
		t.step = e.Step + 1
		t.approvedBy = append(t.approvedBy, e.By)
	case *Rejected:
		t.status = StatusRejected
		t.rejection = &Rejection{Round: e.Round, Step: e.Step, Party: e.Party, By: e.By, Reason: e.Reason}
	case *Approved:
		t.status = StatusApproved
		t.approvedLate = e.Late
	case *Imported:
		t.status = StatusImported
		t.importBatch = e.ImportBatch
	case *OfferWithdrawn:
		t.status = StatusOpen
		t.hash, t.step, t.approvedBy = "", 0, nil
	case *Reopened:
		t.applyReopened(e) // reopen.go
	default:
		return fmt.Errorf("timesheet: cannot apply %T", e)
	}
	t.version++
	return nil
}

func (t *Timesheet) setTimeEntries(te TimeEntries) {
	t.worked = slices.Clone(te.Worked)
	t.normalLine = te.NormalLine
}

// record applies new events and returns them. A command records only the
// timesheet's own events, which Apply always accepts: a refusal is a bug.
func (t *Timesheet) record(events ...domain.Event) []domain.Event {
	for _, e := range events {
		if err := t.Apply(e); err != nil {
			panic(err)
		}
	}
	return events
}

// Version is the number of events applied.
func (t *Timesheet) Version() int { return t.version }

// PlacementID is the placement, once the timesheet is opened.
func (t *Timesheet) PlacementID() string { return t.placementID }

// Week is the timesheet's week, once opened.
func (t *Timesheet) Week() ISOWeek { return t.week }

// Status is the current status.
func (t *Timesheet) Status() Status {
	if t.status == "" {
		return StatusNone
	}
	return t.status
}

// EnteredBy is who enters the hours, once opened.
func (t *Timesheet) EnteredBy() domain.Role { return t.enteredBy }

// NextParty is the role whose turn it is to approve, when offered.
func (t *Timesheet) NextParty() (domain.Role, bool) {
	if t.status != StatusOffered || t.step >= len(t.chain) {
		return "", false
	}
	return t.chain[t.step], true
}

// NextStep is the index of the step to approve next, when offered.
func (t *Timesheet) NextStep() (int, bool) {
	if t.status != StatusOffered || t.step >= len(t.chain) {
		return 0, false
	}
	return t.step, true
}

// Steps is the approval chain of the current (or last) offer.
func (t *Timesheet) Steps() []Step {
	out := make([]Step, len(t.chain))
	for i, r := range t.chain {
		out[i] = Step{Index: i, Party: r}
		if i < len(t.approvedBy) {
			out[i].Approved, out[i].By = true, t.approvedBy[i]
		}
	}
	return out
}

// Round is the number of times the timesheet was offered.
func (t *Timesheet) Round() int { return t.round }

// OfferedHash is the content hash of the last offer ("" before).
func (t *Timesheet) OfferedHash() string { return t.hash }

// Rejection is the last rejection, while the timesheet is rejected.
func (t *Timesheet) Rejection() (Rejection, bool) {
	if t.status != StatusRejected || t.rejection == nil {
		return Rejection{}, false
	}
	return *t.rejection, true
}

// Lines are the hour lines in the order they were added; in time
// registration mode the line derived from the entries comes first.
func (t *Timesheet) Lines() []Line {
	var out []Line
	if len(t.entries) > 0 {
		out = append(out, t.normalLine)
	}
	for _, c := range t.lineOrder {
		out = append(out, t.lines[c])
	}
	return out
}

// Line is the hand-entered line of an hour type.
func (t *Timesheet) Line(code string) (Line, bool) {
	l, ok := t.lines[code]
	return l, ok
}

// DayTotals are all minutes per day, Monday first.
func (t *Timesheet) DayTotals() [7]Minutes {
	return t.dayTotalsWith(t.lines, t.normalLine.Minutes)
}

func (t *Timesheet) dayTotalsWith(lines map[string]Line, worked [7]Minutes) [7]Minutes {
	days := worked
	for _, l := range lines {
		for i, m := range l.Minutes {
			days[i] += m
		}
	}
	return days
}

// TotalMinutes is the week's total.
func (t *Timesheet) TotalMinutes() Minutes {
	var s Minutes
	for _, m := range t.DayTotals() {
		s += m
	}
	return s
}

// Entries are the time entries, by start, with their computed results.
func (t *Timesheet) Entries() []EntryView {
	byID := map[int]Entry{}
	for _, e := range t.entries {
		byID[e.ID] = e
	}
	out := make([]EntryView, 0, len(t.worked))
	for _, w := range t.worked {
		out = append(out, EntryView{Entry: byID[w.EntryID], Worked: w})
	}
	return out
}

// Expenses are the claimed expenses in the order they were added.
func (t *Timesheet) Expenses() []Expense { return slices.Clone(t.expenses) }

// Remarks are the remarks in order.
func (t *Timesheet) Remarks() []Remark { return slices.Clone(t.remarks) }

// EntryDeadline and ApprovalDeadline, once opened.
func (t *Timesheet) EntryDeadline() time.Time    { return t.entryDeadline }
func (t *Timesheet) ApprovalDeadline() time.Time { return t.approvalDeadline }

// OfferedLate reports whether the last offer came after the entry deadline.
func (t *Timesheet) OfferedLate() bool { return t.offeredLate }

// ApprovedLate reports whether the final approval came after the approval deadline.
func (t *Timesheet) ApprovedLate() bool { return t.approvedLate }

// ImportBatch is the payroll import batch, once imported.
func (t *Timesheet) ImportBatch() string { return t.importBatch }

// --- checks shared by the commands ---

func forbidden(code, en, nl string) *domain.Error {
	return &domain.Error{Kind: domain.KindForbidden, Code: code, Message: en, MessageNL: nl}
}

// checkTerms validates the terms and that they are this timesheet's.
func (t *Timesheet) checkTerms(terms Terms) error {
	if err := terms.Validate(); err != nil {
		return err
	}
	if t.opened && (terms.PlacementID != t.placementID || terms.Week != t.week) {
		return &domain.Error{Kind: domain.KindInternal, Code: "terms_mismatch",
			Message:   fmt.Sprintf("terms for %s %s given to timesheet %s %s", terms.PlacementID, terms.Week, t.placementID, t.week),
			MessageNL: "Er ging iets mis: de afspraken horen niet bij dit urenbriefje."}
	}
	return nil
}

// checkState refuses changes when the timesheet is locked.
func (t *Timesheet) checkEditable() error {
	switch t.Status() {
	case StatusOffered:
		return domain.Conflict("timesheet_offered", "the timesheet has been offered and cannot be changed",
			"Het urenbriefje is aangeboden en kan niet meer worden gewijzigd.")
	case StatusApproved, StatusImported:
		return domain.Conflict("timesheet_approved", "the timesheet has been approved and cannot be changed",
			"Het urenbriefje is geaccordeerd en kan niet meer worden gewijzigd.")
	}
	return nil
}

// checkEnterer checks the terms and that the actor is the one who enters
// the hours (or the back office); en and nl say what else is refused.
func (t *Timesheet) checkEnterer(actor domain.Actor, terms Terms, en, nl string) error {
	if err := t.checkTerms(terms); err != nil {
		return err
	}
	if !actor.Is(terms.EnteredBy, domain.RoleBackoffice) {
		return forbidden("not_the_enterer", en, nl)
	}
	return nil
}

// Only the one who enters the hours edits and offers.
const (
	notEntererEdit   = "only the one who enters the hours can change or offer this timesheet"
	notEntererEditNL = "Alleen wie de uren invoert kan dit urenbriefje wijzigen of aanbieden."
)

// beginEdit runs the checks of every editing command (terms, role, state,
// fillable week) and returns the Opened event when the stream is new.
func (t *Timesheet) beginEdit(actor domain.Actor, terms Terms, now time.Time) ([]domain.Event, error) {
	if err := t.checkEnterer(actor, terms, notEntererEdit, notEntererEditNL); err != nil {
		return nil, err
	}
	if err := t.checkEditable(); err != nil {
		return nil, err
	}
	if err := CheckFillable(terms.Period, terms.Week, now); err != nil {
		return nil, err
	}
	if t.opened {
		return nil, nil
	}
	normal, _ := terms.hourType(terms.NormalHourType)
	return []domain.Event{&Opened{
		PlacementID:      terms.PlacementID,
		Week:             terms.Week,
		WeekStart:        terms.Week.Start(),
		WeekEnd:          terms.Week.End(),
		EnteredBy:        terms.EnteredBy,
		TimeRegistration: terms.TimeRegistration,
		NormalHourType:   normal,
		EntryDeadline:    EntryDeadline(terms.Week),
		ApprovalDeadline: ApprovalDeadline(terms.Week),
		ClientID:         terms.ClientID,
		IntermediaryID:   terms.IntermediaryID,
		WorkerID:         terms.WorkerID,
	}}, nil
}

// checkDays refuses totals over 24 hours (plus gained, the hour the autumn
// clock change adds to a day's shifts: clockGained) and minutes on days
// outside the placement period.
func checkDays(terms Terms, days, changed, gained [7]Minutes) error {
	for i := range 7 {
		if days[i] > MinutesPerDay+gained[i] {
			return domain.Rule("day_over_24h", dayFields[i],
				fmt.Sprintf("more than 24 hours entered on %s", dayNamesEN[i]),
				fmt.Sprintf("Op %s is meer dan 24 uur ingevuld.", dayNamesNL[i]))
		}
		if changed[i] != 0 && !terms.Period.Contains(terms.Week.Day(i)) {
			return domain.Rule("day_outside_placement", dayFields[i],
				fmt.Sprintf("%s %s is outside the placement period", dayNamesEN[i], terms.Week.Day(i)),
				fmt.Sprintf("%s %s valt buiten de plaatsingsperiode.", capitalise(dayNamesNL[i]), terms.Week.Day(i).NL()))
		}
	}
	return nil
}
