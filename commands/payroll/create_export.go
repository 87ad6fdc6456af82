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
	// Started, when set, is called once a batch is decided and its created
	// event appended, before its items are (the portal shows a large
	// batch's progress from there).
	Started func(Created)
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
		res, c, err := h.createOne(ctx, meta, cmd.ClientID, cmd.Period, cmd.Started)
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
		res, c, err := h.createOne(ctx, meta, clientID, cmd.Period, cmd.Started)
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

func (h *Handler) createOne(ctx context.Context, meta commands.Meta, clientID string, period pay.Period, started func(Created)) (commands.Result, Created, error) {
	pc, _, err := h.loadExistingClient(ctx, clientID)
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
	if meta.Retry {
		if res, c, found, err := h.createdBefore(ctx, meta, exports, st, clientID, period); err != nil || found {
			return res, c, err
		}
	}
	plan, err := exports.PlanBatch(meta.Actor, pay.NewBatch{ClientID: clientID, Period: period, Settings: settings, Mapping: mapping})
	if err != nil {
		return commands.Result{}, Created{}, err
	}
	var (
		res     commands.Result
		created *pay.BatchCreated
	)
	// Two passes over one snapshot of the backlog, in file order: the first
	// decides the batch, the second records its items a chunk at a time.
	err = h.backlog.Snapshot(ctx, meta.Actor, func(snap *rm.Snapshot) error {
		ids, err := snap.BacklogWorkers(ctx, clientID, weeks)
		if err != nil {
			return err
		}
		workers, err := h.workers(ctx, ids, settings.Administration)
		if err != nil {
			return err
		}
		persnr := make(map[string]string, len(workers))
		for id, w := range workers {
			persnr[id] = w.persnr
		}
		each := func(fn func(pay.Item) error) error {
			return snap.EachBacklog(ctx, clientID, weeks, persnr, func(r rm.BacklogRow) error {
				it, err := itemOf(r, workers[r.WorkerID])
				if err != nil {
					return err
				}
				return fn(it)
			})
		}
		if err := each(plan.Consider); err != nil {
			return err
		}
		if created, err = plan.Created(); err != nil {
			return err
		}
		// The created event alone first: it is the claim (a concurrent
		// creation loaded the same revision and loses here, 409), and from
		// here the batch is "building" until its last chunk is appended.
		if res, err = h.append(ctx, &st, meta, 0, created); err != nil {
			return err
		}
		if started != nil {
			started(Created{BatchID: created.BatchID, ClientID: clientID, Period: period.String(), Items: created.Items,
				Position: res.Position.String()})
		}
		chunk := make([]pay.Item, 0, pay.MaxItemsPerEvent)
		n := 0
		flush := func() error {
			e, err := plan.Chunk(chunk)
			if err != nil {
				return err
			}
			n++
			if res, err = h.append(ctx, &st, meta, n, e); err != nil {
				return err
			}
			chunk = chunk[:0] // appended: the event's items are no longer needed
			return nil
		}
		err = each(func(it pay.Item) error {
			if !plan.Takes(it) {
				return nil
			}
			if chunk = append(chunk, it); len(chunk) == pay.MaxItemsPerEvent {
				return flush()
			}
			return nil
		})
		if err == nil && len(chunk) > 0 {
			err = flush()
		}
		if err != nil {
			return err
		}
		return plan.Done()
	})
	if err != nil {
		return commands.Result{}, Created{}, err
	}
	return res, Created{BatchID: created.BatchID, ClientID: clientID, Period: period.String(), Items: created.Items,
		Position: res.Position.String()}, nil
}

