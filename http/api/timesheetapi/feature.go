// Package timesheetapi is the timesheet slice of the JSON API (/api/v1):
// the status overview, week colours, the timesheet list, detail and
// history, and every timesheet command. Handlers parse, call one command
// (commands/timesheet) or one query (readmodel/timesheets) and render; the
// command and query layers check role and scope.
//
// Every command answers with the global position of its last event (body
// "position" and header X-Position); every query accepts min_position and
// waits for the read models it reads to pass it (504 when they do not in
// time). See docs/timesheets.md.
package timesheetapi

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	cmd "backoffice/commands/timesheet"
	"backoffice/domain"
	"backoffice/http/api"
	rm "backoffice/readmodel/timesheets"
)

// Deps are the feature's collaborators, built once by the composition root
// (internal/app) and shared with the portal; all but Clock are required.
type Deps struct {
	Commands *cmd.Handler
	Queries  *rm.Queries
	History  *rm.History
	// Clock picks the default year of the week overview (time.Now when
	// nil); give it the clock of the commands and queries.
	Clock func() time.Time
	// Names, when set, puts the actors' names in the history, as far as
	// the reader may see them (identity.Queries.ActorNames).
	Names ActorNames
}

// ActorNames resolves the names of accounts for a reader.
type ActorNames interface {
	ActorNames(ctx context.Context, viewer domain.Actor, accountIDs []string) (map[string]string, error)
}

// Feature is the timesheet API. It implements api.Feature.
type Feature struct {
	commands *cmd.Handler
	queries  *rm.Queries
	history  *rm.History
	names    ActorNames
	clock    func() time.Time
}

var _ api.Feature = (*Feature)(nil)

// New builds the feature, refusing missing dependencies.
func New(d Deps) (*Feature, error) {
	if d.Commands == nil || d.Queries == nil || d.History == nil {
		return nil, errors.New("timesheetapi: Commands, Queries and History are required")
	}
	if d.Clock == nil {
		d.Clock = time.Now
	}
	return &Feature{commands: d.Commands, queries: d.Queries, history: d.History, clock: d.Clock, names: d.Names}, nil
}

// Routes registers every route of the feature on the /api/v1 subrouter.
// Only the exact path /placements/{id}/weeks is ours under /placements.
func (f *Feature) Routes(r *mux.Router, s *api.Server) {
	const one = "/timesheets/{placement}/{week}"
	get, put, post, del := http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete

	r.Handle("/overview", f.handleOverview(s)).Methods(get)
	r.Handle("/placements/{id}/weeks", f.handleWeeks(s)).Methods(get)
	r.Handle("/timesheets", f.handleList(s)).Methods(get)
	r.Handle("/timesheets/approve", f.handleBulkApprove(s)).Methods(post)

	r.Handle(one, f.handleDetail(s)).Methods(get)
	r.Handle(one+"/history", f.handleHistory(s)).Methods(get)
	r.Handle(one+"/lines", f.handleAddLine(s)).Methods(post)
	r.Handle(one+"/lines", f.handleSetLines(s)).Methods(put)
	r.Handle(one+"/lines/{hourType}", f.handleSetLine(s)).Methods(put)
	r.Handle(one+"/lines/{hourType}", f.handleWipeLine(s)).Methods(del)
	r.Handle(one+"/entries", f.handleAddEntry(s)).Methods(post)
	r.Handle(one+"/entries/{id}", f.handleChangeEntry(s)).Methods(put)
	r.Handle(one+"/entries/{id}", f.handleRemoveEntry(s)).Methods(del)
	r.Handle(one+"/expenses", f.handleAddExpense(s)).Methods(post)
	r.Handle(one+"/expenses/{id}", f.handleRemoveExpense(s)).Methods(del)
	r.Handle(one+"/remarks", f.handleAddRemark(s)).Methods(post)
	r.Handle(one+"/offer", f.handleOffer(s)).Methods(post)
	r.Handle(one+"/offer/withdraw", f.handleWithdrawOffer(s)).Methods(post)
	r.Handle(one+"/approve", f.handleApprove(s)).Methods(post)
	r.Handle(one+"/reject", f.handleReject(s)).Methods(post)
	r.Handle(one+"/imported", f.handleMarkImported(s)).Methods(post)
}
