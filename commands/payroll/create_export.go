package payroll

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/sync/errgroup"

	"backoffice/commands"
	"backoffice/domain"
	pay "backoffice/domain/payroll"
	ts "backoffice/domain/timesheet"
	"backoffice/eventstore"
	rm "backoffice/readmodel/payroll"
)

// CreateExport creates an export batch for a client and a period, or for
// every client with a backlog in the period when ClientID is empty.
type CreateExport struct {
	ClientID string
	Period   pay.Period
}

// Created is one batch a CreateExport opened.
type Created struct {
	BatchID  string `json:"batch_id"`
	ClientID string `json:"client_id"`
	Period   string `json:"period"`
	Items    int    `json:"items"`
	Position string `json:"position"`
}

// Skipped is a client an export of all clients left out, with the reason.
type Skipped struct {
	ClientID string `json:"client_id"`
	Error    error  `json:"-"`
}

// CreateExport runs the command. For one client an error is the answer
// (nothing_to_export and a lost race are 409); for all clients each client
// is decided on its own: clients whose payroll period is of another kind
// are passed over, the others either get a batch or are skipped with their
// error.
func (h *Handler) CreateExport(ctx context.Context, meta commands.Meta, cmd CreateExport) (commands.Result, []Created, []Skipped, error) {
	if !pay.CanExport(meta.Actor) {
		return commands.Result{}, nil, nil, errNoSuchEndpoint
	}
	if cmd.ClientID != "" {
		res, c, err := h.createOne(ctx, meta, cmd.ClientID, cmd.Period)
		if err != nil {
			return commands.Result{}, nil, nil, err
		}
		return res, []Created{c}, nil, nil
	}
	clients, err := h.backlog.BacklogClients(ctx, meta.Actor, cmd.Period.Weeks())
	if err != nil {
		return commands.Result{}, nil, nil, err
	}
	var (
		last    commands.Result
		created []Created
		skipped []Skipped
	)
	for _, clientID := range clients {
		pc, _, err := h.loadPayrollClient(ctx, clientID)
		if err != nil {
			return last, created, skipped, err
		}
		if s, ok := pc.Settings(); ok && s.Period != cmd.Period.Kind {
			continue
		}
		res, c, err := h.createOne(ctx, meta, clientID, cmd.Period)
		if err != nil {
			if domain.KindOf(err) == domain.KindInternal && !errors.Is(err, eventstore.ErrWrongExpectedRevision) {
				return last, created, skipped, err
			}
			skipped = append(skipped, Skipped{ClientID: clientID, Error: err})
			continue
		}
		created, last = append(created, c), res
	}
	return last, created, skipped, nil
}

func (h *Handler) createOne(ctx context.Context, meta commands.Meta, clientID string, period pay.Period) (commands.Result, Created, error) {
	if err := h.loadClient(ctx, clientID); err != nil {
		return commands.Result{}, Created{}, err
	}
	pc, _, err := h.loadPayrollClient(ctx, clientID)
	if err != nil {
		return commands.Result{}, Created{}, err
	}
	settings, ok := pc.Settings()
	if !ok {
		return commands.Result{}, Created{}, domain.Rule("payroll_settings_missing", "client_id",
			"the client has no payroll settings", "Deze opdrachtgever heeft nog geen salarisinstellingen.")
	}
	weeks := period.Weeks()
	mapping, ok := pc.MappingOn(weeks[0].Start())
	if !ok {
		return commands.Result{}, Created{}, domain.Rule("mapping_missing", "client_id",
			"the client has no payroll mapping in force in this period",
			"Deze opdrachtgever heeft in deze periode geen koppeling met looncomponenten.")
	}
	exports, st, err := h.loadExports(ctx, clientID)
	if err != nil {
		return commands.Result{}, Created{}, err
	}
	rows, err := h.backlog.Backlog(ctx, meta.Actor, clientID, weeks)
	if err != nil {
		return commands.Result{}, Created{}, err
	}
	items, err := h.items(ctx, rows, settings.Administration)
	if err != nil {
		return commands.Result{}, Created{}, err
	}
	evs, err := exports.CreateBatch(meta.Actor, pay.NewBatch{ClientID: clientID, Period: period, Settings: settings, Mapping: mapping}, items)
	if err != nil {
		return commands.Result{}, Created{}, err
	}
	res, err := commands.Save(ctx, h.store, st, meta, h.clock(), evs...)
	if err != nil {
		return commands.Result{}, Created{}, err
	}
	c := evs[0].(*pay.BatchCreated)
	return res, Created{BatchID: c.BatchID, ClientID: clientID, Period: period.String(), Items: c.Items,
		Position: res.Position.String()}, nil
}

// items turns backlog rows into batch items with each worker's personnel
// number in the administration ("" when none: the domain names them) and
// name, read from the ledger once per worker (a few workers at a time).
func (h *Handler) items(ctx context.Context, rows []rm.BacklogRow, administration string) ([]pay.Item, error) {
	type who struct{ persnr, name string }
	var ids []string
	seen := map[string]bool{}
	for _, r := range rows {
		if !seen[r.WorkerID] {
			seen[r.WorkerID] = true
			ids = append(ids, r.WorkerID)
		}
	}
	found := make([]who, len(ids))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workerLoads)
	for i, id := range ids {
		g.Go(func() error {
			w, err := h.loadWorker(gctx, id)
			if err != nil {
				return err
			}
			pw, _, err := h.loadPayrollWorker(gctx, id)
			if err != nil {
				return err
			}
			found[i].persnr, _ = pw.PersonnelNumber(administration)
			found[i].name = w.Name().Full()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	workers := make(map[string]who, len(ids))
	for i, id := range ids {
		workers[id] = found[i]
	}
	out := make([]pay.Item, 0, len(rows))
	for _, r := range rows {
		wk := workers[r.WorkerID]
		it := pay.Item{Placement: r.Placement, Week: r.Week, WorkerID: r.WorkerID, PersonnelNumber: wk.persnr,
			Name: wk.name, Hash: r.Hash, Round: r.Round}
		if err := fill(&it, r.Lines, r.Expenses, r.Allowances); err != nil {
			return nil, err
		}
		if p := r.Previous; p != nil {
			prev := it
			prev.Round = p.Round
			if err := fill(&prev, p.Lines, p.Expenses, p.Allowances); err != nil {
				return nil, err
			}
			it = pay.Delta(prev, it, p.ImportBatch)
		}
		out = append(out, it)
	}
	return out, nil
}

// fill sets an item's content from feed rows' content.
func fill(it *pay.Item, lines []rm.Line, expenses []rm.Expense, a rm.Allowances) error {
	it.Lines, it.Expenses = nil, nil
	it.Allowances = pay.ItemAllowances{PerDayCents: a.PerDayCents, PerHourCents: a.PerHourCents}
	for _, l := range lines {
		it.Lines = append(it.Lines, pay.ItemLine{HourType: l.HourType, Minutes: l.Minutes})
	}
	for _, x := range expenses {
		d, err := ts.ParseDate(x.Date)
		if err != nil {
			return fmt.Errorf("commands/payroll: %s %s: expense date %q: %w", it.Placement, it.Week, x.Date, err)
		}
		it.Expenses = append(it.Expenses, pay.ItemExpense{Type: x.Type, Date: d, AmountCents: x.AmountCents, Kilometres: x.Kilometres})
	}
	return nil
}

// workerLoads bounds the workers read from the ledger at once.
const workerLoads = 8
