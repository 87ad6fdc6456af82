package portal

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"backoffice/commands"
	"backoffice/commands/identity"
	"backoffice/domain"
	"backoffice/domain/validate"
	rmid "backoffice/readmodel/identity"
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

// placementEndPage is the placement and, for the back office, the
// worker's logins (to block the login of a worker who left).
type placementEndPage struct {
	Placement
	Logins     []rmid.Account
	ShowLogins bool
}

// WorkerLogins: the logins of the placement's worker (back office only).
func (w *workerApp) WorkerLogins(ctx context.Context, actor domain.Actor, workerID string) ([]rmid.Account, error) {
	return w.queries.WorkerAccounts(ctx, actor, workerID)
}

// SetWorkerLogin blocks (or unblocks) one of the placement's worker's
// logins; an account that is not that worker's is not found.
func (w *workerApp) SetWorkerLogin(ctx context.Context, m commands.Meta, p Placement, accountID string, enable bool) (commands.Result, error) {
	logins, err := w.queries.WorkerAccounts(ctx, m.Actor, p.WorkerID)
	if err != nil {
		return commands.Result{}, err
	}
	return setLoginAmong(ctx, w.accounts, m, logins, accountID, enable)
}

// setLoginAmong blocks (or unblocks) accountID if it is one of logins;
// any other account is not found.
func setLoginAmong(ctx context.Context, accounts *identity.Accounts, m commands.Meta, logins []rmid.Account, accountID string, enable bool) (commands.Result, error) {
	if !slices.ContainsFunc(logins, func(a rmid.Account) bool { return a.ID == accountID }) {
		return commands.Result{}, domain.ErrNotFound
	}
	cmd := identity.DisableAccount{AccountID: accountID}
	if enable {
		return accounts.EnableAccount(ctx, m, cmd)
	}
	return accounts.DisableAccount(ctx, m, cmd)
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
	page := placementEndPage{Placement: p, ShowLogins: a.Is(domain.RoleBackoffice)}
	if page.ShowLogins {
		if page.Logins, err = s.Workers.WorkerLogins(r.Context(), a, p.WorkerID); err != nil {
			return err
		}
	}
	v.Data = page
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
		p := v.Data.(placementEndPage)
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

// handleWorkerLogin blocks or unblocks the placement's worker's login
// (back office; identity.DisableAccount, EnableAccount).
func (s *Server) handleWorkerLogin(enable bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, ok := s.loaded(w, r, "workers", "placement_end.title", s.loadPlacementEnd)
		if !ok {
			return
		}
		p := v.Data.(placementEndPage)
		if !p.ShowLogins {
			s.fail(w, r, domain.ErrNotFound)
			return
		}
		flash := "admin_user_disabled"
		if enable {
			flash = "admin_user_enabled"
		}
		res, err := s.Workers.SetWorkerLogin(r.Context(), meta(r), p.Placement, mux.Vars(r)["account"], enable)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		redirectAfter(w, r, placementEndURL(p.ID)+"#inloggen", res.Position, flash)
	})
}
