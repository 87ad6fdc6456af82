package portalwire

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"backoffice/commands"
	cmd "backoffice/commands/timesheet"
	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	"backoffice/http/portal"
	rmid "backoffice/readmodel/identity"
	rm "backoffice/readmodel/timesheets"
)

// Timesheets adapts commands/timesheet and readmodel/timesheets (with the
// names from readmodel/identity) to portal.Timesheets.
type Timesheets struct {
	commands *cmd.Handler
	queries  *rm.Queries
	history  *rm.History
	names    *rmid.Queries
}

var _ portal.Timesheets = (*Timesheets)(nil)

// TimesheetDeps are the adapter's collaborators, all required.
type TimesheetDeps struct {
	Commands *cmd.Handler
	Queries  *rm.Queries
	History  *rm.History
	Names    *rmid.Queries
}

// NewTimesheets returns the adapter.
func NewTimesheets(d TimesheetDeps) (*Timesheets, error) {
	if d.Commands == nil || d.Queries == nil || d.History == nil || d.Names == nil {
		return nil, errors.New("portalwire: NewTimesheets: Commands, Queries, History and Names are required")
	}
	return &Timesheets{commands: d.Commands, queries: d.Queries, history: d.History, names: d.Names}, nil
}

// --- queries ---

// Overview implements portal.Timesheets. WaitingForMe counts what the read
// model's filter lists (rm.Filter.WaitingForMe): offers whose next step is
// the actor's, and open or rejected weeks the actor still has to enter or
// offer (at most rm.MaxLimit).
func (t *Timesheets) Overview(ctx context.Context, actor domain.Actor) (portal.Overview, error) {
	o, err := t.queries.Overview(ctx, actor)
	if err != nil {
		return portal.Overview{}, err
	}
	mine, err := t.queries.List(ctx, actor, rm.Filter{WaitingForMe: true, Limit: rm.MaxLimit})
	if err != nil {
		return portal.Overview{}, err
	}
	return portal.Overview{Open: int(o.Open), Offered: int(o.Offered), Rejected: int(o.Rejected),
		Approved: int(o.Approved), Imported: int(o.Imported), WaitingForMe: len(mine.Items)}, nil
}

// List implements portal.Timesheets: the newest rm.MaxLimit timesheets.
func (t *Timesheets) List(ctx context.Context, actor domain.Actor, f portal.ListFilter) ([]portal.Row, error) {
	filter := rm.Filter{Limit: rm.MaxLimit}
	if f.Status != "" {
		filter.Statuses = []string{f.Status}
	}
	page, err := t.queries.List(ctx, actor, filter)
	if err != nil {
		return nil, err
	}
	places, err := t.names.Placements(ctx, actor, rmid.PlacementFilter{})
	if err != nil {
		return nil, err
	}
	byID := make(map[string]rmid.Placement, len(places))
	for _, p := range places {
		byID[p.ID] = p
	}
	rows := make([]portal.Row, 0, len(page.Items))
	for _, s := range page.Items {
		week, err := ts.ParseISOWeek(s.Week)
		if err != nil {
			return nil, err
		}
		p := byID[s.PlacementID]
		r := portal.Row{
			Ref:        portal.Ref{PlacementID: s.PlacementID, Week: week},
			WorkerName: p.WorkerName, ClientName: p.ClientName,
			Status: ts.Status(s.Status), Total: ts.Minutes(s.TotalMinutes),
			NextParty: domain.Role(s.NextParty), ApprovalDeadline: s.ApprovalDeadline,
			Hash: s.Hash, WaitingForMe: s.WaitingFor(actor),
		}
		if s.NextStep != nil {
			r.Step = *s.NextStep
		}
		// A (bulk) approval from the list sends Step and Hash back, so it
		// approves exactly the offer this row showed.
		r.CanApprove = s.StepIsFor(actor)
		rows = append(rows, r)
	}
	return rows, nil
}

