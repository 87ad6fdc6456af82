// Package smstest is an in-process fake of the Spryng REST API (POST
// /v1/messages) for tests: it checks the bearer token and the JSON body as
// Spryng documents them, records every request and answers with scripted
// statuses.
package smstest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Request is one POST /v1/messages the fake received.
type Request struct {
	Authorization string
	ContentType   string
	Encoding      string   `json:"encoding"`
	Body          string   `json:"body"`
	Route         string   `json:"route"`
	Originator    string   `json:"originator"`
	Recipients    []string `json:"recipients"`
	// Status is what the fake answered.
	Status int
}

// Spryng is the fake gateway. URL is the base to configure
// (BACKOFFICE_SMS_URL); Token the key it accepts.
type Spryng struct {
	URL   string
	Token string

	mu       sync.Mutex
	script   []int         // statuses for the next requests; then 200
	stall    int           // the next n requests hang until the client gives up
	requests []Request     // every request, in order
	notify   chan struct{} // a request arrived
}

// NewSpryng starts the fake; it stops with the test.
func NewSpryng(t testing.TB) *Spryng {
	f := &Spryng{Token: "test-token-0123456789", notify: make(chan struct{}, 100)}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	f.URL = srv.URL + "/v1"
	return f
}

// Answer makes the next requests get these statuses, in order.
func (f *Spryng) Answer(statuses ...int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script = append(f.script, statuses...)
}

// Stall makes the next n requests hang until the client times out.
func (f *Spryng) Stall(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stall = n
}

// Requests returns what the fake received so far.
func (f *Spryng) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.requests...)
}

// WaitFor waits until n requests arrived (or fails the test after 20 s).
func (f *Spryng) WaitFor(t testing.TB, n int) []Request {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		if r := f.Requests(); len(r) >= n {
			return r
		}
		select {
		case <-f.notify:
		case <-deadline:
			t.Fatalf("smstest: %d requests after 20 s, want %d", len(f.Requests()), n)
		}
	}
}

func (f *Spryng) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if r.Method != http.MethodPost || r.URL.Path != "/v1/messages" {
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"message":"Not found"}`))
		return
	}
	req := Request{Authorization: r.Header.Get("Authorization"), ContentType: r.Header.Get("Content-Type")}
	decodeErr := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&req)
	f.mu.Lock()
	status := http.StatusOK
	stall := f.stall > 0
	switch {
	case stall:
		f.stall--
		status = http.StatusGatewayTimeout // recorded; the client has gone
	case req.Authorization != "Bearer "+f.Token:
		status = http.StatusUnauthorized
	case decodeErr != nil || !strings.HasPrefix(req.ContentType, "application/json") || req.Body == "" ||
		req.Originator == "" || len(req.Recipients) != 1:
		status = http.StatusUnprocessableEntity
	case len(f.script) > 0:
		status, f.script = f.script[0], f.script[1:]
	}
	req.Status = status
	f.requests = append(f.requests, req)
	f.mu.Unlock()
	select {
	case f.notify <- struct{}{}:
	default:
	}
	if stall {
		<-r.Context().Done()
		return
	}
	w.WriteHeader(status)
	switch {
	case status == http.StatusOK:
		_ = json.NewEncoder(w).Encode(map[string]any{"id": "9dbc5ffb-7524-4fae-9514-51decd94a44f", "encoding": req.Encoding,
			"originator": req.Originator, "body": req.Body, "credits": 1, "created_at": time.Now().UTC().Format(time.RFC3339)})
	case status == http.StatusUnauthorized:
		_, _ = w.Write([]byte(`{"message":"Unauthenticated."}`))
	case status == http.StatusUnprocessableEntity:
		_, _ = w.Write([]byte(`{"message":"The given data was invalid.","errors":{"recipients":["The recipients field is invalid."]}}`))
	default:
		_, _ = w.Write([]byte(`{"message":"Server Error"}`))
	}
}
