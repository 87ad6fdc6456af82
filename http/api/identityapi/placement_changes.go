package identityapi

import (
	"context"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"backoffice/commands"
	"backoffice/commands/identity"
	"backoffice/domain/placement"
	"backoffice/domain/validate"
	"backoffice/http/api"
	rm "backoffice/readmodel/identity"
)

type startPlacementRequest struct {
	ClientID string `json:"client_id,omitempty"` // a client user's own company when empty
	Function string `json:"function,omitempty"`  // the worker's registered function when empty
	Start    string `json:"start"`
	End      string `json:"end,omitempty"`
}

type placementStartedResponse struct {
	placementView
	Position string `json:"position"`
}

// startPlacement: POST /workers/{id}/placements {client_id, function,
// start, end} (back office; a client user for a worker of its own) → 201
// with the new placement. With an Idempotency-Key a retry answers the
// first attempt (the placement ID derives from the key).
func (h *handlers) startPlacement(w http.ResponseWriter, r *http.Request) {
	h.s.Command(w, r, http.StatusCreated, api.WithBody(w, r, func(ctx context.Context, meta commands.Meta, req startPlacementRequest) (commands.Result, any, error) {
		start, err := validate.ParseDate("start", req.Start)
		if err != nil {
			return commands.Result{}, nil, err
		}
		end, err := validate.ParseOptionalDate("end", req.End)
		if err != nil {
			return commands.Result{}, nil, err
		}
		res, p, err := h.Identity.Tenants.StartPlacement(ctx, meta, identity.StartPlacement{
			WorkerID: mux.Vars(r)["id"], ClientID: req.ClientID, Function: req.Function, Start: start, End: end,
		})
		if err != nil {
			return res, nil, err
		}
		return res, placementStartedResponse{placementView: h.startedView(p), Position: res.Position.String()}, nil
	}))
}

// startedView is a placement.started event as the API shows a placement.
func (h *handlers) startedView(p placement.Started) placementView {
	view := placementView{ID: p.PlacementID, WorkerID: p.WorkerID, ClientID: p.ClientID, IntermediaryID: p.IntermediaryID,
		Function: p.Function, Start: p.Start.Format(time.DateOnly), Status: rm.StatusActive}
	if p.End != nil {
		s := p.End.Format(time.DateOnly)
		view.End = &s
		if p.End.Before(today(h.Clock())) {
			view.Status = rm.StatusEnded
		}
	}
	return view
}

type correctPlacementRequest struct {
	Function string `json:"function,omitempty"`
	Start    string `json:"start,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// correctPlacement: POST /placements/{id}/correction {function, start,
// reason} (back office, the placement's client) → 200. An empty field
// keeps the recorded value; the correction is a new event, the history
// keeps the first.
func (h *handlers) correctPlacement(w http.ResponseWriter, r *http.Request) {
	h.s.Command(w, r, http.StatusOK, api.WithBody(w, r, func(ctx context.Context, meta commands.Meta, req correctPlacementRequest) (commands.Result, any, error) {
		var start time.Time
		if req.Start != "" {
			d, err := validate.ParseDate("start", req.Start)
			if err != nil {
				return commands.Result{}, nil, err
			}
			start = d
		}
		res, err := h.Identity.Tenants.CorrectPlacement(ctx, meta, identity.CorrectPlacement{
			PlacementID: mux.Vars(r)["id"], Function: req.Function, Start: start, Reason: req.Reason,
		})
		return res, nil, err
	}))
}
