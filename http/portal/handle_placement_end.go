package portal

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/domain/validate"
)

// Ending a placement (POST /api/v1/placements/{id}/end as a form): the back
// office and the intermediary end a worker's placement on its last working
// day from "Werknemers". The domain decides (placement.End: not before the
// start, not later than a planned end, no hours booked after it); the page
// only asks for the date and an optional reason.

func init() { pageNames = append(pageNames, "placement_end") }

// canEndPlacement: the back office and the intermediary end placements in
// the portal (the domain also lets the client; the manual gives the client
// no such screen).
func canEndPlacement(a domain.Actor) bool {
	return a.Is(domain.RoleBackoffice, domain.RoleIntermediary)
}

func placementEndURL(id string) string { return "/plaatsingen/" + id + "/beeindigen" }

var placementEndFields = []string{"end", "reason"}

// Placement: one placement in the actor's scope (not-found otherwise).
func (w *workerApp) Placement(ctx context.Context, actor domain.Actor, id string) (Placement, error) {
	p, err := w.queries.Placement(ctx, actor, id)
	if err != nil {
		return Placement{}, err
	}
	return placementOf(p)
}

// EndPlacement ends the placement on end (commands/identity.Tenants).
func (w *workerApp) EndPlacement(ctx context.Context, m commands.Meta, id string, end time.Time, reason string) (commands.Result, error) {
	return w.tenants.EndPlacement(ctx, m, id, end, reason)
}

// loadPlacementEnd loads the placement for the form; anyone who may not end
// placements gets the same not-found as for a placement out of scope.
func (s *Server) loadPlacementEnd(r *http.Request, v *view) error {
	a := actor(r)
	if !canEndPlacement(a) {
		return domain.ErrNotFound
	}
	p, err := s.Workers.Placement(r.Context(), a, mux.Vars(r)["placement"])
	if err != nil {
		return err
	}
	v.Data = p
	return nil
}

func (s *Server) handlePlacementEndPage() http.Handler {
	return s.page("workers", "placement_end.title", "placement_end", s.loadPlacementEnd)
}

func (s *Server) handlePlacementEnd() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, ok := s.loaded(w, r, "workers", "placement_end.title", s.loadPlacementEnd)
		if !ok {
			return
		}
		p := v.Data.(Placement)
		f := formValues(r, v, placementEndFields...)
		var end time.Time
		if f("end") == "" {
			v.Errors["end"] = v.T("placement_end.end_required")
		} else if d, err := validate.ParseDate("end", f("end")); err != nil {
			v.Errors["end"] = v.T("register.date_invalid")
		} else {
			end = d
		}
		if len(v.Errors) > 0 {
			s.render(w, r, http.StatusUnprocessableEntity, "placement_end", v)
			return
		}
		res, err := s.Workers.EndPlacement(r.Context(), meta(r), p.ID, end, strings.TrimSpace(r.PostForm.Get("reason")))
		if err != nil {
			s.showFormError(w, r, v, "placement_end", err, fieldsOf(placementEndFields...))
			return
		}
		redirectAfter(w, r, "/werknemers", res.Position, "placement_ended")
	})
}
