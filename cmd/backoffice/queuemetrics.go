package main

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// deliveryQueues reports the mail and SMS queues (tables mail_deliveries
// and sms_deliveries, written by notify/) at each scrape: what an operator
// alerts on when the mail server or the SMS gateway is down or refuses.
// Read from the database, so every serve process reports the same
// (shared) queues; when the database does not answer the queue metrics are
// left out of that scrape rather than failing the whole /metrics.
type deliveryQueues struct {
	pool                             *pgxpool.Pool
	pending, retrying, oldest, given *prometheus.Desc
}

func newDeliveryQueues(pool *pgxpool.Pool) *deliveryQueues {
	channel := []string{"channel"}
	return &deliveryQueues{
		pool: pool,
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

// queueStats counts both queues in one statement. Pending rows are found
// through the tables' partial index on pending rows; failed rows are few
// and counted directly.
const queueStats = `
SELECT 'mail', count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'pending' AND attempts > 0),
       COALESCE(EXTRACT(EPOCH FROM now() - min(created_at) FILTER (WHERE status = 'pending')), 0)::float8,
       count(*) FILTER (WHERE status = 'failed')
  FROM mail_deliveries WHERE status <> 'sent'
UNION ALL
SELECT 'sms', count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'pending' AND attempts > 0),
       COALESCE(EXTRACT(EPOCH FROM now() - min(created_at) FILTER (WHERE status = 'pending')), 0)::float8,
       count(*) FILTER (WHERE status = 'failed')
  FROM sms_deliveries WHERE status <> 'sent'`

func (q *deliveryQueues) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	rows, err := q.pool.Query(ctx, queueStats)
	if err != nil {
		return
	}
	defer rows.Close()
	for rows.Next() {
		var channel string
		var pending, retrying, failed int64
		var oldest float64
		if err := rows.Scan(&channel, &pending, &retrying, &oldest, &failed); err != nil {
			return
		}
		ch <- prometheus.MustNewConstMetric(q.pending, prometheus.GaugeValue, float64(pending), channel)
		ch <- prometheus.MustNewConstMetric(q.retrying, prometheus.GaugeValue, float64(retrying), channel)
		ch <- prometheus.MustNewConstMetric(q.oldest, prometheus.GaugeValue, max(oldest, 0), channel)
		ch <- prometheus.MustNewConstMetric(q.given, prometheus.GaugeValue, float64(failed), channel)
	}
}
