package portal_test

import (
	"io"
	"net/http"
	"testing"
	"time"

	"backoffice/http/httpx"
)

// TestAnonymousUploadTakesNoSlot: a multipart POST without a session is
// refused before its body is read and without one of the process's upload
// slots, which slow anonymous bodies could otherwise hold until every
// user's upload gets 429.
func TestAnonymousUploadTakesNoSlot(t *testing.T) {
	h := newHarness(t) // not logged in
	stalledUploadIsRefused(t, h)
}

// TestWorkerUploadTakesNoSlot: nor does a login whose role may never
// upload (a worker) get a slot to hold.
func TestWorkerUploadTakesNoSlot(t *testing.T) {
	h := newHarnessAs(t, workerEmail)
	stalledUploadIsRefused(t, h)
}

// stalledUploadIsRefused sends an upload whose body stops half-way and
// checks that it is answered 403 without ever holding an upload slot.
func stalledUploadIsRefused(t *testing.T, h *harness) {
	t.Helper()
	before := httpx.Uploads.Active()
	body, send := io.Pipe()
	t.Cleanup(func() { _ = send.Close() })
	go func() {
		// The start of a form; the rest never comes (until the test ends).
		_, _ = send.Write([]byte("--XX\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n--XX\r\n" +
			"Content-Disposition: form-data; name=\"bestand\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-"))
	}()
	req, err := http.NewRequest(http.MethodPost, h.URL+"/overige/documenten", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "multipart/form-data; boundary=XX")
	req.ContentLength = 1 << 20
	answered := make(chan int, 1)
	go func() {
		res, err := h.c.Do(req)
		if err != nil {
			answered <- -1
			return
		}
		res.Body.Close()
		answered <- res.StatusCode
	}()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case code := <-answered:
			if code != http.StatusForbidden {
				t.Fatalf("stalled upload: %d, want 403", code)
			}
			if n := httpx.Uploads.Active(); n != before {
				t.Fatalf("%d uploads in flight after the refusal, want %d", n, before)
			}
			return
		case <-deadline:
			t.Fatalf("no answer to the stalled upload; %d uploads in flight (%d before)", httpx.Uploads.Active(), before)
		default:
			if n := httpx.Uploads.Active(); n > before {
				t.Fatalf("the stalled upload holds an upload slot (%d in flight, %d before)", n, before)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}
