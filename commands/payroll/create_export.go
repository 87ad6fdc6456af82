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
	// A retry looks for its first attempt's batch; so does a request sent
	// again under its key while a batch is being built (a retry refused
	// 409 by a version before this one had its key released, and runs
	// as new): the batch may be its own, left by a crash.
	if meta.IdempotencyKey != "" && (meta.Retry || exports.Building()) {
		res, c, done, err := h.earlierAttempt(ctx, &meta, exports, &st, clientID, period, started)
		if err != nil || done {
			return res, c, err
		}
	}
	plan, err := exports.PlanBatch(meta.Actor, pay.NewBatch{ClientID: clientID, Period: period, Settings: settings, Mapping: mapping})
	if err != nil {
		return commands.Result{}, Created{}, err
	}
	return h.build(ctx, meta, &st, plan, clientID, period, settings.Administration, started, false)
}

// build runs a batch plan: two passes over one snapshot of the backlog,
// in file order; the first decides the batch (a new one: its created
// event is appended; a resumed one: Resume checks what is left), the
// second records its items a chunk at a time.
func (h *Handler) build(ctx context.Context, meta commands.Meta, st *commands.Stream, plan *pay.BatchPlan, clientID string,
	period pay.Period, administration string, started func(Created), resume bool) (commands.Result, Created, error) {
	weeks := period.Weeks()
	var (
		res     commands.Result
		created *pay.BatchCreated
		n       int // the chunks appended (a resumed batch's recorded ones too)
	)
	err := h.backlog.Snapshot(ctx, meta.Actor, func(snap *rm.Snapshot) error {
		ids, err := snap.BacklogWorkers(ctx, clientID, weeks)
		if err != nil {
			return err
		}
		workers, err := h.workers(ctx, ids, administration)
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
		if resume {
			if created, err = plan.Resume(); err != nil {
				return err
			}
			// Chunks are full but the last: the recorded ones are
			// numbered 1…n (see append's keys).
			n = plan.Chunked() / pay.MaxItemsPerEvent
		} else {
			if created, err = plan.Created(); err != nil {
				return err
			}
			// The created event alone first: it is the claim (a
			// concurrent creation loaded the same revision and loses
			// here, 409), and from here the batch is "building" until
			// its last chunk is appended.
			if res, err = h.append(ctx, st, meta, 0, created); err != nil {
				return err
			}
		}
		if started != nil {
			started(Created{BatchID: created.BatchID, ClientID: clientID, Period: period.String(), Items: created.Items,
				Position: res.Position.String()})
		}
		chunk := make([]pay.Item, 0, pay.MaxItemsPerEvent)
		flush := func() error {
			e, err := plan.Chunk(chunk)
			if err != nil {
				return err
			}
			n++
			if res, err = h.append(ctx, st, meta, n, e); err != nil {
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

// earlierAttempt looks for the batch an earlier attempt of the request
// (the same idempotency key) made, and ends what it left:
//
//   - complete (open or confirmed), for a retry (meta.Retry): its answer
//     is the first attempt's (not 409 batch_open for that very batch);
//   - still building (the attempt died between its chunks): the batch is
//     finished from the backlog and answered as if made in one go; when
//     the backlog changed since (batch_stale) it is cancelled and made
//     again under a key derived from the request's (key#rebuild-<batch>),
//     so a retry of the retry follows the same way to the same batch;
//   - cancelled by someone: not answered; the request then runs again
//     under its key and is refused (its events exist).
//
// done says the answer is given; otherwise meta holds the key the new
// batch is to be made under.
func (h *Handler) earlierAttempt(ctx context.Context, meta *commands.Meta, exports *pay.Exports, st *commands.Stream,
	clientID string, period pay.Period, started func(Created)) (commands.Result, Created, bool, error) {
	key, m, ours := meta.IdempotencyKey, *meta, false
	for {
		e, err := h.keyedBatch(ctx, *st, m)
		if err != nil {
			return commands.Result{}, Created{}, false, err
		}
		if e == nil {
			if ours {
				*meta = m
			}
			return commands.Result{}, Created{}, false, nil
		}
		b, ok := exports.Batch(e.BatchID)
		switch {
		case !ok:
			return commands.Result{}, Created{}, false, nil
		case b.Building():
			plan, err := exports.ResumeBatch(m.Actor, e.BatchID)
			if err != nil {
				return commands.Result{}, Created{}, true, err
			}
			res, c, err := h.build(ctx, m, st, plan, clientID, e.Period, e.Settings.Administration, started, true)
			if de := (*domain.Error)(nil); !errors.As(err, &de) || de.Code != "batch_stale" {
				return res, c, true, err
			}
			cancel, err := exports.Cancel(m.Actor, e.BatchID, "Onderbroken en opnieuw gemaakt: de urenbriefjes waren intussen veranderd.")
			if err != nil {
				return commands.Result{}, Created{}, true, err
			}
			if _, err := h.append(ctx, st, keyed(m, key+"#cancel-"+e.BatchID), 0, cancel[0]); err != nil {
				return commands.Result{}, Created{}, true, err
			}
			ours = true
		case b.Status == pay.StatusCancelled:
			// Cancelled by an attempt of this request (then made again
			// under the derived key) or by someone else (not answered).
			c, err := h.keyedBatch(ctx, *st, keyed(m, key+"#cancel-"+e.BatchID))
			if err != nil {
				return commands.Result{}, Created{}, false, err
			}
			ours = c != nil
			if !ours {
				return commands.Result{}, Created{}, false, nil
			}
		default:
			if !m.Retry {
				return commands.Result{}, Created{}, false, nil
			}
			res, err := h.lastAppend(ctx, *st, m, e)
			if err != nil {
				return commands.Result{}, Created{}, true, err
			}
			return res, Created{BatchID: e.BatchID, ClientID: clientID, Period: period.String(), Items: e.Items,
				Position: res.Position.String()}, true, nil
		}
		m = keyed(m, key+"#rebuild-"+e.BatchID)
	}
}

// keyedBatch is the batch-created event (or, for a cancel key, the
// cancellation as an empty BatchCreated) m's key appended first in st,
// nil when none.
func (h *Handler) keyedBatch(ctx context.Context, st commands.Stream, m commands.Meta) (*pay.BatchCreated, error) {
	_, events, found, err := commands.Replayed(ctx, h.store, st, pay.Events, m)
	if err != nil || !found {
		return nil, err
	}
	switch e := events[0].(type) {
	case *pay.BatchCreated:
		return e, nil
	case *pay.BatchCancelled:
		return &pay.BatchCreated{BatchID: e.BatchID}, nil
	}
	return nil, nil
}

// lastAppend is the result of a complete batch's last append under m's
// key: its last chunk (see append's keys).
func (h *Handler) lastAppend(ctx context.Context, st commands.Stream, m commands.Meta, e *pay.BatchCreated) (commands.Result, error) {
	res, _, _, err := commands.Replayed(ctx, h.store, st, pay.Events, m)
	if err != nil {
		return commands.Result{}, err
	}
	if n := (e.Items + pay.MaxItemsPerEvent - 1) / pay.MaxItemsPerEvent; n > 0 {
		res, _, _, err = commands.Replayed(ctx, h.store, st, pay.Events, keyed(m, fmt.Sprintf("%s#items-%d", m.IdempotencyKey, n)))
	}
	return res, err
}

// keyed is meta under another idempotency key.
func keyed(meta commands.Meta, key string) commands.Meta {
	meta.IdempotencyKey = key
	return meta
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
