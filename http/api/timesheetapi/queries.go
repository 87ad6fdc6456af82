package timesheetapi

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	cmd "backoffice/commands/timesheet"
	"backoffice/domain"
	ts "backoffice/domain/timesheet"
	"backoffice/http/api"
	rm "backoffice/readmodel/timesheets"
)

func hourType(r *http.Request) string { return mux.Vars(r)["hourType"] }

func (f *Feature) handleOverview(s *api.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Query(w, r, rm.OverviewProjectors, func(ctx context.Context, actor domain.Actor) (any, error) {
			return f.queries.Overview(ctx, actor)
		})
	})
}

func (f *Feature) handleWeeks(s *api.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Query(w, r, rm.WeeksProjectors, func(ctx context.Context, actor domain.Actor) (any, error) {
			year := ts.WeekOf(ts.DateOf(f.clock().In(ts.Location()))).Year
			if v := r.URL.Query().Get("year"); v != "" {
				y, err := strconv.Atoi(v)
				if err != nil || len(v) != 4 {
					return nil, domain.Invalid("year_invalid", "year", "year must be four digits (YYYY)", "Het jaar moet vier cijfers hebben (JJJJ).")
				}
				year = y
			}
			return f.queries.Weeks(ctx, actor, mux.Vars(r)["id"], year)
		})
	})
}

func (f *Feature) handleList(s *api.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Query(w, r, rm.ListProjectors, func(ctx context.Context, actor domain.Actor) (any, error) {
			q := r.URL.Query()
			var flt rm.Filter
			for _, v := range q["status"] {
				for _, st := range strings.Split(v, ",") {
					if st = strings.TrimSpace(st); st != "" {
						flt.Statuses = append(flt.Statuses, st)
					}
				}
			}
			if v := q.Get("week"); v != "" {
				wk, err := ts.ParseISOWeek(v)
				if err != nil {
					return nil, err
				}
				flt.Week = &wk
			}
			flt.PlacementID, flt.WorkerID, flt.Cursor = q.Get("placement"), q.Get("worker"), q.Get("cursor")
			if v := q.Get("waiting_for_me"); v != "" {
				b, err := strconv.ParseBool(v)
				if err != nil {
					return nil, domain.Invalid("waiting_for_me_invalid", "waiting_for_me", "waiting_for_me must be true or false", "waiting_for_me moet true of false zijn.")
				}
				flt.WaitingForMe = b
			}
			if v := q.Get("limit"); v != "" {
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 {
					return nil, domain.Invalid("limit_invalid", "limit", "limit must be a positive number", "limit moet een positief getal zijn.")
				}
				flt.Limit = n
			}
			return f.queries.List(ctx, actor, flt)
		})
	})
}

func (f *Feature) handleDetail(s *api.Server) http.Handler {
	return queryAsOf(s, rm.DetailProjectors, f.detail)
}

// queryAsOf is a query of the timesheet of the path, as of the optional
// as_of moment of the query string.
func queryAsOf(s *api.Server, projectors []string, get func(ctx context.Context, actor domain.Actor, t cmd.Target, asOf rm.AsOf) (any, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Query(w, r, projectors, func(ctx context.Context, actor domain.Actor) (any, error) {
			t, err := target(r)
			if err != nil {
				return nil, err
			}
			asOf, err := rm.ParseAsOf(r.URL.Query().Get("as_of"))
			if err != nil {
				return nil, err
			}
			return get(ctx, actor, t, asOf)
		})
	})
}

// historyResponse wraps the events so the answer can grow fields.
type historyResponse struct {
	PlacementID string            `json:"placement_id"`
	Week        string            `json:"week"`
	Events      []rm.HistoryEvent `json:"events"`
}

// handleHistory: history reads the event store itself; the wait for the
// list projectors only keeps min_position meaningful for callers that
// always send it.
func (f *Feature) handleHistory(s *api.Server) http.Handler {
	return queryAsOf(s, rm.ListProjectors, func(ctx context.Context, actor domain.Actor, t cmd.Target, asOf rm.AsOf) (any, error) {
		evs, err := f.history.OfAsOf(ctx, actor, t.PlacementID, t.Week, asOf)
		if err != nil {
			return nil, err
		}
		if err := f.nameActors(ctx, actor, evs); err != nil {
			return nil, err
		}
		return historyResponse{PlacementID: t.PlacementID, Week: t.Week.String(), Events: evs}, nil
	})
}

// nameActors puts the actors' names into the history, where the reader may
// see them.
func (f *Feature) nameActors(ctx context.Context, reader domain.Actor, evs []rm.HistoryEvent) error {
	if f.names == nil || len(evs) == 0 {
		return nil
	}
	seen := map[string]bool{}
	var ids []string
	for _, e := range evs {
		if id := e.Actor.AccountID; id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	names, err := f.names.ActorNames(ctx, reader, ids)
	if err != nil {
		return err
	}
	for i := range evs {
		evs[i].Actor.Name = names[evs[i].Actor.AccountID]
	}
	return nil
}
