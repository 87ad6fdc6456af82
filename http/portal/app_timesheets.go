package portal

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"backoffice/commands"
	cmd "backoffice/commands/timesheet"
	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	rmid "backoffice/readmodel/identity"
	rm "backoffice/readmodel/timesheets"
)

// timesheetApp is the timesheet feature: the read models of
// readmodel/timesheets (with the names from readmodel/identity) and the
// commands of commands/timesheet, as the JSON API uses them.
type timesheetApp struct {
	commands *cmd.Handler
	queries  *rm.Queries
	history  *rm.History
	names    *rmid.Queries
}

// --- queries ---

// Overview: WaitingForMe counts what the read
// model's filter lists (rm.Filter.WaitingForMe): offers whose next step is
// the actor's, and open or rejected weeks the actor still has to enter or
// offer (at most rm.MaxLimit).
func (t *timesheetApp) Overview(ctx context.Context, actor domain.Actor) (Overview, error) {
	o, err := t.queries.Overview(ctx, actor)
	if err != nil {
		return Overview{}, err
	}
	mine, err := t.queries.CountUpTo(ctx, actor, rm.Filter{WaitingForMe: true}, rm.MaxLimit)
	if err != nil {
		return Overview{}, err
	}
	return Overview{Open: int(o.Open), Offered: int(o.Offered), Rejected: int(o.Rejected),
		Approved: int(o.Approved), Imported: int(o.Imported), WaitingForMe: mine}, nil
}

// listPageSize is the rows of one page of the timesheet list.
const listPageSize = 50

