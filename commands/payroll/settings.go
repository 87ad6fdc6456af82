package payroll

import (
	"context"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/client"
	pay "backoffice/domain/payroll"
)

// SetSettings sets a client's payroll settings (back office).
type SetSettings struct {
	ClientID string
	Settings pay.Settings
}

// SetSettings runs the SetSettings command.
func (h *Handler) SetSettings(ctx context.Context, meta commands.Meta, cmd SetSettings) (commands.Result, error) {
	return h.decideForClient(ctx, meta, cmd.ClientID, func(c *pay.Client, _ *client.Client) ([]domain.Event, error) {
		return c.SetSettings(meta.Actor, cmd.ClientID, cmd.Settings)
	})
}

// SetMapping sets a client's complete mapping valid from a date (back office).
type SetMapping struct {
	ClientID  string
	ValidFrom string // YYYY-MM-DD
	Entries   []pay.Mapping
}

// SetMapping runs the SetMapping command.
func (h *Handler) SetMapping(ctx context.Context, meta commands.Meta, cmd SetMapping) (commands.Result, error) {
	return h.decideForClient(ctx, meta, cmd.ClientID, func(c *pay.Client, cl *client.Client) ([]domain.Event, error) {
		return c.SetMapping(meta.Actor, cmd.ClientID, cmd.ValidFrom, cmd.Entries, cl.HourTypeCodes())
	})
}

// decideForClient runs a back-office decision on the payroll settings of an
// existing client and appends its events.
func (h *Handler) decideForClient(ctx context.Context, meta commands.Meta, clientID string, decide func(*pay.Client, *client.Client) ([]domain.Event, error)) (commands.Result, error) {
	if !account.IsStaff(meta.Actor) {
		return commands.Result{}, errNoSuchEndpoint
	}
	cl, err := h.loadClient(ctx, clientID)
	if err != nil {
		return commands.Result{}, err
	}
	c, st, err := h.loadPayrollClient(ctx, clientID)
	if err != nil {
		return commands.Result{}, err
	}
	evs, err := decide(c, cl)
	if err != nil {
		return commands.Result{}, err
	}
	return commands.Save(ctx, h.store, st, meta, h.clock(), evs...)
}

// SetPersonnelNumber sets a worker's personnel number in an employer
// administration (back office).
type SetPersonnelNumber struct {
	WorkerID        string
	Administration  string
	PersonnelNumber string
}

// SetPersonnelNumber runs the SetPersonnelNumber command.
func (h *Handler) SetPersonnelNumber(ctx context.Context, meta commands.Meta, cmd SetPersonnelNumber) (commands.Result, error) {
	if !account.IsStaff(meta.Actor) {
		return commands.Result{}, errNoSuchEndpoint
	}
	wk, err := h.loadWorker(ctx, cmd.WorkerID)
	if err != nil {
		return commands.Result{}, err
	}
	if !wk.Exists() {
		return commands.Result{}, domain.ErrNotFound
	}
	w, st, err := h.loadPayrollWorker(ctx, cmd.WorkerID)
	if err != nil {
		return commands.Result{}, err
	}
	evs, err := w.SetPersonnelNumber(meta.Actor, cmd.WorkerID, cmd.Administration, cmd.PersonnelNumber)
	if err != nil {
		return commands.Result{}, err
	}
	return commands.Save(ctx, h.store, st, meta, h.clock(), evs...)
}
