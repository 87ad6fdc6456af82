package app

import (
	"context"
	"net/http"
	"time"

	"backoffice/http/httpx"
)

func handleHealthz(w http.ResponseWriter, _ *http.Request) {
	httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

type readiness struct {
	Status      string            `json:"status"`
	Checks      map[string]string `json:"checks"`
	Projections []projectorReady  `json:"projections"`
}

type projectorReady struct {
	Name       string `json:"name"`
	State      string `json:"state"`
	Local      bool   `json:"local"`
	Checkpoint string `json:"checkpoint"`
	Head       string `json:"head"`
	Lag        int    `json:"lag"`
	LagCapped  bool   `json:"lag_capped,omitempty"`
	LastError  string `json:"last_error,omitempty"`
}

// handleReadyz answers 200 when the database and event store answer and no
// projector has failed; it lists every projector's checkpoint, head and lag.
// Error texts (SQL, addresses) only with details: on the internal address;
// the public one says "failed" (issue 10 §6).
func (a *App) handleReadyz(details bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		out := readiness{Status: "ready", Checks: map[string]string{}}
		check := func(name string, err error) {
			if err != nil {
				out.Status = "not_ready"
				out.Checks[name] = "failed"
				if details {
					out.Checks[name] = err.Error()
				}
				return
			}
			out.Checks[name] = "ok"
		}
		check("database", a.opts.Pool.Ping(ctx))
		if a.opts.StoreCheck != nil {
			check("eventstore", a.opts.StoreCheck(ctx))
		} else {
			_, err := a.opts.Store.HeadPosition(ctx)
			check("eventstore", err)
		}
		statuses, err := a.Projections.Status(ctx)
		check("projections", err)
		for _, s := range statuses {
			pr := projectorReady{Name: s.Name, State: string(s.State), Local: s.Local, Checkpoint: s.Checkpoint.String(),
				Head: s.Head.String(), Lag: s.Lag, LagCapped: s.LagCapped}
			if details {
				pr.LastError = s.LastError
			}
			if s.State == "failed" {
				out.Status = "not_ready"
			}
			out.Projections = append(out.Projections, pr)
		}
		status := http.StatusOK
		if out.Status != "ready" {
			status = http.StatusServiceUnavailable
		}
		httpx.WriteJSON(w, status, out)
	})
}
