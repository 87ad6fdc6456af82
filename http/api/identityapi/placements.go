package identityapi

import (
	"context"
	"net/http"

	"github.com/gorilla/mux"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/domain/validate"
	"backoffice/http/httpx"
	rm "backoffice/readmodel/identity"
)

// placementsWait: the placement list joins workers, clients and
// intermediaries for names.
var placementsWait = []string{rm.PlacementsProjector, rm.WorkersProjector, rm.ClientsProjector, rm.IntermediariesProjector}

// listPlacements: GET /placements?status=active|ended&worker_id=&client_id=
// — the "Werknemers" tab is status=active.
func (h *handlers) listPlacements(w http.ResponseWriter, r *http.Request) {
	h.s.Query(w, r, placementsWait, func(ctx context.Context, a domain.Actor) (any, error) {
		q := r.URL.Query()
		items, err := h.Queries.Placements(ctx, a, rm.PlacementFilter{
			Status: q.Get("status"), WorkerID: q.Get("worker_id"), ClientID: q.Get("client_id"),
		})
		return list(items), err
	})
}

// getPlacement: GET /placements/{id}.
func (h *handlers) getPlacement(w http.ResponseWriter, r *http.Request) {
	h.s.Query(w, r, placementsWait, func(ctx context.Context, a domain.Actor) (any, error) {
		return h.Queries.Placement(ctx, a, mux.Vars(r)["id"])
	})
}

type endPlacementRequest struct {
	End    string `json:"end"`
	Reason string `json:"reason,omitempty"`
}

// endPlacement: POST /placements/{id}/end {end, reason} (back office, the
// placement's client or intermediary) → 200.
func (h *handlers) endPlacement(w http.ResponseWriter, r *http.Request) {
	h.s.Command(w, r, http.StatusOK, func(ctx context.Context, meta commands.Meta) (commands.Result, any, error) {
		req, err := httpx.Decode[endPlacementRequest](w, r)
		if err != nil {
			return commands.Result{}, nil, err
		}
		end, err := validate.ParseDate("end", req.End)
		if err != nil {
			return commands.Result{}, nil, err
		}
		res, err := h.Service.EndPlacement(ctx, meta, mux.Vars(r)["id"], end, req.Reason)
		return res, nil, err
	})
}
