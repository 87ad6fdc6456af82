package portal

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/domain/timesheet"
	"backoffice/http/httpx"
)

func (s *Server) handleHome() http.Handler {
	return s.page("home", "home.title", "home", func(r *http.Request, v *view) error {
		o, err := s.Timesheets.Overview(r.Context(), actor(r))
		if err != nil {
			return err
		}
		m, err := s.homeMissing(r, v)
		if err != nil {
			return err
		}
		tw, err := s.homeThisWeek(r, v)
		if err != nil {
			return err
		}
		v.Data = homePage{Overview: o, Missing: m, ThisWeek: tw}
		return nil
	})
}

// thisWeek is the worker's way in on the phone: this week's timesheet of
// each placement whose hours he enters, named by client and function so a
// worker with two placements sees which one he opens.
type thisWeek struct {
	Week  timesheet.ISOWeek
	Dates string // "30-11-2026 – 06-12-2026", in English "30 Nov 2026 – 6 Dec 2026"
	Links []thisWeekLink
}

type thisWeekLink struct {
	URL, ClientName, Function string
}

// homeThisWeek: nil for anyone but a worker (a client enters for many
// workers and starts from the list), and for a worker who enters nothing.
func (s *Server) homeThisWeek(r *http.Request, v *view) (*thisWeek, error) {
	a := actor(r)
	if !a.Is(domain.RoleWorker) {
		return nil, nil
	}
	ps, _, err := s.Workers.Placements(r.Context(), a) // a worker has a handful
	if err != nil {
		return nil, err
	}
	week := timesheet.WeekOf(timesheet.DateOf(s.Clock().In(timesheet.Location())))
	ps, err = s.Timesheets.Enterable(r.Context(), a, ps, week)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	first, last := week.Day(0), week.Day(6)
	tw := &thisWeek{Week: week, Dates: v.Date(first) + " – " + v.Date(last)}
	for _, p := range ps {
		if !p.Period.Start.IsZero() && !p.Period.Overlaps(week) {
			continue
		}
		tw.Links = append(tw.Links, thisWeekLink{URL: sheetURL(Ref{PlacementID: p.ID, Week: week}), ClientName: p.ClientName, Function: p.Function})
	}
	if len(tw.Links) == 0 {
		return nil, nil
	}
	return tw, nil
}

// listFilters are the status filters of the list, in the manual's order.
var listFilters = []string{
	string(timesheet.StatusOpen), string(timesheet.StatusOffered), string(timesheet.StatusRejected),
	StatusNotApproved, string(timesheet.StatusApproved), string(timesheet.StatusImported),
}

type listPage struct {
	Filter     string
	Statuses   []string
	Rows       []Row
	Placements []Placement
	// ChooseViaWorkers: more placements than a choice list holds
	// (choiceLimit): "new timesheet" points to Werknemers instead.
	ChooseViaWorkers bool
	CanBulk          bool
	Pager            pager
}

func (s *Server) handleTimesheets() http.Handler {
	return s.page("timesheets", "list.title", "timesheets", s.listData)
}

func (s *Server) listData(r *http.Request, v *view) error {
	filter := r.URL.Query().Get("status")
	if !slices.Contains(listFilters, filter) {
		filter = ""
	}
	a := actor(r)
	rows, next, err := s.Timesheets.List(r.Context(), a, ListFilter{Status: filter, Cursor: r.URL.Query().Get(cursorParam)})
	if err != nil {
		return err
	}
	// Waiting for me first (within the page); otherwise keep the query's order.
	slices.SortStableFunc(rows, func(x, y Row) int {
		switch {
		case x.WaitingForMe == y.WaitingForMe:
			return 0
		case x.WaitingForMe:
			return -1
		}
		return 1
	})
	p := listPage{Filter: filter, Statuses: listFilters, Rows: rows, Pager: v.keyPager(r, next)}
	for _, row := range rows {
		p.CanBulk = p.CanBulk || row.CanApprove
	}
	ps, more, err := s.Workers.Placements(r.Context(), a)
	if err != nil {
		return err
	}
	if more {
		p.ChooseViaWorkers = true
		ps = nil
	}
	// "Nieuw urenbriefje" only for the placements whose hours this user
	// enters: no button the role cannot use (issue 16 §5).
	week := timesheet.WeekOf(timesheet.DateOf(s.Clock().In(timesheet.Location())))
	p.Placements, err = s.Timesheets.Enterable(r.Context(), a, ps, week)
	if err != nil {
		return err
	}
	v.Data = p
	return nil
}

// handleNewTimesheet is the "new timesheet for a worker" button: it opens
// the chosen placement's week overview (a GET form, so it works without
// JavaScript).
func (s *Server) handleNewTimesheet() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("plaatsing")
		if id == "" {
			http.Redirect(w, r, "/urenbriefjes", http.StatusSeeOther)
			return
		}
		y := timesheet.WeekOf(timesheet.DateOf(s.Clock().In(timesheet.Location()))).Year
		http.Redirect(w, r, weeksURL(id, y), http.StatusSeeOther)
	})
}

// bulkItem is one checked row of the bulk approval: placement|week|step|hash.
func parseBulkItem(v string) (Ref, int, string, bool) {
	parts := strings.Split(v, "|")
	if len(parts) != 4 {
		return Ref{}, 0, "", false
	}
	wk, err := timesheet.ParseISOWeek(parts[1])
	if err != nil || parts[0] == "" {
		return Ref{}, 0, "", false
	}
	step, ok := atoi(parts[2])
	if !ok {
		return Ref{}, 0, "", false
	}
	return Ref{PlacementID: parts[0], Week: wk}, step, parts[3], true
}

func (s *Server) handleBulkApprove() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := meta(r)
		var last commands.Result
		var failed []string
		n := 0
		for _, item := range r.PostForm["kies"] {
			ref, step, hash, ok := parseBulkItem(item)
			if !ok {
				continue
			}
			mi := m
			if m.IdempotencyKey != "" {
				mi.IdempotencyKey = m.IdempotencyKey + "|" + ref.PlacementID + "|" + ref.Week.String()
			}
			res, err := s.Timesheets.Approve(r.Context(), mi, ref, step, hash)
			if err != nil {
				if domain.KindOf(err) == domain.KindInternal && httpx.Status(err) != http.StatusConflict {
					s.fail(w, r, err)
					return
				}
				failed = append(failed, ref.Week.String())
				continue
			}
			n++
			if res.Position.After(last.Position) {
				last = res
			}
		}
		if len(failed) > 0 {
			v := s.newView(r, "timesheets", "list.title")
			v.Errors["_form"] = v.T("list.bulk_failed", n, strings.Join(failed, ", "))
			// The list must show what was just approved.
			if !last.Position.IsStart() {
				ctx, cancel := context.WithTimeout(r.Context(), s.WaitTimeout)
				v.Stale = s.Waiter.WaitFor(ctx, last.Position) != nil
				cancel()
			}
			if err := s.listData(r, v); err != nil {
				s.fail(w, r, err)
				return
			}
			s.render(w, r, http.StatusConflict, "timesheets", v)
			return
		}
		redirectAfter(w, r, "/urenbriefjes", last.Position, "approved_many")
	})
}
