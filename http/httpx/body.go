package httpx

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"backoffice/domain"
)

// MaxDrainBytes is how much of a refused body is read and thrown away, so
// a client still sending it (curl, a browser) receives the error answer
// instead of a reset connection. Beyond it the connection is closed.
const MaxDrainBytes = 16 << 20

// BodyTooLarge is the 413 error of a body over limit bytes.
func BodyTooLarge(limit int64) *domain.Error {
	return &domain.Error{Kind: domain.KindTooLarge, Code: "body_too_large",
		Message:   fmt.Sprintf("the body is larger than %d bytes", limit),
		MessageNL: fmt.Sprintf("De inhoud is groter dan %d bytes.", limit)}
}

// LimitBody bounds r.Body to limit bytes. Unlike http.MaxBytesReader it
// does not close the connection when the limit is passed: the read that
// passes it drains the rest of the body (up to MaxDrainBytes) and fails
// with BodyTooLarge, so the client gets a proper 413. A declared
// Content-Length over the limit fails on the first read.
func LimitBody(r *http.Request, limit int64) io.ReadCloser {
	return &limitedBody{rc: r.Body, n: limit, limit: limit, declared: r.ContentLength,
		expect: strings.EqualFold(r.Header.Get("Expect"), "100-continue")}
}

type limitedBody struct {
	rc       io.ReadCloser
	n, limit int64
	declared int64
	expect   bool // the client waits for "100 Continue" before sending
	err      error
}

func (l *limitedBody) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	if l.declared > l.limit {
		// Refused before reading: a client waiting for "100 Continue" is
		// answered without being asked for the body; one already sending
		// it is drained.
		if !l.expect {
			_, _ = io.CopyN(io.Discard, l.rc, MaxDrainBytes)
		}
		l.err = BodyTooLarge(l.limit)
		return 0, l.err
	}
	if int64(len(p)) > l.n+1 {
		p = p[:l.n+1]
	}
	n, err := l.rc.Read(p)
	if int64(n) <= l.n {
		l.n -= int64(n)
		return n, err
	}
	n, l.n = int(l.n), 0
	_, _ = io.CopyN(io.Discard, l.rc, MaxDrainBytes)
	l.err = BodyTooLarge(l.limit)
	return n, l.err
}

func (l *limitedBody) Close() error { return l.rc.Close() }

// DiscardBody reads what is left of a request body that is being refused
// (up to MaxDrainBytes), so the client receives the answer instead of a
// reset. A client waiting for "100 Continue" that has not been asked for
// the body yet (nothing read) is left alone: the server answers instead of
// "100 Continue" and the client never sends it.
func DiscardBody(r *http.Request) {
	if t, ok := r.Context().Value(bodyStateKey).(*bodyState); ok && !t.read &&
		strings.EqualFold(r.Header.Get("Expect"), "100-continue") {
		return
	}
	_, _ = io.CopyN(io.Discard, r.Body, MaxDrainBytes)
}

const bodyStateKey ctxKey = iota + 200

type bodyState struct{ read bool }

type trackedBody struct {
	io.ReadCloser
	st *bodyState
}

func (t trackedBody) Read(p []byte) (int, error) {
	t.st.read = true
	return t.ReadCloser.Read(p)
}

// TrackBodies notes whether a handler started reading the request body,
// for DiscardBody.
func TrackBodies(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := &bodyState{}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = trackedBody{ReadCloser: r.Body, st: st}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), bodyStateKey, st)))
	})
}
