package portal

import (
	"context"
	"io"
	"time"

	"backoffice/commands"
	cmd "backoffice/commands/payroll"
	"backoffice/domain"
	pay "backoffice/domain/payroll"
	"backoffice/domain/payroll/payrollfile"
	rmid "backoffice/readmodel/identity"
	rm "backoffice/readmodel/payroll"
)

// payrollApp is the screen "Salarisverwerking" (payroll exports, back
// office) and a corrected timesheet's rounds: commands/payroll, the same
// commands and queries as the API slice payrollexportapi. Every one of
// them refuses anyone but the back office and payroll (no_such_endpoint,
// 404); readmodel/identity gives the names.
type payrollApp struct {
	commands *cmd.Handler
	names    *rmid.Queries
}

// PayrollOverview is the screen's data.
type PayrollOverview struct {
	Clients     []ClientOption // for the export form
	Backlog     []PayrollBacklog
	Batches     []PayrollBatch
	MoreBatches int // older batches not shown
	Corrections []PayrollCorrection
}

// maxBatchesShown caps the overview's batch history (newest first).
const maxBatchesShown = 100

// PayrollBacklog is one client's backlog in one payroll period.
type PayrollBacklog struct {
	ClientID, ClientName string
	Period               string
	PeriodKind           string
	Year, Number         int
	Format               string // the file format of the client's package
	HasSettings          bool
	Timesheets           int
	Corrections          int
	OpenBatch            string
	ToExport             int
}

// PayrollBatch is a batch with the names of who made, confirmed or
// cancelled it.
type PayrollBatch struct {
	ID, ClientID, ClientName string
	Period                   string
	Status                   string
	Items                    int
	Added                    int  // items recorded so far
	Building                 bool // open and not all items recorded yet
	Package                  string
	Includes                 []string
	Created                  PayrollStamp
	Confirmed, Cancelled     *PayrollStamp
	CancelReason             string
}

// PayrollStamp is who did something and when.
type PayrollStamp struct {
	At   time.Time
	By   string // the name, or the role when the name is unknown
	Role domain.Role
}

// PayrollCorrection is a correction waiting.
type PayrollCorrection struct {
	Ref        Ref
	ClientName string
	State      string // rm.CorrectionReopened or rm.CorrectionApproved
	Of         string
}

// Overview reads the screen.
func (p *payrollApp) Overview(ctx context.Context, actor domain.Actor) (PayrollOverview, error) {
	if !pay.CanExport(actor) { // before anything is read
		return PayrollOverview{}, errNoPayroll
	}
	cs, err := p.names.Clients(ctx, actor)
	if err != nil {
		return PayrollOverview{}, err
	}
	clientNames := map[string]string{}
	ids := make([]string, 0, len(cs))
	out := PayrollOverview{}
	for _, c := range cs {
		clientNames[c.ID] = c.Name
		ids = append(ids, c.ID)
		out.Clients = append(out.Clients, ClientOption{ID: c.ID, Name: c.Name})
	}
	o, err := p.commands.Overview(ctx, actor, ids)
	if err != nil {
		return PayrollOverview{}, err
	}
	name := func(id string) string {
		if n := clientNames[id]; n != "" {
			return n
		}
		return id
	}
	for _, b := range o.Backlog {
		out.Backlog = append(out.Backlog, PayrollBacklog{ClientID: b.ClientID, ClientName: name(b.ClientID), Period: b.Period.String(),
			PeriodKind: string(b.Period.Kind), Year: b.Period.Year, Number: b.Period.Number, Format: string(formatOf(b.Package)),
			HasSettings: b.HasSettings, Timesheets: b.Timesheets, Corrections: b.Corrections,
			OpenBatch: b.OpenBatch, ToExport: b.ToExport()})
	}
	if len(o.Batches) > maxBatchesShown {
		out.MoreBatches = len(o.Batches) - maxBatchesShown
		o.Batches = o.Batches[:maxBatchesShown]
	}
	stamps, err := p.stamps(ctx, actor, o.Batches)
	if err != nil {
		return PayrollOverview{}, err
	}
	for _, b := range o.Batches {
		out.Batches = append(out.Batches, batchOf(b, name(b.ClientID), stamps))
	}
	for _, c := range o.Corrections {
		out.Corrections = append(out.Corrections, PayrollCorrection{Ref: Ref{PlacementID: c.Placement, Week: c.Week},
			ClientName: name(c.ClientID), State: c.State, Of: c.Of})
	}
	return out, nil
}

