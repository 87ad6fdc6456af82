// Package payrollexportapi is the payroll export slice of the JSON API
// (/api/v1): a client's payroll settings and mapping, workers' personnel
// numbers, and export batches with their files. Handlers parse, call one
// command or query of commands/payroll (which checks role and scope) and
// render. Only the payroll integration token and the back office use it
// (settings, mapping and personnel numbers: the back office alone); for
// every other role the endpoints do not exist (404 no_such_endpoint).
//
//	GET  /payroll/clients/{client}                      settings, mapping history, batches
//	PUT  /payroll/clients/{client}/settings             {"administration","debtor_number","relation","period","package"}
//	PUT  /payroll/clients/{client}/mapping              {"valid_from","entries":[{"kind","code","loket","nmbrs","easyflex","afas"}]}
//	GET  /payroll/workers/{worker}                      personnel numbers by administration
//	PUT  /payroll/workers/{worker}/personnel-numbers/{administration}  {"personnel_number"}
//	GET  /payroll/clients/{client}/backlog?period=      what an export would take now, workers without persnr
//	POST /payroll/exports                               {"client_id" (optional: all clients), "period"}
//	GET  /payroll/exports/{batch}                       the batch
//	GET  /payroll/exports/{batch}/files/{format}        loket.csv, nmbrs.xlsx, easyflex.csv, jsonl
//	POST /payroll/exports/{batch}/confirm               imported: final, marks the timesheets imported
//	POST /payroll/exports/{batch}/cancel                {"reason"}: back to the backlog
//	POST /payroll/timesheets/{placement}/{week}/reopen  {"reason"}: an imported timesheet back for a correction
//
// See docs/payroll.md.
package payrollexportapi

import (
	"errors"
	"net/http"

	"github.com/gorilla/mux"

	cmd "backoffice/commands/payroll"
	"backoffice/http/api"
)

// Deps are the feature's collaborators (required).
type Deps struct {
	Commands *cmd.Handler
}

// Feature is the payroll export API. It implements api.Feature.
type Feature struct {
	commands *cmd.Handler
}

var _ api.Feature = (*Feature)(nil)

// New builds the feature, refusing missing dependencies.
func New(d Deps) (*Feature, error) {
	if d.Commands == nil {
		return nil, errors.New("payrollexportapi: Commands is required")
	}
	return &Feature{commands: d.Commands}, nil
}

// Routes registers the feature's routes on the /api/v1 subrouter.
func (f *Feature) Routes(r *mux.Router, s *api.Server) {
	get, put, post := http.MethodGet, http.MethodPut, http.MethodPost
	r.Handle("/payroll/clients/{client}", api.QueryByVar(s, nil, "client", f.commands.Client)).Methods(get)
	r.Handle("/payroll/clients/{client}/backlog", f.handleBacklog(s)).Methods(get)
	r.Handle("/payroll/clients/{client}/settings", f.handleSettings(s)).Methods(put)
	r.Handle("/payroll/clients/{client}/mapping", f.handleMapping(s)).Methods(put)
	r.Handle("/payroll/workers/{worker}", api.QueryByVar(s, nil, "worker", f.commands.Worker)).Methods(get)
	r.Handle("/payroll/workers/{worker}/personnel-numbers/{administration}", f.handlePersonnelNumber(s)).Methods(put)
	r.Handle("/payroll/exports", f.handleCreate(s)).Methods(post)
	r.Handle("/payroll/exports/{batch}", api.QueryByVar(s, nil, "batch", f.commands.Batch)).Methods(get)
	r.Handle("/payroll/exports/{batch}/files/{format}", f.handleFile(s)).Methods(get)
	r.Handle("/payroll/exports/{batch}/confirm", f.handleConfirm(s)).Methods(post)
	r.Handle("/payroll/exports/{batch}/cancel", f.handleCancel(s)).Methods(post)
	r.Handle("/payroll/timesheets/{placement}/{week}/reopen", f.handleReopen(s)).Methods(post)
}