// createdBefore finds, for a retry, the batch its first attempt made (and
// lost the answer of): found with that attempt's answer, instead of 409
// batch_open for that very batch. A batch still being built (the attempt
// died between its chunks) or cancelled since is not answered: refused as
// before.
func (h *Handler) createdBefore(ctx context.Context, meta commands.Meta, exports *pay.Exports, st commands.Stream,
	clientID string, period pay.Period) (commands.Result, Created, bool, error) {
	res, events, found, err := commands.Replayed(ctx, h.store, st, pay.Events, meta)
	if err != nil || !found {
		return commands.Result{}, Created{}, false, err
	}
	e, ok := events[0].(*pay.BatchCreated)
	if !ok {
		return commands.Result{}, Created{}, false, nil
	}
	b, ok := exports.Batch(e.BatchID)
	if !ok || b.Building() || b.Status == pay.StatusCancelled {
		return commands.Result{}, Created{}, false, nil
	}
	if n := (e.Items + pay.MaxItemsPerEvent - 1) / pay.MaxItemsPerEvent; n > 0 {
		// The answer's position is the last chunk's (see append's keys).
		last := meta
		last.IdempotencyKey = fmt.Sprintf("%s#items-%d", meta.IdempotencyKey, n)
		if res, _, found, err = commands.Replayed(ctx, h.store, st, pay.Events, last); err != nil || !found {
			return commands.Result{}, Created{}, false, err
		}
	}
	return res, Created{BatchID: e.BatchID, ClientID: clientID, Period: period.String(), Items: e.Items,
		Position: res.Position.String()}, true, nil
}

// append appends one event of a batch being made, with the revision of the
// previous append as the condition. The n-th append of one command gets
// its own idempotency key, so the event IDs of the chunks never collide.
func (h *Handler) append(ctx context.Context, st *commands.Stream, meta commands.Meta, n int, e domain.Event) (commands.Result, error) {
	m := meta
	if n > 0 && m.IdempotencyKey != "" {
		m.IdempotencyKey = fmt.Sprintf("%s#items-%d", m.IdempotencyKey, n)
	}
	want := uint64(0)
	if st.Exists {
		want = st.Revision + 1
	}
	res, err := commands.Save(ctx, h.store, *st, m, h.clock(), e)
	if err != nil {
		return res, err
	}
	if res.Revision != want {
		// The key's events were appended before (a form sent again after
		// its batch was cancelled): Save answered that earlier append.
		return res, fmt.Errorf("commands/payroll: %s: the request was sent before: %w", st.Name, eventstore.ErrWrongExpectedRevision)
	}
	st.Revision, st.Exists = res.Revision, true
	return res, nil
}

// who is a worker's personnel number in the client's administration ("" when
// none) and name, from the ledger.
type who struct{ persnr, name string }

// workers reads the workers' personnel numbers and names from the ledger,
// a few workers at a time.
func (h *Handler) workers(ctx context.Context, ids []string, administration string) (map[string]who, error) {
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
	out := make(map[string]who, len(ids))
	for i, id := range ids {
		out[id] = found[i]
	}
	return out, nil
}

// itemOf turns a backlog row into a batch item (a correction's quantities
// are its difference against the content imported before).
func itemOf(r rm.BacklogRow, wk who) (pay.Item, error) {
	it := pay.Item{Placement: r.Placement, Week: r.Week, WorkerID: r.WorkerID, PersonnelNumber: wk.persnr,
		Name: wk.name, Hash: r.Hash, Round: r.Round}
	if err := fill(&it, r.Lines, r.Expenses, r.Allowances); err != nil {
		return pay.Item{}, err
	}
	if p := r.Previous; p != nil {
		prev := it
		prev.Round = p.Round
		if err := fill(&prev, p.Lines, p.Expenses, p.Allowances); err != nil {
			return pay.Item{}, err
		}
		it = pay.Delta(prev, it, p.ImportBatch)
	}
	return it, nil
}

// items turns backlog rows into batch items with each worker's personnel
// number in the administration ("" when none: the domain names them) and
// name (the backlog view; an export streams instead).
func (h *Handler) items(ctx context.Context, rows []rm.BacklogRow, administration string) ([]pay.Item, error) {
	var ids []string
	seen := map[string]bool{}
	for _, r := range rows {
		if !seen[r.WorkerID] {
			seen[r.WorkerID] = true
			ids = append(ids, r.WorkerID)
		}
	}
	workers, err := h.workers(ctx, ids, administration)
	if err != nil {
		return nil, err
	}
	out := make([]pay.Item, 0, len(rows))
	for _, r := range rows {
		it, err := itemOf(r, workers[r.WorkerID])
		if err != nil {
			return nil, err
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
