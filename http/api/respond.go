package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/eventstore"
	"backoffice/http/httpx"
)

// Error writes err as the JSON error envelope, in Dutch when the request's
// Accept-Language prefers it and in English otherwise.
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	status := httpx.Status(err)
	if status >= 500 {
		s.Log.ErrorContext(r.Context(), "api request failed", "method", r.Method, "route", httpx.Route(r),
			"request_id", httpx.RequestID(r.Context()), "err", err)
	}
	httpx.SetRetryAfter(w, status, err)
	httpx.WriteJSON(w, status, httpx.ErrorBody{Error: httpx.Detail(err, httpx.Language(r))})
}

// ErrReadOnly answers the auditor token on anything but a read, before the
// request's body is read or any command is asked.
var ErrReadOnly = domain.Forbidden("forbidden", "The auditor token may only read; it cannot change anything.",
	"Het auditortoken mag alleen lezen en kan niets wijzigen.")

// Actor authenticates the request, writing the 401 itself when it fails.
// The auditor reads only: any other method is 403 forbidden here (the
// generic code, with a message that says why), so no endpoint's
// validation, state check or command ever sees an auditor's change (they
// answered 400, 404 or 409 depending on the body and state).
func (s *Server) Actor(w http.ResponseWriter, r *http.Request) (domain.Actor, bool) {
	a, err := s.Auth.Authenticate(r)
	if err == nil && a.Role == domain.RoleAuditor && r.Method != http.MethodGet && r.Method != http.MethodHead {
		err = ErrReadOnly
	}
	if err != nil {
		s.Error(w, r, err)
		return domain.Actor{}, false
	}
	return a, true
}

// CommandFunc runs one command for the actor and returns the command's result
// and the response body (nil for {"position": ...} alone).
type CommandFunc func(ctx context.Context, meta commands.Meta) (commands.Result, any, error)

// Command runs fn as the authenticated actor: it applies the request's
// Idempotency-Key (a retry returns the first answer and appends nothing),
// and answers with the global position in the body and X-Position header.
func (s *Server) Command(w http.ResponseWriter, r *http.Request, status int, fn CommandFunc) {
	s.command(w, r, status, fn, false)
}

// OneAppendCommand is Command for a command that makes at most one append
// and whose answer can be told again from the events it appended
// (commands.Replayed under meta.Retry) and holds no secret: its
// Idempotency-Key is recorded in that append's own transaction, so the
// bookkeeping costs the command no transaction of its own
// (docs/BENCHMARKS.md §9.2).
func (s *Server) OneAppendCommand(w http.ResponseWriter, r *http.Request, status int, fn CommandFunc) {
	s.command(w, r, status, fn, true)
}

func (s *Server) command(w http.ResponseWriter, r *http.Request, status int, fn CommandFunc, oneAppend bool) {
	actor, ok := s.Actor(w, r)
	if !ok {
		return
	}
	meta := commands.Meta{Actor: actor, CorrelationID: httpx.RequestID(r.Context()), IdempotencyKey: r.Header.Get("Idempotency-Key")}
	if meta.IdempotencyKey != "" {
		s.idempotent(w, r, meta, status, fn, oneAppend)
		return
	}
	res, body, err := fn(r.Context(), meta)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeCommandResult(w, status, res, body)
}

// commandResponse is the default body of a command.
type commandResponse struct {
	Position string `json:"position"`
}

func writeCommandResult(w http.ResponseWriter, status int, res commands.Result, body any) {
	pos := res.Position.String()
	w.Header().Set("X-Position", pos)
	if body == nil {
		body = commandResponse{Position: pos}
	}
	httpx.WriteJSON(w, status, body)
}

// MinPosition parses the optional min_position query parameter.
func MinPosition(r *http.Request) (eventstore.Position, error) {
	v := r.URL.Query().Get("min_position")
	if v == "" {
		return eventstore.Start, nil
	}
	p, err := eventstore.ParsePosition(v)
	if err != nil {
		return p, domain.Invalid("invalid_min_position", "min_position", "min_position must look like 123-45 (as returned by a command)", "min_position moet de vorm 123-45 hebben.")
	}
	return p, nil
}

// ErrNotCaughtUp is returned when the projections did not reach the
// requested position in time (504).
var ErrNotCaughtUp = &domain.Error{Kind: domain.KindInternal, Code: "not_caught_up"}

// WaitForMin is the read-your-writes wait of a query: when the request
// carries min_position, it waits (bounded by WaitTimeout) until projectors
// have passed it. On false it has answered already (400 for a bad
// position, 504 not_caught_up) or the client went away. Query uses it;
// handlers that answer other than JSON (files, CSV) call it themselves.
func (s *Server) WaitForMin(w http.ResponseWriter, r *http.Request, projectors ...string) bool {
	min, err := MinPosition(r)
	if err != nil {
		s.Error(w, r, err)
		return false
	}
	if min.IsStart() {
		return true
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.WaitTimeout)
	defer cancel()
	if err := s.Wait.WaitFor(ctx, min, projectors...); err != nil {
		if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
			return false // the client went away
		}
		msg := fmt.Sprintf("the read models have not yet reached position %s; retry shortly", min)
		if httpx.Language(r) == "nl" {
			msg = fmt.Sprintf("De leesmodellen zijn positie %s nog niet voorbij; probeer het zo opnieuw.", min)
		}
		httpx.WriteJSON(w, http.StatusGatewayTimeout, httpx.ErrorBody{Error: httpx.ErrorDetail{Code: "not_caught_up", Message: msg}})
		return false
	}
	return true
}

// Query authenticates, waits until the named projectors have passed the
// request's min_position (bounded), then renders what fn returns as 200.
func (s *Server) Query(w http.ResponseWriter, r *http.Request, projectors []string, fn func(ctx context.Context, actor domain.Actor) (any, error)) {
	actor, ok := s.Actor(w, r)
	if !ok {
		return
	}
	if !s.WaitForMin(w, r, projectors...) {
		return
	}
	body, err := fn(r.Context(), actor)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, body)
}
