package payroll

import (
	"cmp"
	"context"
	"slices"

	"backoffice/domain"
	"backoffice/domain/account"
	pay "backoffice/domain/payroll"
)

// ClientView is a client's payroll settings, mapping history and batches,
// read from the ledger.
type ClientView struct {
	ClientID string           `json:"client_id"`
	Settings *pay.Settings    `json:"settings"`
	Mappings []pay.MappingSet `json:"mappings"`
	Batches  []BatchView      `json:"batches"`
}

// Client returns a client's payroll view (payroll and back office).
func (h *Handler) Client(ctx context.Context, actor domain.Actor, clientID string) (ClientView, error) {
	if !pay.CanExport(actor) {
		return ClientView{}, errNoSuchEndpoint
	}
	c, _, err := h.loadExistingClient(ctx, clientID)
	if err != nil {
		return ClientView{}, err
	}
	v := ClientView{ClientID: clientID, Mappings: c.Mappings(), Batches: []BatchView{}}
	if s, ok := c.Settings(); ok {
		v.Settings = &s
	}
	if v.Mappings == nil {
		v.Mappings = []pay.MappingSet{}
	}
	refs, err := h.scanBatches(ctx, clientID)
	if err != nil {
		return ClientView{}, err
	}
	for _, r := range refs {
		v.Batches = append(v.Batches, r.view())
	}
	slices.SortFunc(v.Batches, func(a, b BatchView) int { return cmp.Compare(refs[a.BatchID].revision, refs[b.BatchID].revision) })
	return v, nil
}

// WorkerView is a worker's personnel numbers by administration.
type WorkerView struct {
	WorkerID         string            `json:"worker_id"`
	PersonnelNumbers map[string]string `json:"personnel_numbers"`
}

// Worker returns a worker's personnel numbers (back office).
func (h *Handler) Worker(ctx context.Context, actor domain.Actor, workerID string) (WorkerView, error) {
	if !account.IsStaff(actor) {
		return WorkerView{}, errNoSuchEndpoint
	}
	wk, err := h.loadWorker(ctx, workerID)
	if err != nil {
		return WorkerView{}, err
	}
	if !wk.Exists() {
		return WorkerView{}, domain.ErrNotFound
	}
	w, _, err := h.loadPayrollWorker(ctx, workerID)
	if err != nil {
		return WorkerView{}, err
	}
	v := WorkerView{WorkerID: workerID, PersonnelNumbers: w.PersonnelNumbers()}
	if v.PersonnelNumbers == nil {
		v.PersonnelNumbers = map[string]string{}
	}
	return v, nil
}
