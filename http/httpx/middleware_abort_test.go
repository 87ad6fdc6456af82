package httpx_test

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/mux"

	"backoffice/http/httpx"
)

// TestPanicAfterTheHeaderAbortsTheResponse: a handler that fails after it
// sent 200 and part of a file (the Easyflex export did, on a batch with a
// ';') must not end the response normally: the client would hold a
// complete-looking 200 with a cut-off body. The connection is aborted, so
// the client's read fails. Before the header, a panic is still the JSON
// 500.
func TestPanicAfterTheHeaderAbortsTheResponse(t *testing.T) {
	r := mux.NewRouter()
	r.Use(httpx.AccessLog(slog.New(slog.DiscardHandler), nil))
	r.HandleFunc("/midway", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/csv")
		w.WriteHeader(http.StatusOK)
		// More than the server's write buffer: the header and part of
		// the body are on the wire before the panic.
		_, _ = io.WriteString(w, strings.Repeat("werknemer;relatie\r\n", 4000))
		panic("the file failed midway")
	})
	r.HandleFunc("/before", func(http.ResponseWriter, *http.Request) { panic("before anything was sent") })
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)

	res, err := http.Get(srv.URL + "/midway")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err == nil {
		t.Fatalf("a response cut off midway read as complete: %d, %d bytes", res.StatusCode, len(body))
	}
	if res.StatusCode != http.StatusOK || len(body) == 0 || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("cut-off response: %d, %d bytes, %v; want 200, the bytes sent, then unexpected EOF", res.StatusCode, len(body), err)
	}

	res, err = http.Get(srv.URL + "/before")
	if err != nil {
		t.Fatal(err)
	}
	body, err = io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusInternalServerError || !strings.Contains(string(body), `"error"`) {
		t.Fatalf("panic before the header: %d %q %v, want the JSON 500", res.StatusCode, body, err)
	}
}
