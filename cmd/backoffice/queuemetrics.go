package main

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"backoffice/notify/queue"
)

// deliveryQueues reports the delivery queues (notify/'s mail and SMS
// queues, counted by their own packages) at each scrape: what an operator
// alerts on when the mail server or the SMS gateway is down or refuses.
// Read from the database, so every serve process reports the same
// (shared) queues; when the database does not answer the queue metrics are
// left out of that scrape rather than failing the whole /metrics.
type deliveryQueues struct {
	backlogs                         map[string]func(context.Context) (queue.Backlog, error)
	pending, retrying, oldest, given *prometheus.Desc
}

func newDeliveryQueues(backlogs map[string]func(context.Context) (queue.Backlog, error)) *deliveryQueues {
	channel := []string{"channel"}
	return &deliveryQueues{
		backlogs: backlogs,
		pending: prometheus.NewDesc("backoffice_delivery_pending",
			"Messages waiting to be sent (mail or sms), retries included.", channel, nil),
		retrying: prometheus.NewDesc("backoffice_delivery_retrying",
			"Pending messages whose last attempt failed (the server or gateway refused or did not answer); they are retried with back-off.", channel, nil),
		oldest: prometheus.NewDesc("backoffice_delivery_oldest_pending_seconds",
			"Age of the oldest pending message; 0 when none waits.", channel, nil),
		given: prometheus.NewDesc("backoffice_delivery_failed",
			"Messages given up (failed for good): they wait for a retry by the back office (GET /api/v1/mail-deliveries/failed, /sms-deliveries/failed).", channel, nil),
	}
}

func (q *deliveryQueues) Describe(ch chan<- *prometheus.Desc) {
	ch <- q.pending
	ch <- q.retrying
	ch <- q.oldest
	ch <- q.given
}

func (q *deliveryQueues) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for channel, count := range q.backlogs {
		b, err := count(ctx)
		if err != nil {
			continue
		}
		ch <- prometheus.MustNewConstMetric(q.pending, prometheus.GaugeValue, float64(b.Pending), channel)
		ch <- prometheus.MustNewConstMetric(q.retrying, prometheus.GaugeValue, float64(b.Retrying), channel)
		ch <- prometheus.MustNewConstMetric(q.oldest, prometheus.GaugeValue, b.OldestPending.Seconds(), channel)
		ch <- prometheus.MustNewConstMetric(q.given, prometheus.GaugeValue, float64(b.Failed), channel)
	}
}
