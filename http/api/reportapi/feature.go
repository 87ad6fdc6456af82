// Package reportapi is the report slice of the JSON API (/api/v1): the
// hours report (urenrapport) of the tab Overige, as JSON or as a CSV
// download for a spreadsheet.
//
//	GET /reports/hours?from=2026-W01&to=2026-W10[&format=csv][&min_position=<pos>]
//
// Every role may ask; the query (readmodel/timesheets) answers only within
// the actor's scope. See docs/timesheets.md, "Hours report".
package reportapi

import (
	"cmp"
	"errors"
	"net/http"
	"time"

	"github.com/gorilla/mux"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/http/api"
	rm "backoffice/readmodel/timesheets"
)

// Deps are the feature's collaborators; Pool is required.
type Deps struct {
	Pool *pgxpool.Pool
	// Clock is the queries' clock (time.Now when nil).
	Clock func() time.Time
	// MaxRows caps the timesheets of one report (400 report_too_large
	// beyond it); 0 is rm.MaxReportRows.
	MaxRows int
}

// Feature is the report API. It implements api.Feature.
type Feature struct {
	queries *rm.Queries
	maxRows int
}

var _ api.Feature = (*Feature)(nil)

// New builds the feature, refusing missing dependencies.
func New(d Deps) (*Feature, error) {
	if d.Pool == nil {
		return nil, errors.New("reportapi: Pool is required")
	}
	q, err := rm.NewQueries(d.Pool, d.Clock)
	if err != nil {
		return nil, err
	}
	if d.MaxRows < 0 {
		return nil, errors.New("reportapi: MaxRows must not be negative")
	}
	return &Feature{queries: q, maxRows: cmp.Or(d.MaxRows, rm.MaxReportRows)}, nil
}

// Routes registers the feature's routes on the /api/v1 subrouter.
func (f *Feature) Routes(r *mux.Router, s *api.Server) {
	r.Handle("/reports/hours", f.handleHours(s)).Methods(http.MethodGet)
}
