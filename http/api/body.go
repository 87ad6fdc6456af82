package api

import (
	"context"
	"net/http"

	"backoffice/commands"
	"backoffice/http/httpx"
)

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

// WritePosition answers a change made outside Command (no Idempotency-Key:
// activation, password changes) the way Command does: the global position
// in the X-Position header and as {"position": ...}.
func WritePosition(w http.ResponseWriter, status int, res commands.Result) {
	writeCommandResult(w, status, res, nil)
}
