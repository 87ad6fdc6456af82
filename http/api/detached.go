package api

import (
	"context"
	"net/http"
	"time"
)

type contextWithTimeout = context.Context

// detached returns a context that survives the client hanging up but still
// carries the request's values, bounded by d. The cancel func is released
// by the timer; bookkeeping writes are short.
func detached(r *http.Request, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), d)
	time.AfterFunc(d, cancel)
	return ctx
}
