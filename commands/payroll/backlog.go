package payroll

import (
	"context"

	"backoffice/domain"
	pay "backoffice/domain/payroll"
)

// BacklogView is what an export of a client and period would take now:
// the approved, not yet imported timesheets in no open or confirmed batch,
// and the workers among them without a personnel number.
type BacklogView struct {
	ClientID   string          `json:"client_id"`
	Period     string          `json:"period"`
	Timesheets []BacklogSheet  `json:"timesheets"`
	Missing    []MissingWorker `json:"missing_personnel_numbers"`
}

// BacklogSheet is one waiting timesheet.
type BacklogSheet struct {
	Placement string `json:"placement"`
	Week      string `json:"week"`
	WorkerID  string `json:"worker_id"`
	Hash      string `json:"hash"`
}

// MissingWorker is a worker without a personnel number in the client's
// administration.
type MissingWorker struct {
	WorkerID string `json:"worker_id"`
	Name     string `json:"name"`
}

// Backlog returns the client's export backlog of a period (payroll and
// back office).
func (h *Handler) Backlog(ctx context.Context, actor domain.Actor, clientID string, period pay.Period) (BacklogView, error) {
	if !pay.CanExport(actor) {
		return BacklogView{}, errNoSuchEndpoint
	}
	pc, _, err := h.loadExistingClient(ctx, clientID)
	if err != nil {
		return BacklogView{}, err
	}
	settings, _ := pc.Settings()
	exports, _, err := h.loadExports(ctx, clientID)
	if err != nil {
		return BacklogView{}, err
	}
	rows, err := h.backlog.Backlog(ctx, actor, clientID, period.Weeks())
	if err != nil {
		return BacklogView{}, err
	}
	items, err := h.items(ctx, rows, settings.Administration)
	if err != nil {
		return BacklogView{}, err
	}
	v := BacklogView{ClientID: clientID, Period: period.String(), Timesheets: []BacklogSheet{}, Missing: []MissingWorker{}}
	named := map[string]bool{}
	for _, it := range items {
		if _, claimed := exports.Claimed(it.Key(), it.Round); claimed {
			continue
		}
		v.Timesheets = append(v.Timesheets, BacklogSheet{Placement: it.Placement, Week: it.Week.String(), WorkerID: it.WorkerID, Hash: it.Hash})
		if it.PersonnelNumber == "" && !named[it.WorkerID] {
			named[it.WorkerID] = true
			v.Missing = append(v.Missing, MissingWorker{WorkerID: it.WorkerID, Name: it.Name})
		}
	}
	return v, nil
}
