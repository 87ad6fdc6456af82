package httpx

import (
	"errors"
	"net/http"
	"strconv"
)

// retryAfter is an error that knows how long the caller should wait
// (auth.RetryError, rate limits).
type retryAfter interface {
	RetryAfterSeconds() int
}

// SetRetryAfter sets Retry-After on an answer of status caused by err: the
// wait err carries (login throttling, upload caps), else on a 503 the
// outage default (RetryAfter seconds). The error writers call it, so a
// handler never has to.
func SetRetryAfter(w http.ResponseWriter, status int, err error) {
	var ra retryAfter
	switch {
	case errors.As(err, &ra) && ra.RetryAfterSeconds() > 0:
		w.Header().Set("Retry-After", strconv.Itoa(ra.RetryAfterSeconds()))
	case status == http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", strconv.Itoa(RetryAfter))
	}
}