// Weeks implements portal.Timesheets.
func (t *Timesheets) Weeks(ctx context.Context, actor domain.Actor, placementID string, year int) (portal.WeekOverview, error) {
	cal, err := t.queries.Weeks(ctx, actor, placementID, year)
	if err != nil {
		return portal.WeekOverview{}, err
	}
	p, err := t.placement(ctx, actor, placementID)
	if err != nil {
		return portal.WeekOverview{}, err
	}
	out := portal.WeekOverview{Placement: p, Year: cal.Year, Weeks: make([]portal.Week, 0, len(cal.Weeks))}
	for _, w := range cal.Weeks {
		out.Weeks = append(out.Weeks, portal.Week{Week: ts.ISOWeek{Year: cal.Year, Week: w.Number},
			Fillable: w.Fillable, Status: ts.Status(w.Status)})
	}
	return out, nil
}

func (t *Timesheets) placement(ctx context.Context, actor domain.Actor, id string) (portal.Placement, error) {
	p, err := t.names.Placement(ctx, actor, id)
	if err != nil {
		return portal.Placement{}, err
	}
	return placementOf(p), nil
}

func placementOf(p rmid.Placement) portal.Placement {
	out := portal.Placement{ID: p.ID, WorkerID: p.WorkerID, WorkerName: p.WorkerName, ClientName: p.ClientName, Function: p.Function}
	out.Period.Start, _ = ts.ParseDate(p.Start)
	if p.End != nil {
		out.Period.End, _ = ts.ParseDate(*p.End)
	}
	return out
}

// Sheet implements portal.Timesheets.
func (t *Timesheets) Sheet(ctx context.Context, actor domain.Actor, ref portal.Ref) (portal.Sheet, error) {
	d, err := t.queries.Detail(ctx, actor, ref.PlacementID, ref.Week)
	if err != nil {
		return portal.Sheet{}, err
	}
	idp, err := t.names.Placement(ctx, actor, ref.PlacementID)
	if err != nil {
		return portal.Sheet{}, err
	}
	p := placementOf(idp)
	terms, ok, err := t.weekTerms(ctx, actor, ref)
	if err != nil {
		return portal.Sheet{}, err
	}
	sh := portal.Sheet{
		Ref: ref, Status: ts.Status(d.Status), Hash: d.Hash, NextParty: domain.Role(d.NextParty),
		CanApprove: d.WaitingForMe, EntryDeadline: d.EntryDeadline, ApprovalDeadline: d.ApprovalDeadline,
		TimeRegistration: d.TimeRegistration,
	}
	if ok {
		applyTerms(&sh, &p, terms)
	}
	if d.EnteredBy != "" { // recorded when the timesheet was opened
		p.EnteredBy, p.TimeRegistration = domain.Role(d.EnteredBy), d.TimeRegistration
	}
	sh.Placement, sh.TimeRegistration = p, p.TimeRegistration
	sh.CanEdit = sh.Status.Editable() && d.Fillable && p.EnteredBy != "" && actor.Is(p.EnteredBy, domain.RoleBackoffice)
	if d.NextStep != nil {
		sh.Step = *d.NextStep
	}
	if d.OfferedAt != nil {
		sh.OfferedLate = d.Late.Entry
	}
	if d.ApprovedAt != nil {
		sh.ApprovedLate = d.Late.Approval
	}
	for _, l := range d.Lines {
		sh.Lines = append(sh.Lines, lineOf(l))
	}
	for _, e := range d.Entries {
		sh.Entries = append(sh.Entries, entryOf(e))
	}
	for _, x := range d.Expenses {
		date, _ := ts.ParseDate(x.Date)
		sh.Expenses = append(sh.Expenses, ts.Expense{ID: x.ID, Type: ts.ExpenseType(x.Type), Date: date,
			AmountCents: x.AmountCents, Kilometres: x.Kilometres, Description: x.Description})
	}
	for _, r := range d.Remarks {
		sh.Remarks = append(sh.Remarks, ts.Remark{Text: r.Text, By: domain.Role(r.By.Role)})
	}
	for _, s := range d.Steps {
		st := ts.Step{Index: s.Index, Party: domain.Role(s.Party), Approved: s.Approved}
		if s.By != nil {
			st.By = domain.Role(s.By.Role)
		}
		sh.Steps = append(sh.Steps, st)
	}
	if r := d.Rejection; r != nil {
		sh.Rejection = &ts.Rejection{Round: r.Round, Step: r.Step, Party: domain.Role(r.Party), By: domain.Role(r.By.Role), Reason: r.Reason}
	}
	return sh, nil
}

