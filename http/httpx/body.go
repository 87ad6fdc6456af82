package httpx

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

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

// drainTimeout bounds how long DrainBody waits for a client that sends
// nothing (one waiting for "100 Continue" that got the answer instead).
const drainTimeout = 2 * time.Second

// DrainBody finishes a refused request after its answer was written: it
// sends the answer, then reads and throws away what the client still
// sends of the body (up to MaxDrainBytes, for at most drainTimeout of
// silence), so a client that is uploading receives the answer instead of a
// reset connection. Because the answer is out first, a client waiting for
// "100 Continue" is never asked for the body: it gets the answer, sends
// nothing, and the wait ends at the deadline. Curl stops waiting after a
// second and sends anyway; that body is drained.
func DrainBody(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	_ = rc.Flush()
	_ = rc.SetReadDeadline(time.Now().Add(drainTimeout))
	_, _ = io.CopyN(io.Discard, r.Body, MaxDrainBytes)
}
