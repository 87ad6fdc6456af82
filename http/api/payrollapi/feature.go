// Package payrollapi is the payroll slice of the JSON API (/api/v1): the
// projection feed of approved timesheets the payroll package imports from,
// and the bulk import report. Only the payroll integration token and the
// back office use it; for every other role the endpoints do not exist
// (404 no_such_endpoint, as for an unknown path).
//
//	GET  /payroll/approved?after=<cursor>&limit=<n>&include_imported=<bool>&min_position=<pos>
//	POST /payroll/imported  {"batch": "...", "items": [{"placement", "week", "hash"}]}
//
// A single import is still reported with POST
// /timesheets/{placement}/{week}/imported (timesheetapi). See
// docs/payroll.md.
package payrollapi

import (
	"errors"
	"net/http"
	"time"

	"github.com/gorilla/mux"
	"github.com/jackc/pgx/v5/pgxpool"

	cmd "backoffice/commands/timesheet"
	"backoffice/domain"
	"backoffice/eventstore"
	"backoffice/http/api"
	rm "backoffice/readmodel/payroll"
)

// Deps are the feature's collaborators; Store and Pool are required.
type Deps struct {
	Store eventstore.Store
	Pool  *pgxpool.Pool
	// Clock is the commands' clock (time.Now when nil).
	Clock func() time.Time
}

// Feature is the payroll API. It implements api.Feature.
type Feature struct {
	commands *cmd.Handler
	queries  *rm.Queries
	ledger   *rm.Ledger
}

var _ api.Feature = (*Feature)(nil)

// New builds the feature, refusing missing dependencies.
func New(d Deps) (*Feature, error) {
	if d.Store == nil || d.Pool == nil {
		return nil, errors.New("payrollapi: Store and Pool are required")
	}
	if d.Clock == nil {
		d.Clock = time.Now
	}
	c, err := cmd.New(d.Store, d.Clock)
	if err != nil {
		return nil, err
	}
	q, err := rm.NewQueries(d.Pool)
	if err != nil {
		return nil, err
	}
	l, err := rm.NewLedger(d.Store)
	if err != nil {
		return nil, err
	}
	return &Feature{commands: c, queries: q, ledger: l}, nil
}

// Routes registers the feature's routes on the /api/v1 subrouter.
func (f *Feature) Routes(r *mux.Router, s *api.Server) {
	r.Handle("/payroll/approved", f.handleApproved(s)).Methods(http.MethodGet)
	r.Handle("/payroll/imported", f.handleImported(s)).Methods(http.MethodPost)
}

// errNoSuchEndpoint is what every role but payroll and back office gets:
// the same answer as for a path that does not exist.
var errNoSuchEndpoint = domain.NotFound("no_such_endpoint", "no such endpoint", "Dit adres bestaat niet.")
