package identityapi

import (
	"context"
	"net/http"

	"github.com/gorilla/mux"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/domain/validate"
	"backoffice/http/api"
	"backoffice/readmodel/asof"
	rm "backoffice/readmodel/identity"
	"backoffice/readmodel/paging"
)

// placementsWait: the placement list joins workers, clients and
// intermediaries for names.
var placementsWait = []string{rm.PlacementsProjector, rm.WorkersProjector, rm.ClientsProjector, rm.IntermediariesProjector}

// listPlacements: GET /placements?status=active|ended&worker_id=&client_id=&limit=&cursor=
// — the "Werknemers" tab is status=active. One page (paging.DefaultLimit,
// at most paging.MaxLimit) by worker name; next_cursor names the next.
func (h *handlers) listPlacements(w http.ResponseWriter, r *http.Request) {
	h.s.Query(w, r, placementsWait, func(ctx context.Context, a domain.Actor) (any, error) {
		q := r.URL.Query()
		page, err := paging.Parse(q.Get("limit"), q.Get("cursor"))
		if err != nil {
			return nil, err
		}
		return h.Queries.PlacementsPage(ctx, a, rm.PlacementFilter{
			Status: q.Get("status"), WorkerID: q.Get("worker_id"), ClientID: q.Get("client_id"),
		}, page)
	})
}

// getPlacement: GET /placements/{id}[?as_of=POSITION|RFC 3339 time] (as_of:
// replayed from the event store as it was then, docs/audit.md §6).
func (h *handlers) getPlacement(w http.ResponseWriter, r *http.Request) {
	h.s.Query(w, r, placementsWait, func(ctx context.Context, a domain.Actor) (any, error) {
		m, err := asof.Parse(r.URL.Query().Get("as_of"))
		if err != nil {
			return nil, err
		}
		p, err := h.Queries.PlacementAsOf(ctx, a, h.Ledger, mux.Vars(r)["id"], m)
		if err != nil {
			return nil, err
		}
		cs, err := h.Queries.PlacementCorrections(ctx, a, h.Ledger, p.ID, m)
		if err != nil {
			return nil, err
		}
		return placementDetail{Placement: p, Corrections: cs}, nil
	})
}

// placementDetail is GET /placements/{id}: the placement and its
// correction history (placement.corrected, oldest first).
type placementDetail struct {
	rm.Placement
	Corrections []rm.Correction `json:"corrections"`
}

type endPlacementRequest struct {
	End    string `json:"end"`
	Reason string `json:"reason,omitempty"`
}

// endPlacement: POST /placements/{id}/end {end, reason} (back office, the
// placement's client or intermediary) → 200.
func (h *handlers) endPlacement(w http.ResponseWriter, r *http.Request) {
	h.s.Command(w, r, http.StatusOK, api.WithBody(w, r, func(ctx context.Context, meta commands.Meta, req endPlacementRequest) (commands.Result, any, error) {
		end, err := validate.ParseDate("end", req.End)
		if err != nil {
			return commands.Result{}, nil, err
		}
		res, err := h.Identity.Tenants.EndPlacement(ctx, meta, mux.Vars(r)["id"], end, req.Reason)
		return res, nil, err
	}))
}
