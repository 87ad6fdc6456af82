// Package payroll runs the payroll commands: the client's payroll settings
// and mapping, workers' personnel numbers, and export batches (create,
// confirm, cancel) with their files. Each command loads its aggregate
// (domain/payroll), decides there and appends with the loaded revision, so
// two concurrent creations for one client cannot both claim a timesheet:
// the second append fails (409). Confirming marks the batch's timesheets
// imported through the timesheet commands' MarkImported. See
// docs/payroll.md.
package payroll

import (
	"context"
	"errors"
	"fmt"
	"time"

	"backoffice/commands"
	tscmd "backoffice/commands/timesheet"
	"backoffice/domain"
	"backoffice/domain/client"
	pay "backoffice/domain/payroll"
	"backoffice/domain/validate"
	"backoffice/domain/worker"
	"backoffice/eventstore"
	rm "backoffice/readmodel/payroll"
)

// Handler runs the payroll commands.
type Handler struct {
	store      eventstore.Store
	backlog    *rm.Queries
	timesheets *tscmd.Handler
	clock      func() time.Time
}

// New returns the handler; every dependency is required. Backlog reads the
// approved, not yet imported timesheets from the payroll feed; timesheets
// records the imports when a batch is confirmed.
func New(store eventstore.Store, backlog *rm.Queries, timesheets *tscmd.Handler, clock func() time.Time) (*Handler, error) {
	if store == nil || backlog == nil || timesheets == nil || clock == nil {
		return nil, errors.New("commands/payroll: store, backlog, timesheets and clock are required")
	}
	return &Handler{store: store, backlog: backlog, timesheets: timesheets, clock: clock}, nil
}

// errNoSuchEndpoint is what roles other than payroll and back office get:
// the payroll features do not exist for them.
var errNoSuchEndpoint = domain.NotFound("no_such_endpoint", "This address does not exist.", "Dit adres bestaat niet.")

// loadClient loads the client and checks that it exists.
func (h *Handler) loadClient(ctx context.Context, clientID string) (*client.Client, error) {
	if err := validate.ID("client_id", clientID); err != nil {
		return nil, err
	}
	c := &client.Client{}
	if _, err := commands.LoadInto(ctx, h.store, client.Stream(clientID), client.Events, c); err != nil {
		return nil, fmt.Errorf("commands/payroll: client %s: %w", clientID, err)
	}
	if !c.Exists() {
		return nil, domain.ErrNotFound
	}
	return c, nil
}

// loadWorker returns the worker's registration.
func (h *Handler) loadWorker(ctx context.Context, workerID string) (*worker.Worker, error) {
	if err := validate.ID("worker_id", workerID); err != nil {
		return nil, err
	}
	w := &worker.Worker{}
	if _, err := commands.LoadInto(ctx, h.store, worker.Stream(workerID), worker.Events, w); err != nil {
		return nil, fmt.Errorf("commands/payroll: worker %s: %w", workerID, err)
	}
	return w, nil
}

func (h *Handler) loadPayrollClient(ctx context.Context, clientID string) (*pay.Client, commands.Stream, error) {
	c := &pay.Client{}
	st, err := commands.LoadInto(ctx, h.store, pay.ClientStream(clientID), pay.Events, c)
	return c, st, err
}

// loadExistingClient is loadPayrollClient for a client that must exist in
// the ledger (domain.ErrNotFound otherwise).
func (h *Handler) loadExistingClient(ctx context.Context, clientID string) (*pay.Client, commands.Stream, error) {
	if _, err := h.loadClient(ctx, clientID); err != nil {
		return nil, commands.Stream{}, err
	}
	return h.loadPayrollClient(ctx, clientID)
}

func (h *Handler) loadPayrollWorker(ctx context.Context, workerID string) (*pay.Worker, commands.Stream, error) {
	w := &pay.Worker{}
	st, err := commands.LoadInto(ctx, h.store, pay.WorkerStream(workerID), pay.Events, w)
	return w, st, err
}
