package app

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"backoffice/eventstore"
	"backoffice/projections"
)

// failing is a projector that cannot store the one event it handles, with
// an error text an outsider must not read.
type failing struct{}

const secretSQL = `ERROR: invalid byte sequence for encoding "UTF8": 0x00 (SQLSTATE 22021) at 10.9.8.7`

func (failing) Name() string                        { return "test_failing" }
func (failing) Handles(t string) bool               { return t == "test.poison" }
func (failing) Reset(context.Context, pgx.Tx) error { return nil }
func (failing) Handle(context.Context, pgx.Tx, eventstore.RecordedEvent) error {
	return errors.New(secretSQL)
}

func newOpsApp(t *testing.T, publicURL string) *App {
	t.Helper()
	ctx := context.Background()
	a, _, store := runTestApp(t, "app-ops", func(o *Options) {
		o.StoreCheck = func(context.Context) error { return errors.New("dial tcp 10.9.8.7:2113: connection refused") }
		o.PublicURL = publicURL
		o.Projections = projections.Config{Projectors: []projections.Projector{failing{}}}
	})
	if _, err := store.Append(ctx, "test-1", eventstore.NoStream(), eventstore.EventData{ID: uuid.New(), Type: "test.poison", Data: json.RawMessage(`{}`)}); err != nil {
		t.Fatal(err)
	}
	return a
}

func get(h http.Handler, method, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec
}

// Issue 10 §6: /readyz on the public address tells that something failed,
// not the error text (SQL, internal addresses); the internal address does.
func TestReadyzDetailsOnlyInternally(t *testing.T) {
	a := newOpsApp(t, "http://portal.example.nl")
	var public, internal string
	for range 500 {
		public = get(a.Handler, http.MethodGet, "/readyz").Body.String()
		internal = get(a.Ops, http.MethodGet, "/readyz").Body.String()
		if strings.Contains(internal, "SQLSTATE 22021") {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(internal, "SQLSTATE 22021") || !strings.Contains(internal, "connection refused") {
		t.Fatalf("internal /readyz lacks the details:\n%s", internal)
	}
	if strings.Contains(public, "10.9.8.7") || strings.Contains(public, "SQLSTATE") || !strings.Contains(public, `"eventstore":"failed"`) ||
		!strings.Contains(public, `"test_failing"`) {
		t.Fatalf("public /readyz:\n%s", public)
	}
}

// HSTS when the public URL is https, and not on plain http.
func TestStrictTransportWithHTTPS(t *testing.T) {
	for url, want := range map[string]string{"https://portal.example.nl": "max-age=31536000", "http://127.0.0.1:8080": ""} {
		a := newOpsApp(t, url)
		for _, path := range []string{"/healthz", "/inloggen", "/api/v1/me"} {
			if got := get(a.Handler, http.MethodGet, path).Header().Get("Strict-Transport-Security"); got != want {
				t.Errorf("%s %s: HSTS %q, want %q", url, path, got, want)
			}
		}
	}
}
