package documentapi_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"backoffice/http/httpx"
)

// TestWorkerUploadTakesNoSlot: a login whose role may never upload (a
// worker, an intermediary) is refused before the body is read, without an
// upload slot: slow bodies from a few such logins held every slot before,
// and every client's upload got 429.
func TestWorkerUploadTakesNoSlot(t *testing.T) {
	limiter := httpx.NewUploadLimiter(3, 2)
	e := newEnvWith(t, limiter)
	for _, actor := range []string{"worker1", "inter1"} {
		body, send := io.Pipe()
		t.Cleanup(func() { _ = send.Close() }) // before the server closes, also when the test fails
		req, _ := http.NewRequest(http.MethodPost, e.url+"/documents", body)
		req.Header.Set("Content-Type", "multipart/form-data; boundary=XX")
		req.Header.Set("Authorization", "Bearer "+e.tokens[actor])
		req.ContentLength = 1 << 20
		answered := make(chan string, 1)
		go func() {
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				answered <- err.Error()
				return
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			answered <- res.Status + " " + string(b)
		}()
		go func() { _, _ = send.Write([]byte("--XX\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n")) }()
		deadline := time.After(30 * time.Second)
	wait:
		for {
			select {
			case got := <-answered:
				if !strings.HasPrefix(got, "403") || !strings.Contains(got, `"forbidden"`) {
					t.Fatalf("%s's upload: %s", actor, got)
				}
				break wait
			case <-deadline:
				t.Fatalf("%s's stalled upload got no answer (%d slots held)", actor, limiter.Active())
			default:
				if n := limiter.Active(); n != 0 {
					t.Fatalf("%s's stalled upload holds %d upload slots", actor, n)
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
		_ = send.Close()
	}
}
