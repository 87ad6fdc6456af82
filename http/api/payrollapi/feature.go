// Package payrollapi is the payroll slice of the JSON API (/api/v1): the
// projection feed of approved timesheets the payroll package imports from,
// and the bulk import report. Only the payroll integration token and the
// back office use it; for every other role the endpoints do not exist
// (404 no_such_endpoint, as for an unknown path).
//
//	GET  /payroll/approved?after=<cursor>&limit=<n>&include_imported=<bool>&min_position=<pos>&as_of=<pos|time>
//	POST /payroll/imported  {"batch": "...", "items": [{"placement", "week", "hash"}]}
//
// A single import is still reported with POST
// /timesheets/{placement}/{week}/imported (timesheetapi). See
// docs/payroll.md.
package payrollapi

import (
	"errors"
	"net/http"

	"github.com/gorilla/mux"

	cmd "backoffice/commands/timesheet"
	"backoffice/http/api"
	rm "backoffice/readmodel/payroll"
)

// Deps are the feature's collaborators, built once by the composition root
// (internal/app); all are required. Commands is the timesheet handler the
// timesheet API and the portal use too.
type Deps struct {
	Commands *cmd.Handler
	Queries  *rm.Queries
	Ledger   *rm.Ledger
	// Replay is the event store the feed's "?as_of=" replays.
	Replay rm.Replayer
}

// Feature is the payroll API. It implements api.Feature.
type Feature struct {
	commands *cmd.Handler
	queries  *rm.Queries
	ledger   *rm.Ledger
	replay   rm.Replayer
}

var _ api.Feature = (*Feature)(nil)

// New builds the feature, refusing missing dependencies.
func New(d Deps) (*Feature, error) {
	if d.Commands == nil || d.Queries == nil || d.Ledger == nil || d.Replay == nil {
		return nil, errors.New("payrollapi: Commands, Queries, Ledger and Replay are required")
	}
	return &Feature{commands: d.Commands, queries: d.Queries, ledger: d.Ledger, replay: d.Replay}, nil
}

// Routes registers the feature's routes on the /api/v1 subrouter.
func (f *Feature) Routes(r *mux.Router, s *api.Server) {
	r.Handle("/payroll/approved", f.handleApproved(s)).Methods(http.MethodGet)
	r.Handle("/payroll/imported", f.handleImported(s)).Methods(http.MethodPost)
}

// errNoSuchEndpoint is what every role but payroll and back office gets:
// the same answer as for a path that does not exist.
var errNoSuchEndpoint = api.ErrNoSuchEndpoint
