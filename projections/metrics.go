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

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		lag: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "backoffice", Subsystem: "projection", Name: "lag_events",
			Help: "Events in the log after the projector's checkpoint (counted up to a cap).",
		}, []string{"projector"}),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "backoffice", Subsystem: "projection", Name: "events_total",
			Help: "Events checkpointed by the projector in this process (handled or filtered out).",
		}, []string{"projector"}),
		applied: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "backoffice", Subsystem: "projection", Name: "events_applied_total",
			Help: "Events applied to the read model and committed in this process.",
		}, []string{"projector"}),
		commit: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "backoffice", Subsystem: "projection", Name: "batch_commit_seconds",
			Help:    "Time to apply and commit one batch (read-model rows and checkpoint).",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}, []string{"projector"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "backoffice", Subsystem: "projection", Name: "failures_total",
			Help: "Times the projector stopped on an error (it retries with back-off).",
		}, []string{"projector"}),
		holder: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "backoffice", Subsystem: "projection", Name: "lock_held",
			Help: "1 when this process holds the projector's advisory lock and runs it.",
		}, []string{"projector"}),
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