func lineOf(l rm.Line) ts.Line {
	out := ts.Line{HourType: ts.HourType{Code: l.HourType, Name: l.Name, Percentage: l.Percentage, Absence: l.Absence},
		FromTimeRegistration: l.FromTimeRegistration}
	for i, m := range l.Minutes {
		out.Minutes[i] = ts.Minutes(m)
	}
	return out
}

func entryOf(e rm.Entry) ts.EntryView {
	date, _ := ts.ParseDate(e.Date)
	start, _ := ts.ParseClock(e.Start)
	end, _ := ts.ParseClock(e.End)
	return ts.EntryView{
		Entry: ts.Entry{ID: e.ID, Date: date, Start: start, End: end, Break: ts.Minutes(e.BreakMinutes), Continuous: e.Continuous},
		Worked: ts.Worked{EntryID: e.ID, Date: date, Start: e.WorkedFrom, End: e.WorkedUntil,
			Elapsed: ts.Minutes(e.WorkedUntil.Sub(e.WorkedFrom) / time.Minute), Minutes: ts.Minutes(e.WorkedMinutes)},
	}
}

// History implements portal.Timesheets from the stored events.
func (t *Timesheets) History(ctx context.Context, actor domain.Actor, ref portal.Ref) ([]portal.HistoryItem, error) {
	evs, err := t.history.Of(ctx, actor, ref.PlacementID, ref.Week)
	if err != nil {
		return nil, err
	}
	// Names as far as the reader may see them (identity.ActorNames).
	var ids []string
	for _, e := range evs {
		if e.Actor.AccountID != "" {
			ids = append(ids, e.Actor.AccountID)
		}
	}
	names, err := t.names.ActorNames(ctx, actor, ids)
	if err != nil {
		return nil, err
	}
	out := make([]portal.HistoryItem, 0, len(evs))
	for _, e := range evs {
		item := portal.HistoryItem{At: e.OccurredAt, ByRole: domain.Role(e.Actor.Role), Type: e.Type, By: names[e.Actor.AccountID]}
		if ev, err := ts.Events.Decode(e.Type, e.Data); err == nil {
			switch ev := ev.(type) {
			case *ts.LineSet:
				item.Detail = ev.Line.HourType.Name
			case *ts.LineWiped:
				item.Detail = ev.HourType
			case *ts.Rejected:
				item.Detail = ev.Reason
			case *ts.RemarkAdded:
				item.Detail = ev.Remark.Text
			}
		}
		// What changed per hour type and day, before → after.
		var changed []string
		for _, c := range e.Changes {
			if c.Field == "minutes" {
				changed = append(changed, fmt.Sprintf("%s %s: %s → %s", c.HourType, c.Date, c.Before, c.After))
			}
		}
		if len(changed) > 0 {
			item.Detail = strings.TrimSpace(item.Detail + " " + strings.Join(changed, "; "))
		}
		out = append(out, item)
	}
	return out, nil
}

// --- commands ---

func target(ref portal.Ref) cmd.Target {
	return cmd.Target{PlacementID: ref.PlacementID, Week: ref.Week}
}

// SetLine implements portal.Timesheets.
func (t *Timesheets) SetLine(ctx context.Context, m commands.Meta, ref portal.Ref, hourType string, minutes [7]ts.Minutes) (commands.Result, error) {
	return t.commands.SetLine(ctx, m, cmd.SetLine{Target: target(ref), HourType: hourType, Minutes: minutes})
}

