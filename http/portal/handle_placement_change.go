package portal

import (
	"context"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"backoffice/commands"
	"backoffice/commands/identity"
	"backoffice/domain"
	"backoffice/domain/validate"
)

// A further placement of a worker (POST /api/v1/workers/{id}/placements as
// a form) and the correction of a placement (POST
// /api/v1/placements/{id}/correction), both from a row of "Werknemers":
// the placement names the worker (no personal data in the URL) and gives
// the form its defaults. The domain decides who may and what is allowed
// (placement.Start, placement.Correct; no overlap at one client, no later
// start past booked hours); the pages only ask.

func init() { pageNames = append(pageNames, "placement_new", "placement_correct") }

// canChangePlacements: the back office and the client place a worker again
// and correct a placement (the domain lets a client only for its own
// workers); the intermediary ends placements but does not make them.
func canChangePlacements(a domain.Actor) bool {
	return a.Is(domain.RoleBackoffice, domain.RoleClient)
}

// StartPlacement places the worker again (commands/identity.Tenants).
func (w *workerApp) StartPlacement(ctx context.Context, m commands.Meta, cmd identity.StartPlacement) (commands.Result, error) {
	res, _, err := w.tenants.StartPlacement(ctx, m, cmd)
	return res, err
}

// CorrectPlacement corrects the placement's function or start date.
func (w *workerApp) CorrectPlacement(ctx context.Context, m commands.Meta, cmd identity.CorrectPlacement) (commands.Result, error) {
	return w.tenants.CorrectPlacement(ctx, m, cmd)
}

// placementChangePage is the placement a form starts from, and for the
// back office the clients to choose the new placement's client from.
type placementChangePage struct {
	Placement
	Client *clientChoice
}

var (
	placementNewFields     = []string{registerClientField, "function", "start", "end"}
	placementCorrectFields = []string{"function", "start", "reason"}
)

// loadPlacementChange loads the placement for either form; anyone who may
// not change placements gets the same not-found as for one out of scope.
func (s *Server) loadPlacementChange(r *http.Request, v *view) error {
	a := actor(r)
	if !canChangePlacements(a) {
		return domain.ErrNotFound
	}
	p, err := s.Workers.Placement(r.Context(), a, mux.Vars(r)["placement"])
	if err != nil {
		return err
	}
	v.Data = placementChangePage{Placement: p}
	return nil
}

// withClients adds the back office's client choice to the page.
func (s *Server) withClients(r *http.Request, v *view) error {
	page := v.Data.(placementChangePage)
	clients, err := s.Workers.Clients(r.Context(), actor(r))
	if err != nil || clients == nil {
		return err
	}
	page.Client = &clientChoice{Input: v.Input(registerClientField, "workers.client", "select", "", true), Options: clients}
	v.Data = page
	return nil
}

func (s *Server) handlePlacementNewPage() http.Handler {
	return s.page("workers", "placement_new.title", "placement_new", func(r *http.Request, v *view) error {
		if err := s.loadPlacementChange(r, v); err != nil {
			return err
		}
		p := v.Data.(placementChangePage)
		v.Form.Set(registerClientField, p.ClientID)
		v.Form.Set("function", p.Function)
		return s.withClients(r, v)
	})
}

func (s *Server) handlePlacementNew() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, ok := s.loaded(w, r, "workers", "placement_new.title", s.loadPlacementChange)
		if !ok {
			return
		}
		p := v.Data.(placementChangePage)
		f := formValues(r, v, placementNewFields...)
		cmd := identity.StartPlacement{WorkerID: p.WorkerID, Function: f("function")}
		if account := actor(r); account.Is(domain.RoleBackoffice) {
			cmd.ClientID = f(registerClientField)
			if cmd.ClientID == "" {
				v.Errors[registerClientField] = v.T("register.client_required")
			}
		}
		if f("start") == "" {
			v.Errors["start"] = v.T("register.required")
		} else if d, err := validate.ParseDate("start", f("start")); err != nil {
			v.Errors["start"] = v.T("register.date_invalid")
		} else {
			cmd.Start = d
		}
		if f("end") != "" {
			if d, err := validate.ParseDate("end", f("end")); err != nil {
				v.Errors["end"] = v.T("register.date_invalid")
			} else {
				cmd.End = &d
			}
		}
		if len(v.Errors) > 0 {
			if err := s.withClients(r, v); err != nil {
				s.fail(w, r, err)
				return
			}
			s.render(w, r, http.StatusUnprocessableEntity, "placement_new", v)
			return
		}
		res, err := s.Workers.StartPlacement(r.Context(), meta(r), cmd)
		if err != nil {
			if e := s.withClients(r, v); e != nil {
				s.fail(w, r, e)
				return
			}
			s.showFormError(w, r, v, "placement_new", err, fieldsOf(placementNewFields...))
			return
		}
		redirectAfter(w, r, "/werknemers", res.Position, "placement_started")
	})
}

func (s *Server) handlePlacementCorrectPage() http.Handler {
	return s.page("workers", "placement_correct.title", "placement_correct", func(r *http.Request, v *view) error {
		if err := s.loadPlacementChange(r, v); err != nil {
			return err
		}
		p := v.Data.(placementChangePage)
		v.Form.Set("function", p.Function)
		v.Form.Set("start", p.Period.Start.String())
		return nil
	})
}

func (s *Server) handlePlacementCorrect() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, ok := s.loaded(w, r, "workers", "placement_correct.title", s.loadPlacementChange)
		if !ok {
			return
		}
		p := v.Data.(placementChangePage)
		f := formValues(r, v, placementCorrectFields...)
		cmd := identity.CorrectPlacement{PlacementID: p.ID, Function: f("function"), Reason: strings.TrimSpace(r.PostForm.Get("reason"))}
		for _, k := range []string{"function", "start"} {
			if f(k) == "" {
				v.Errors[k] = v.T("register.required")
			}
		}
		if f("start") != "" {
			if d, err := validate.ParseDate("start", f("start")); err != nil {
				v.Errors["start"] = v.T("register.date_invalid")
			} else {
				cmd.Start = d
			}
		}
		if len(v.Errors) > 0 {
			s.render(w, r, http.StatusUnprocessableEntity, "placement_correct", v)
			return
		}
		res, err := s.Workers.CorrectPlacement(r.Context(), meta(r), cmd)
		if err != nil {
			s.showFormError(w, r, v, "placement_correct", err, fieldsOf(placementCorrectFields...))
			return
		}
		redirectAfter(w, r, "/werknemers", res.Position, "placement_corrected")
	})
}