// List: one page of listPageSize timesheets, newest first, after
// f.Cursor; next is the next page's cursor ("" on the last page). The
// names come from the page's placements only.
func (t *timesheetApp) List(ctx context.Context, actor domain.Actor, f ListFilter) (rows []Row, next string, err error) {
	filter := rm.Filter{Limit: listPageSize, Cursor: f.Cursor}
	if f.Status != "" {
		filter.Statuses = []string{f.Status}
	}
	page, err := t.queries.List(ctx, actor, filter)
	if err != nil {
		return nil, "", err
	}
	ids := make([]string, 0, len(page.Items))
	for _, s := range page.Items {
		ids = append(ids, s.PlacementID)
	}
	slices.Sort(ids)
	places, err := t.names.Placements(ctx, actor, rmid.PlacementFilter{IDs: slices.Compact(ids)})
	if err != nil {
		return nil, "", err
	}
	byID := make(map[string]rmid.Placement, len(places))
	for _, p := range places {
		byID[p.ID] = p
	}
	rows = make([]Row, 0, len(page.Items))
	for _, s := range page.Items {
		week, err := ts.ParseISOWeek(s.Week)
		if err != nil {
			return nil, "", err
		}
		p := byID[s.PlacementID]
		r := Row{
			Ref:        Ref{PlacementID: s.PlacementID, Week: week},
			WorkerName: p.WorkerName, ClientName: p.ClientName,
			Status: ts.Status(s.Status), Total: ts.Minutes(s.TotalMinutes),
			NextParty: domain.Role(s.NextParty), EnteredBy: domain.Role(s.EnteredBy), EntryDeadline: s.EntryDeadline, ApprovalDeadline: s.ApprovalDeadline,
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
	return rows, page.NextCursor, nil
}

// Weeks:
func (t *timesheetApp) Weeks(ctx context.Context, actor domain.Actor, placementID string, year int) (WeekOverview, error) {
	cal, err := t.queries.Weeks(ctx, actor, placementID, year)
	if err != nil {
		return WeekOverview{}, err
	}
	p, err := t.placement(ctx, actor, placementID)
	if err != nil {
		return WeekOverview{}, err
	}
	out := WeekOverview{Placement: p, Year: cal.Year, Weeks: make([]Week, 0, len(cal.Weeks))}
	for _, w := range cal.Weeks {
		out.Weeks = append(out.Weeks, Week{Week: ts.ISOWeek{Year: cal.Year, Week: w.Number},
			Fillable: w.Fillable, Status: ts.Status(w.Status)})
	}
	return out, nil
}

func (t *timesheetApp) placement(ctx context.Context, actor domain.Actor, id string) (Placement, error) {
	p, err := t.names.Placement(ctx, actor, id)
	if err != nil {
		return Placement{}, err
	}
	return placementOf(p)
}

// placementOf is the placement as the pages show it. A date the read model
// cannot have written is an error, not a zero date.
func placementOf(p rmid.Placement) (Placement, error) {
	out := Placement{ID: p.ID, WorkerID: p.WorkerID, WorkerName: p.WorkerName, ClientName: p.ClientName, ClientID: p.ClientID, Function: p.Function}
	var err error
	if out.Period.Start, err = ts.ParseDate(p.Start); err != nil {
		return Placement{}, fmt.Errorf("portal: placement %s: start: %w", p.ID, err)
	}
	if p.End != nil {
		if out.Period.End, err = ts.ParseDate(*p.End); err != nil {
			return Placement{}, fmt.Errorf("portal: placement %s: end: %w", p.ID, err)
		}
	}
	return out, nil
}

// Sheet:
func (t *timesheetApp) Sheet(ctx context.Context, actor domain.Actor, ref Ref) (Sheet, error) {
	d, err := t.queries.Detail(ctx, actor, ref.PlacementID, ref.Week)
	if err != nil {
		return Sheet{}, err
	}
	idp, err := t.names.Placement(ctx, actor, ref.PlacementID)
	if err != nil {
		return Sheet{}, err
	}
	p, err := placementOf(idp)
	if err != nil {
		return Sheet{}, err
	}
	terms, ok, err := t.weekTerms(ctx, actor, ref)
	if err != nil {
		return Sheet{}, err
	}
	sh := Sheet{
		Ref: ref, Status: ts.Status(d.Status), Hash: d.Hash, NextParty: domain.Role(d.NextParty),
		CanApprove: d.WaitingForMe, EntryDeadline: d.EntryDeadline, ApprovalDeadline: d.ApprovalDeadline,
		TimeRegistration: d.TimeRegistration,
		CanReopen:        ts.Status(d.Status) == ts.StatusImported && actor.Is(domain.RoleBackoffice),
	}
	if ok {
		applyTerms(&sh, &p, terms)
	}
	if d.EnteredBy != "" { // recorded when the timesheet was opened
		p.EnteredBy, p.TimeRegistration = domain.Role(d.EnteredBy), d.TimeRegistration
	}
	sh.Placement, sh.TimeRegistration = p, p.TimeRegistration
	sh.CanEdit = ts.MayEdit(actor, p.EnteredBy, sh.Status, d.Fillable)
	sh.Fillable = d.Fillable
	if d.NextStep != nil {
		sh.Step = *d.NextStep
	}
	sh.CanWithdraw = ts.MayWithdrawOffer(actor, p.EnteredBy, sh.Status, sh.Step)
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
		v, err := entryOf(e)
		if err != nil {
			return Sheet{}, err
		}
		sh.Entries = append(sh.Entries, v)
	}
	for _, x := range d.Expenses {
		date, err := ts.ParseDate(x.Date)
		if err != nil {
			return Sheet{}, fmt.Errorf("portal: expense %d: %w", x.ID, err)
		}
		sh.Expenses = append(sh.Expenses, ts.Expense{ID: x.ID, Type: ts.ExpenseType(x.Type), Date: date,
			AmountCents: x.AmountCents, Kilometres: x.Kilometres, Description: x.Description})
	}
	// Who wrote, approved or rejected: by name as far as the reader may
	// see it (identity.ActorNames), else by role.
	var ids []string
	for _, s := range d.Steps {
		if s.By != nil && s.By.AccountID != "" {
			ids = append(ids, s.By.AccountID)
		}
	}
	for _, r := range d.Remarks {
		ids = append(ids, r.By.AccountID)
	}
	if d.Rejection != nil {
		ids = append(ids, d.Rejection.By.AccountID)
	}
	names, err := t.names.ActorNames(ctx, actor, ids)
	if err != nil {
		return Sheet{}, err
	}
	for _, r := range d.Remarks {
		sh.Remarks = append(sh.Remarks, RemarkView{Text: r.Text, ByRole: domain.Role(r.By.Role), ByName: names[r.By.AccountID]})
	}
	for _, s := range d.Steps {
		st := ApprovalStep{Index: s.Index, Party: domain.Role(s.Party), Approved: s.Approved}
		if s.By != nil {
			st.ByRole, st.ByName = domain.Role(s.By.Role), names[s.By.AccountID]
		}
		if s.At != nil {
			st.At = *s.At
		}
		sh.Approval = append(sh.Approval, st)
	}
	if r := d.Rejection; r != nil {
		sh.Rejection = &ts.Rejection{Round: r.Round, Step: r.Step, Party: domain.Role(r.Party), By: domain.Role(r.By.Role), Reason: r.Reason}
		sh.RejectedByName = names[r.By.AccountID]
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

func entryOf(e rm.Entry) (ts.EntryView, error) {
	date, err := ts.ParseDate(e.Date)
	if err != nil {
		return ts.EntryView{}, fmt.Errorf("portal: entry %d: %w", e.ID, err)
	}
	start, err := ts.ParseClock(e.Start)
	if err != nil {
		return ts.EntryView{}, fmt.Errorf("portal: entry %d: %w", e.ID, err)
	}
	end, err := ts.ParseClock(e.End)
	if err != nil {
		return ts.EntryView{}, fmt.Errorf("portal: entry %d: %w", e.ID, err)
	}
	return ts.EntryView{
		Entry: ts.Entry{ID: e.ID, Date: date, Start: start, End: end, Break: ts.Minutes(e.BreakMinutes), Continuous: e.Continuous},
		Worked: ts.Worked{EntryID: e.ID, Date: date, Start: e.WorkedFrom, End: e.WorkedUntil,
			Elapsed: ts.Minutes(e.WorkedUntil.Sub(e.WorkedFrom) / time.Minute), Minutes: ts.Minutes(e.WorkedMinutes)},
	}, nil
}

// History from the stored events.
func (t *timesheetApp) History(ctx context.Context, actor domain.Actor, ref Ref) ([]HistoryItem, error) {
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
	out := make([]HistoryItem, 0, len(evs))
	for _, e := range evs {
		item := HistoryItem{At: e.OccurredAt, ByRole: domain.Role(e.Actor.Role), Type: e.Type, By: names[e.Actor.AccountID]}
		if ev, err := ts.Events.Decode(e.Type, e.Data); err == nil {
			switch ev := ev.(type) {
			case *ts.LineSet:
				item.Detail = ev.Line.HourType.Name
			case *ts.LineWiped:
				item.Detail = ev.HourType
			case *ts.Rejected:
				item.Detail = ev.Reason
			case *ts.Reopened:
				item.Detail = ev.Reason
			case *ts.RemarkAdded:
				item.Detail = ev.Remark.Text
			case *ts.TimeEntryChanged:
				if ev.FollowedNextWeek {
					// Recorded by a change of the next week's first shift,
					// by whoever made that change: say so.
					item.Type = "timesheet.time_entry_followed"
				}
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

func target(ref Ref) cmd.Target {
	return cmd.Target{PlacementID: ref.PlacementID, Week: ref.Week}
}

// AddLine: an empty line of the hour type
// (toevoegen). The command decides on the ledger: a line that exists is
// line_exists and keeps its hours.
func (t *timesheetApp) AddLine(ctx context.Context, m commands.Meta, ref Ref, hourType string) (commands.Result, error) {
	return t.commands.AddLine(ctx, m, cmd.AddLine{Target: target(ref), HourType: hourType})
}

// WipeLine:
func (t *timesheetApp) WipeLine(ctx context.Context, m commands.Meta, ref Ref, hourType string) (commands.Result, error) {
	return t.commands.WipeLine(ctx, m, cmd.WipeLine{Target: target(ref), HourType: hourType})
}

// AddEntry:
func (t *timesheetApp) AddEntry(ctx context.Context, m commands.Meta, ref Ref, in ts.EntryInput) (commands.Result, error) {
	res, _, err := t.commands.AddEntry(ctx, m, cmd.AddEntry{Target: target(ref), Entry: in})
	return res, err
}

// ChangeEntry:
func (t *timesheetApp) ChangeEntry(ctx context.Context, m commands.Meta, ref Ref, id int, in ts.EntryInput) (commands.Result, error) {
	return t.commands.ChangeEntry(ctx, m, cmd.ChangeEntry{Target: target(ref), EntryID: id, Entry: in})
}

// RemoveEntry:
func (t *timesheetApp) RemoveEntry(ctx context.Context, m commands.Meta, ref Ref, id int) (commands.Result, error) {
	return t.commands.RemoveEntry(ctx, m, cmd.RemoveEntry{Target: target(ref), EntryID: id})
}

// AddExpense:
func (t *timesheetApp) AddExpense(ctx context.Context, m commands.Meta, ref Ref, in ts.ExpenseInput) (commands.Result, error) {
	res, _, err := t.commands.AddExpense(ctx, m, cmd.AddExpense{Target: target(ref), Expense: in})
	return res, err
}

// RemoveExpense:
func (t *timesheetApp) RemoveExpense(ctx context.Context, m commands.Meta, ref Ref, id int) (commands.Result, error) {
	return t.commands.RemoveExpense(ctx, m, cmd.RemoveExpense{Target: target(ref), ExpenseID: id})
}

// AddRemark:
func (t *timesheetApp) AddRemark(ctx context.Context, m commands.Meta, ref Ref, text string) (commands.Result, error) {
	return t.commands.AddRemark(ctx, m, cmd.AddRemark{Target: target(ref), Text: text})
}

// Offer:
func (t *timesheetApp) Offer(ctx context.Context, m commands.Meta, ref Ref) (commands.Result, error) {
	return t.commands.Offer(ctx, m, cmd.Offer{Target: target(ref)})
}

// errHashRequired refuses an approval that names no offer.
var errHashRequired = domain.Invalid("hash_required", "hash", "the content hash of the offered timesheet is required",
	"De controlecode van het aangeboden urenbriefje ontbreekt.")

// Approve: Step and hash always bind the
// approval to what was shown, on the sheet and in the list (Row.Step,
// Row.Hash) alike: a step approved meanwhile or content offered anew is a
// conflict. The portal never sends an approval without a hash; one
// without is refused rather than letting the command default to whatever
// is offered now.
func (t *timesheetApp) Approve(ctx context.Context, m commands.Meta, ref Ref, step int, hash string) (commands.Result, error) {
	if hash == "" {
		return commands.Result{}, errHashRequired
	}
	return t.commands.Approve(ctx, m, cmd.Approve{Target: target(ref), Step: &step, Hash: hash})
}

// Reject:
// Reopen: an imported timesheet back to the one who enters the hours, for
// a correction (back office).
func (t *timesheetApp) Reopen(ctx context.Context, m commands.Meta, ref Ref, reason string) (commands.Result, error) {
	return t.commands.Reopen(ctx, m, cmd.Reopen{Target: target(ref), Reason: reason})
}

func (t *timesheetApp) Reject(ctx context.Context, m commands.Meta, ref Ref, reason string) (commands.Result, error) {
	return t.commands.Reject(ctx, m, cmd.Reject{Target: target(ref), Reason: reason})
}

// weekTerms are what applies to a timesheet's week (hour types, entry mode,
// who enters the hours), from commands/timesheet's Terms: the same rule,
// read from the same ledger, that the commands decide by, so the editor
// offers exactly the hour types a command will accept. ok is false when
// nothing can be entered that week (no agreement with the client, or a
// week outside the placement period): the sheet is then shown without hour
// types. A placement outside the actor's scope stays domain.ErrNotFound.
func (t *timesheetApp) weekTerms(ctx context.Context, actor domain.Actor, ref Ref) (ts.Terms, bool, error) {
	terms, err := t.commands.Terms(ctx, actor, target(ref))
	switch {
	case err == nil:
		return terms, true, nil
	case domain.KindOf(err) == domain.KindRule:
		return ts.Terms{}, false, nil
	}
	return ts.Terms{}, false, err
}

// Enterable keeps the placements whose hours actor enters in week (the
// client's agreement says who: worker or client; the back office may
// always), so the list offers "new timesheet" only where it can be used.
// The agreement is the client's, so it is looked up once per client.
func (t *timesheetApp) Enterable(ctx context.Context, actor domain.Actor, ps []Placement, week ts.ISOWeek) ([]Placement, error) {
	if actor.Is(domain.RoleBackoffice) {
		return ps, nil
	}
	if !actor.Is(domain.RoleClient, domain.RoleWorker) {
		return nil, nil
	}
	byClient := map[string]bool{}
	out := ps[:0:0]
	for _, p := range ps {
		enters, seen := byClient[p.ClientID]
		if !seen {
			terms, ok, err := t.weekTerms(ctx, actor, Ref{PlacementID: p.ID, Week: week})
			if err != nil {
				return nil, err
			}
			enters = ok && terms.EnteredBy == actor.Role
			if ok { // a placement outside this week says nothing about its client
				byClient[p.ClientID] = enters
			}
		}
		if enters {
			out = append(out, p)
		}
	}
	return out, nil
}

// applyTerms fills the sheet's hour types and entry mode, and the
// placement's entering role, from the week's terms.
func applyTerms(sh *Sheet, p *Placement, terms ts.Terms) {
	p.EnteredBy, p.TimeRegistration = terms.EnteredBy, terms.TimeRegistration
	sh.NormalHourType = terms.NormalHourType
	sh.HourTypes = slices.Clone(terms.HourTypes)
}
