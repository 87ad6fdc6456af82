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

// SetRetryAfter sets the Retry-After header when err carries a wait, and
// reports whether it did.
func SetRetryAfter(w http.ResponseWriter, err error) bool {
	var ra retryAfter
	if !errors.As(err, &ra) || ra.RetryAfterSeconds() <= 0 {
		return false
	}
	w.Header().Set("Retry-After", strconv.Itoa(ra.RetryAfterSeconds()))
	return true
}
