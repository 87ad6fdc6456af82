package api

import (
	"context"
	"net/http"

	"github.com/gorilla/mux"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/http/httpx"
)

// The shapes most handlers of the slices share: decode → command → respond,
// and GET one item by its path variable.

// WithBody is the CommandFunc of a command that takes a JSON body: it
// decodes the body as T (httpx.Decode: 400 or 415 through the one error
// mapping) and hands it to fn. The decoding runs inside the command, so an
// Idempotency-Key covers the body.
func WithBody[T any](w http.ResponseWriter, r *http.Request, fn func(ctx context.Context, meta commands.Meta, body T) (commands.Result, any, error)) CommandFunc {
	return func(ctx context.Context, meta commands.Meta) (commands.Result, any, error) {
		body, err := httpx.Decode[T](w, r)
		if err != nil {
			return commands.Result{}, nil, err
		}
		return fn(ctx, meta, body)
	}
}

// DecodeBody decodes the JSON body of a request that is no command (no
// Idempotency-Key: logins, links, passwords) as T; when it cannot, it has
// answered the error and ok is false.
func DecodeBody[T any](s *Server, w http.ResponseWriter, r *http.Request) (body T, ok bool) {
	body, err := httpx.Decode[T](w, r)
	if err != nil {
		s.Error(w, r, err)
		return body, false
	}
	return body, true
}

// WritePosition answers a change made outside Command (no Idempotency-Key:
// activation, password changes) the way Command does: the global position
// in the X-Position header and as {"position": ...}.
func WritePosition(w http.ResponseWriter, status int, res commands.Result) {
	writeCommandResult(w, status, res, nil)
}

// QueryByVar is the GET of one item: what get returns for the caller and
// the path variable name, once projectors have passed the request's
// min_position (Query).
func QueryByVar[T any](s *Server, projectors []string, name string, get func(ctx context.Context, actor domain.Actor, id string) (T, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Query(w, r, projectors, func(ctx context.Context, actor domain.Actor) (any, error) {
			return get(ctx, actor, mux.Vars(r)[name])
		})
	})
}
