package projections

import "github.com/prometheus/client_golang/prometheus"

type metrics struct {
	lag      *prometheus.GaugeVec
	events   *prometheus.CounterVec
	applied  *prometheus.CounterVec
	commit   *prometheus.HistogramVec
	failures *prometheus.CounterVec
	holder   *prometheus.GaugeVec
}

// byProjector is the one label every projection metric carries.
var byProjector = []string{"projector"}

// metricOpts names a metric backoffice_projection_<name>.
func metricOpts(name, help string) prometheus.Opts {
	return prometheus.Opts{Namespace: "backoffice", Subsystem: "projection", Name: name, Help: help}
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	gauge := func(name, help string) *prometheus.GaugeVec {
		return prometheus.NewGaugeVec(prometheus.GaugeOpts(metricOpts(name, help)), byProjector)
	}
	counter := func(name, help string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts(metricOpts(name, help)), byProjector)
	}
	m := &metrics{
		lag:     gauge("lag_events", "Events in the log after the projector's checkpoint (counted up to a cap)."),
		events:  counter("events_total", "Events checkpointed by the projector in this process (handled or filtered out)."),
		applied: counter("events_applied_total", "Events applied to the read model and committed in this process."),
		commit: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "backoffice", Subsystem: "projection", Name: "batch_commit_seconds",
			Help:    "Time to apply and commit one batch (read-model rows and checkpoint).",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}, byProjector),
		failures: counter("failures_total", "Times the projector stopped on an error (it retries with back-off)."),
		holder:   gauge("lock_held", "1 when this process holds the projector's advisory lock and runs it."),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.lag, m.events, m.applied, m.commit, m.failures, m.holder} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}