// Batch reads one batch.
func (p *payrollApp) Batch(ctx context.Context, actor domain.Actor, id string) (PayrollBatch, error) {
	b, err := p.commands.Batch(ctx, actor, id)
	if err != nil {
		return PayrollBatch{}, err
	}
	stamps, err := p.stamps(ctx, actor, []cmd.BatchView{b})
	if err != nil {
		return PayrollBatch{}, err
	}
	clientName := b.ClientID
	if c, err := p.names.Client(ctx, actor, b.ClientID); err == nil {
		clientName = c.Name
	}
	return batchOf(b, clientName, stamps), nil
}

// stamps names the actors of the batches' events.
func (p *payrollApp) stamps(ctx context.Context, actor domain.Actor, bs []cmd.BatchView) (map[string]string, error) {
	var ids []string
	for _, b := range bs {
		for _, s := range []*cmd.Stamp{&b.Created, b.Confirmed, b.Cancelled} {
			if s != nil && s.ActorID != "" {
				ids = append(ids, s.ActorID)
			}
		}
	}
	return p.names.ActorNames(ctx, actor, ids)
}

func batchOf(b cmd.BatchView, clientName string, names map[string]string) PayrollBatch {
	stamp := func(s *cmd.Stamp) *PayrollStamp {
		if s == nil {
			return nil
		}
		return &PayrollStamp{At: s.At, By: names[s.ActorID], Role: domain.Role(s.ActorRole)}
	}
	return PayrollBatch{ID: b.BatchID, ClientID: b.ClientID, ClientName: clientName, Period: b.Period, Status: string(b.Status),
		Items: b.Items, Added: b.Added, Building: b.Building, Package: string(b.Package), Includes: b.Includes, Created: *stamp(&b.Created),
		Confirmed: stamp(b.Confirmed), Cancelled: stamp(b.Cancelled), CancelReason: b.CancelReason}
}

// PayrollCreated is the outcome of an export: the batches made and the
// clients left out with the reason.
type PayrollCreated struct {
	Batches []PayrollBatch
	Skipped []PayrollSkipped
}

// PayrollSkipped is a client an export of all clients left out.
type PayrollSkipped struct {
	ClientName string
	Err        error
}

// Create makes a batch for the client ("" for every client) and period.
// started (optional) hears of each batch once it is decided, before its
// items are recorded.
func (p *payrollApp) Create(ctx context.Context, m commands.Meta, clientID string, period pay.Period, started func(cmd.Created)) (commands.Result, []cmd.Created, []cmd.Skipped, error) {
	return p.commands.CreateExport(ctx, m, cmd.CreateExport{ClientID: clientID, Period: period, Started: started})
}

// Confirm marks the batch imported (final).
func (p *payrollApp) Confirm(ctx context.Context, m commands.Meta, batchID string) (commands.Result, int, []cmd.MarkFailure, error) {
	return p.commands.ConfirmExport(ctx, m, cmd.ConfirmExport{BatchID: batchID})
}

// Cancel withdraws an open batch.
func (p *payrollApp) Cancel(ctx context.Context, m commands.Meta, batchID, reason string) (commands.Result, error) {
	return p.commands.CancelExport(ctx, m, cmd.CancelExport{BatchID: batchID, Reason: reason})
}

// WriteFile streams a batch's file (see commands/payroll WriteFile).
func (p *payrollApp) WriteFile(ctx context.Context, actor domain.Actor, batchID string, f payrollfile.Format, w io.Writer, check func() error) error {
	return p.commands.WriteFile(ctx, actor, batchID, f, w, check)
}

// Rounds returns a timesheet's approved rounds (back office and payroll).
func (p *payrollApp) Rounds(ctx context.Context, actor domain.Actor, ref Ref) ([]rm.Round, error) {
	return p.commands.Rounds(ctx, actor, ref.PlacementID, ref.Week)
}

// formatOf is the file a payroll package imports (JSON lines for AFAS and
// when unknown).
func formatOf(t pay.Target) payrollfile.Format {
	switch t {
	case pay.TargetLoket:
		return payrollfile.Loket
	case pay.TargetNmbrs:
		return payrollfile.Nmbrs
	case pay.TargetEasyflex:
		return payrollfile.Easyflex
	}
	return payrollfile.JSONL
}

// stampView is a stamp as shown: when, and who (name and role).
type stampView struct{ When, Who string }

// Stamp shows who did something and when.
func (v *view) Stamp(s any) stampView {
	var st *PayrollStamp
	switch x := s.(type) {
	case PayrollStamp:
		st = &x
	case *PayrollStamp:
		st = x
	}
	if st == nil {
		return stampView{}
	}
	who := v.Role(st.Role)
	if st.By != "" {
		who = st.By + " (" + who + ")"
	}
	return stampView{When: v.DateTime(st.At), Who: who}
}
