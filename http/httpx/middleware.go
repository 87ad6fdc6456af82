package httpx

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"
)

type ctxKey int

const requestIDKey ctxKey = iota

// RequestID returns the request's ID set by the RequestIDs middleware.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// RequestIDs gives every request an ID (X-Request-ID, echoed in the response).
func RequestIDs(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if id == "" || len(id) > 64 {
			var b [8]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-ID", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey, id)))
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Metrics records HTTP latency by route template (never the raw path: it
// may hold IDs) and status.
type Metrics struct {
	latency *prometheus.HistogramVec
}

// NewMetrics registers the HTTP metrics on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "backoffice_http_request_duration_seconds",
		Help:    "HTTP request latency by route and status.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
	}, []string{"method", "route", "status"})}
	reg.MustRegister(m.latency)
	return m
}

// AccessLog logs each request (method, route, status, duration, request ID),
// recovers panics into a 500, and observes latency when m is not nil.
func AccessLog(log *slog.Logger, m *Metrics) mux.MiddlewareFunc {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			rec := &statusRecorder{ResponseWriter: w}
			inner := new(string)
			r = r.WithContext(context.WithValue(r.Context(), routeSlotKey{}, inner))
			defer func() {
				abort := false
				if p := recover(); p != nil {
					if p != http.ErrAbortHandler { // a handler's deliberate abort was logged by it
						log.ErrorContext(r.Context(), "panic in handler", "panic", p, "stack", string(debug.Stack()),
							"request_id", RequestID(r.Context()))
					}
					if rec.status == 0 {
						WriteJSON(rec, http.StatusInternalServerError, ErrorBody{Error: Detail(nil, "en")})
					} else {
						// The status and part of the body are sent: ending
						// the response normally would hand the client a
						// complete-looking 200 with a cut-off body (a payroll
						// file without its rows). Abort the connection instead.
						abort = true
					}
				}
				if abort {
					defer panic(http.ErrAbortHandler)
				}
				route := Route(r)
				if *inner != "" {
					route = *inner // the mounted router's own route (RecordRoute)
				}
				status := rec.status
				if status == 0 {
					status = http.StatusOK
				}
				d := time.Since(start)
				if m != nil {
					m.latency.WithLabelValues(r.Method, route, strconv.Itoa(status)).Observe(d.Seconds())
				}
				log.LogAttrs(r.Context(), slog.LevelInfo, "http",
					slog.String("method", r.Method), slog.String("route", route), slog.Int("status", status),
					slog.Duration("duration", d), slog.String("request_id", RequestID(r.Context())))
			}()
			next.ServeHTTP(rec, r)
		})
	}
}

// routeSlotKey holds, in a request's context, where a mounted router
// records the template of the route it matched (RecordRoute).
type routeSlotKey struct{}

// RecordRoute is the middleware of a router mounted under the root router
// (the API under /api/, the portal under /): it hands the template of the
// route it matched ("/api/v1/timesheets/{placement}/{week}") to AccessLog,
// which otherwise sees only the mount's prefix, so the access log and the
// latency metric name the route, never the raw path with its IDs.
func RecordRoute(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slot, ok := r.Context().Value(routeSlotKey{}).(*string); ok {
			if tpl, ok := routeTemplate(r); ok {
				*slot = tpl
			}
		}
		next.ServeHTTP(w, r)
	})
}
