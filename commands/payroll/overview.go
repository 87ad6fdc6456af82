package payroll

import (
	"cmp"
	"context"
	"slices"

	"backoffice/domain"
	pay "backoffice/domain/payroll"
	ts "backoffice/domain/timesheet"
	rm "backoffice/readmodel/payroll"
)

// Overview is what the portal's screen "Salarisverwerking" shows: the
// backlog per client and payroll period, the batches, and the corrections
// waiting (payroll and back office).
type Overview struct {
	Backlog     []BacklogPeriod
	Batches     []BatchView // newest first
	Corrections []rm.WaitingCorrection
}

// BacklogPeriod counts a client's approved, not yet imported timesheets of
// one payroll period (of the client's period kind; a week when the client
// has no payroll settings yet).
type BacklogPeriod struct {
	ClientID    string
	Period      pay.Period
	HasSettings bool
	Package     pay.Target // the client's payroll package ("" without settings)
	Timesheets  int        // approved, not imported
	Corrections int        // of which correction rounds
	// OpenBatch is the period's open batch ("" when none) and InOpenBatch
	// its number of timesheets: they are waiting for its confirmation, the
	// rest for a new batch.
	OpenBatch   string
	InOpenBatch int
}

// ToExport is what a new batch of the period would take (at most).
func (b BacklogPeriod) ToExport() int { return max(b.Timesheets-b.InOpenBatch, 0) }

// Overview returns the overview. Batches are read from the ledger for the
// clients named (the back office's client list) and those with a backlog.
func (h *Handler) Overview(ctx context.Context, actor domain.Actor, clientIDs []string) (Overview, error) {
	if !pay.CanExport(actor) {
		return Overview{}, errNoSuchEndpoint
	}
	weeks, err := h.backlog.BacklogWeeks(ctx, actor)
	if err != nil {
		return Overview{}, err
	}
	corrections, err := h.backlog.Corrections(ctx, actor)
	if err != nil {
		return Overview{}, err
	}
	ids := slices.Clone(clientIDs)
	for _, w := range weeks {
		ids = append(ids, w.ClientID)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var (
		o      = Overview{Corrections: corrections}
		kinds  = map[string]pay.PeriodKind{}
		hasSet = map[string]bool{}
		pkgs   = map[string]pay.Target{}
		open   = map[string]BatchView{} // by client and period
	)
	for _, id := range ids {
		pc, _, err := h.loadPayrollClient(ctx, id)
		if err != nil {
			return Overview{}, err
		}
		if s, ok := pc.Settings(); ok {
			kinds[id], hasSet[id], pkgs[id] = s.Period, true, s.Package
		}
		refs, err := h.scanBatches(ctx, id)
		if err != nil {
			return Overview{}, err
		}
		for _, r := range refs {
			v := r.view()
			o.Batches = append(o.Batches, v)
			if v.Status == pay.StatusOpen {
				open[id+"|"+v.Period] = v
			}
		}
	}
	slices.SortFunc(o.Batches, func(a, b BatchView) int {
		return cmp.Or(b.Created.At.Compare(a.Created.At), cmp.Compare(a.BatchID, b.BatchID))
	})
	index := map[string]int{}
	for _, w := range weeks {
		p := pay.PeriodOf(kinds[w.ClientID], w.Week)
		k := w.ClientID + "|" + p.String()
		i, ok := index[k]
		if !ok {
			i = len(o.Backlog)
			index[k] = i
			o.Backlog = append(o.Backlog, BacklogPeriod{ClientID: w.ClientID, Period: p, HasSettings: hasSet[w.ClientID],
				Package: pkgs[w.ClientID]})
			if b, ok := open[k]; ok {
				o.Backlog[i].OpenBatch, o.Backlog[i].InOpenBatch = b.BatchID, b.Items
			}
		}
		o.Backlog[i].Timesheets += w.Timesheets
		o.Backlog[i].Corrections += w.Corrections
	}
	return o, nil
}

// Rounds returns a timesheet's approved rounds, first first (payroll and
// back office): a corrected timesheet has more than one.
func (h *Handler) Rounds(ctx context.Context, actor domain.Actor, placementID string, week ts.ISOWeek) ([]rm.Round, error) {
	if !pay.CanExport(actor) {
		return nil, errNoSuchEndpoint
	}
	return h.backlog.Rounds(ctx, actor, placementID, week)
}
