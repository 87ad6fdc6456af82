package documentapi_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	dt "backoffice/commands/document/documenttest"
	"backoffice/http/httpx"
)

// The API stores file names as the portal shows them: no bidi overrides,
// zero-width or control characters.
func TestUploadNormalisesFileNames(t *testing.T) {
	e := newEnv(t)
	for name, wantName := range map[string]string{
		"rap\u202Etxt.pdf":   "raptxt.pdf",
		"a\u200Bb\u2066.pdf": "ab.pdf",
		"tab\there.pdf":      "tabhere.pdf",
	} {
		r := want(t, e.upload(t, "client1", map[string]string{"title": "x"}, name, dt.PDF), http.StatusCreated)
		m := r.json(t)
		d := want(t, e.json(t, "GET", "/documents/"+m["id"].(string)+"?min_position="+m["position"].(string), "client1", nil), http.StatusOK).json(t)
		if d["file_name"] != wantName {
			t.Errorf("%q stored as %q, want %q", name, d["file_name"], wantName)
		}
	}
}

// Concurrent uploads are capped per user and per process: an upload over
// the cap answers 429 with Retry-After while the others are in flight.
func TestUploadConcurrencyCap(t *testing.T) {
	limiter := httpx.NewUploadLimiter(3, 2)
	e := newEnvWith(t, limiter)

	// start begins an upload whose body stops half-way, holding a slot
	// until finish is called.
	type stalled struct {
		w    *io.PipeWriter
		done chan int
	}
	start := func(actor string) stalled {
		pr, pw := io.Pipe()
		req, _ := http.NewRequest(http.MethodPost, e.url+"/documents", pr)
		req.Header.Set("Content-Type", "multipart/form-data; boundary=XX")
		req.Header.Set("Authorization", "Bearer "+e.tokens[actor])
		s := stalled{w: pw, done: make(chan int, 1)}
		go func() {
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				s.done <- -1
				return
			}
			res.Body.Close()
			s.done <- res.StatusCode
		}()
		if _, err := pw.Write([]byte("--XX\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n")); err != nil {
			t.Fatal(err)
		}
		return s
	}
	finish := func(s stalled) int {
		_, _ = s.w.Write([]byte("x\r\n--XX--\r\n"))
		_ = s.w.Close()
		return <-s.done
	}
	upload := func(actor string) response {
		return e.upload(t, actor, map[string]string{"title": "x"}, "x.pdf", dt.PDF)
	}

	a1, a2 := start("client1"), start("client1")
	waitActive(t, limiter, 2)
	r := upload("client1")
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" || !strings.Contains(string(r.body), "too_many_uploads") {
		t.Fatalf("third upload of one user: %d %s", r.status, r.body)
	}
	b1 := start("client2")
	waitActive(t, limiter, 3)
	if r := upload("backoffice"); r.status != http.StatusTooManyRequests {
		t.Fatalf("upload over the process cap: %d %s", r.status, r.body)
	}
	for _, s := range []stalled{a1, a2, b1} {
		if status := finish(s); status != http.StatusBadRequest { // the stalled form has no file
			t.Errorf("stalled upload: %d", status)
		}
	}
	waitActive(t, limiter, 0)
	want(t, upload("client1"), http.StatusCreated)
}

// waitActive waits (bounded) until n uploads hold a slot.
func waitActive(t *testing.T, l *httpx.UploadLimiter, n int) {
	t.Helper()
	for range 500 {
		if l.Active() == n {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%d uploads in flight, want %d", l.Active(), n)
}
