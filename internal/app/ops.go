package app

import (
	"context"
	"net/http"
	"time"

	"backoffice/http/httpx"
	"backoffice/projections"
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
	// Failure: the event a failed projector stopped on, and why.
	Failure *projections.EventFailure `json:"failure,omitempty"`
}

// handleReadyz answers 200 when the database and event store answer; it
// lists every projector's checkpoint, head and lag. A failed projector makes
// the status "degraded" (still 200): every instance would fail on the same
// event, and taking them all out of the load balancer would stop the
// commands and the other read models too. The projector's entry names the
// event and the reason.
//
// Error texts (SQL, addresses, the failing event) only with details: on
// the internal address; the public one says "failed" (issue 10 §6).
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
				pr.LastError, pr.Failure = s.LastError, s.Failure
			}
			if s.State == projections.StateFailed && out.Status == "ready" {
				out.Status = "degraded"
			}
			out.Projections = append(out.Projections, pr)
		}
		status := http.StatusOK
		if out.Status == "not_ready" {
			status = http.StatusServiceUnavailable
		}
		httpx.WriteJSON(w, status, out)
	})
}