// AddLine implements portal.Timesheets: an empty line of the hour type
// (toevoegen). The command decides on the ledger: a line that exists is
// line_exists and keeps its hours.
func (t *Timesheets) AddLine(ctx context.Context, m commands.Meta, ref portal.Ref, hourType string) (commands.Result, error) {
	return t.commands.AddLine(ctx, m, cmd.AddLine{Target: target(ref), HourType: hourType})
}

// WipeLine implements portal.Timesheets.
func (t *Timesheets) WipeLine(ctx context.Context, m commands.Meta, ref portal.Ref, hourType string) (commands.Result, error) {
	return t.commands.WipeLine(ctx, m, cmd.WipeLine{Target: target(ref), HourType: hourType})
}

// AddEntry implements portal.Timesheets.
func (t *Timesheets) AddEntry(ctx context.Context, m commands.Meta, ref portal.Ref, in ts.EntryInput) (commands.Result, error) {
	res, _, err := t.commands.AddEntry(ctx, m, cmd.AddEntry{Target: target(ref), Entry: in})
	return res, err
}

// ChangeEntry implements portal.Timesheets.
func (t *Timesheets) ChangeEntry(ctx context.Context, m commands.Meta, ref portal.Ref, id int, in ts.EntryInput) (commands.Result, error) {
	return t.commands.ChangeEntry(ctx, m, cmd.ChangeEntry{Target: target(ref), EntryID: id, Entry: in})
}

// RemoveEntry implements portal.Timesheets.
func (t *Timesheets) RemoveEntry(ctx context.Context, m commands.Meta, ref portal.Ref, id int) (commands.Result, error) {
	return t.commands.RemoveEntry(ctx, m, cmd.RemoveEntry{Target: target(ref), EntryID: id})
}

// AddExpense implements portal.Timesheets.
func (t *Timesheets) AddExpense(ctx context.Context, m commands.Meta, ref portal.Ref, in ts.ExpenseInput) (commands.Result, error) {
	res, _, err := t.commands.AddExpense(ctx, m, cmd.AddExpense{Target: target(ref), Expense: in})
	return res, err
}

// RemoveExpense implements portal.Timesheets.
func (t *Timesheets) RemoveExpense(ctx context.Context, m commands.Meta, ref portal.Ref, id int) (commands.Result, error) {
	return t.commands.RemoveExpense(ctx, m, cmd.RemoveExpense{Target: target(ref), ExpenseID: id})
}

// AddRemark implements portal.Timesheets.
func (t *Timesheets) AddRemark(ctx context.Context, m commands.Meta, ref portal.Ref, text string) (commands.Result, error) {
	return t.commands.AddRemark(ctx, m, cmd.AddRemark{Target: target(ref), Text: text})
}

// Offer implements portal.Timesheets.
func (t *Timesheets) Offer(ctx context.Context, m commands.Meta, ref portal.Ref) (commands.Result, error) {
	return t.commands.Offer(ctx, m, cmd.Offer{Target: target(ref)})
}

// errHashRequired refuses an approval that names no offer.
var errHashRequired = domain.Invalid("hash_required", "hash", "the content hash of the offered timesheet is required",
	"De controlecode van het aangeboden urenbriefje ontbreekt.")

// Approve implements portal.Timesheets. Step and hash always bind the
// approval to what was shown, on the sheet and in the list (Row.Step,
// Row.Hash) alike: a step approved meanwhile or content offered anew is a
// conflict. The portal never sends an approval without a hash; one
// without is refused rather than letting the command default to whatever
// is offered now.
func (t *Timesheets) Approve(ctx context.Context, m commands.Meta, ref portal.Ref, step int, hash string) (commands.Result, error) {
	if hash == "" {
		return commands.Result{}, errHashRequired
	}
	return t.commands.Approve(ctx, m, cmd.Approve{Target: target(ref), Step: &step, Hash: hash})
}

// Reject implements portal.Timesheets.
func (t *Timesheets) Reject(ctx context.Context, m commands.Meta, ref portal.Ref, reason string) (commands.Result, error) {
	return t.commands.Reject(ctx, m, cmd.Reject{Target: target(ref), Reason: reason})
}
