package main

import (
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"backoffice/eventstore"
)

// newRegistry is the process's metrics registry, with Go runtime and process
// collectors.
func newRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// observeStore returns the event store's latency observer, registered on reg:
// backoffice_eventstore_operation_seconds{op, result}.
func observeStore(reg prometheus.Registerer) eventstore.ObserveFunc {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "backoffice_eventstore_operation_seconds",
		Help:    "Event store operation latency (append, read_stream, read_all, head) by result.",
		Buckets: prometheus.ExponentialBuckets(0.0002, 2, 16),
	}, []string{"op", "result"})
	reg.MustRegister(h)
	return func(op string, d time.Duration, err error) {
		h.WithLabelValues(op, result(err)).Observe(d.Seconds())
	}
}

func result(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, eventstore.ErrWrongExpectedRevision), errors.Is(err, eventstore.ErrDuplicateEventID):
		return "conflict"
	case errors.Is(err, eventstore.ErrStreamNotFound):
		return "not_found"
	}
	return "error"
}
