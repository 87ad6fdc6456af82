// Package api is the JSON API under /api/v1. Handlers parse, authorize (the
// actor comes from the Authenticator; scope is checked again in the command
// and query layers), call one command or query, and render. Nothing else.
package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/mux"
	"github.com/jackc/pgx/v5/pgxpool"

	"backoffice/domain"
	"backoffice/eventstore"
	"backoffice/http/httpx"
	"backoffice/internal/liveness"
)

// Authenticator finds the actor of a request from its session cookie or
// bearer token. It returns a *domain.Error of KindUnauthorized when there is
// none or it is invalid.
type Authenticator interface {
	Authenticate(r *http.Request) (domain.Actor, error)
}

// Waiter blocks until the named projectors have passed pos (read-your-writes).
type Waiter interface {
	WaitFor(ctx context.Context, pos eventstore.Position, projectors ...string) error
}

// Deps are the API's collaborators. Features add their services here.
type Deps struct {
	Log   *slog.Logger
	Pool  *pgxpool.Pool
	Auth  Authenticator
	Wait  Waiter
	Clock func() time.Time
	// WaitTimeout bounds a read-your-writes wait (504 after it).
	WaitTimeout time.Duration
	Features    []Feature
	// Liveness names this process in its claims on idempotency keys, so a
	// retry takes a claim over at once when its process died; it must
	// hold ClaimLockClass. nil: the API starts its own; a process shares
	// one with its delivery queues (internal/app).
	Liveness *liveness.Holder
	// LivenessWait bounds how long a claim waits for the liveness lock
	// while the process holds none (starting, or replacing a broken
	// session); 503 after it. Default 5 s.
	LivenessWait time.Duration
	// LazyClaims: the commands' events are stored in Pool's database, so
	// an idempotency claim may commit without waiting for its fsync (the
	// append's durable commit flushes it). Leave it false when the events
	// live elsewhere (EventStoreDB).
	LazyClaims bool
}

// Feature is a slice of the API (identity, timesheets, ...) that registers its
// routes on the /api/v1 subrouter.
type Feature interface {
	Routes(r *mux.Router, s *Server)
}

// Server is the API's shared machinery: handlers of every feature use its
// helpers for commands and queries.
type Server struct {
	Deps
	router *mux.Router
	// live names this process (its current database session) in its
	// claims on idempotency keys (Deps.Liveness, or the API's own).
	live *liveness.Holder
}

// New builds the API handler; mount it at /api/v1.
func New(d Deps) (*Server, error) {
	if d.Log == nil || d.Pool == nil || d.Auth == nil || d.Wait == nil {
		return nil, errors.New("api: Log, Pool, Auth and Wait are required")
	}
	if d.Liveness != nil && !d.Liveness.Holds(ClaimLockClass) {
		// Its claims would look dead to every other process.
		return nil, errors.New("api: Liveness must hold ClaimLockClass")
	}
	if d.Clock == nil {
		d.Clock = time.Now
	}
	if d.WaitTimeout == 0 {
		d.WaitTimeout = 5 * time.Second
	}
	if d.LivenessWait == 0 {
		d.LivenessWait = 5 * time.Second
	}
	s := &Server{Deps: d, router: mux.NewRouter()}
	s.router.Use(httpx.RecordRoute) // the access log and metrics name the route
	s.live = d.Liveness
	if s.live == nil { // a process of the API alone (its tests)
		s.live = liveness.Start(d.Pool, ClaimLockClass)
	}
	s.routes()
	return s, nil
}

// ServeHTTP implements http.Handler. Answers are never cached: some hold
// BSN or IBAN.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.router.ServeHTTP(&noStore{ResponseWriter: w}, r)
}

// noStore adds "Cache-Control: no-store" to an answer that set no
// Cache-Control itself. It is added when the header is written, not before
// the handler runs: a handler's own no-store marks an answer holding a
// secret shown once, which the idempotency store must not keep.
type noStore struct {
	http.ResponseWriter
	wrote bool
}

func (n *noStore) WriteHeader(code int) {
	if !n.wrote {
		n.wrote = true
		if n.Header().Get("Cache-Control") == "" {
			n.Header().Set("Cache-Control", "no-store")
		}
	}
	n.ResponseWriter.WriteHeader(code)
}

func (n *noStore) Write(b []byte) (int, error) {
	if !n.wrote {
		n.WriteHeader(http.StatusOK)
	}
	return n.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (n *noStore) Unwrap() http.ResponseWriter { return n.ResponseWriter }
