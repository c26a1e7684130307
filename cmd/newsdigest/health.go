package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	bolt "go.etcd.io/bbolt"

	"newsdigest/ops"
)

// readiness lists what /readyz checks: the database answers and accepts
// writes, updates were received recently, and articles were ingested
// recently.
func (m *Main) readiness() []ops.Check {
	checks := []ops.Check{
		{Name: "database", Run: func(context.Context) error { return m.db.View(func(*bolt.Tx) error { return nil }) }},
		m.writes.Check(),
		{Name: "ingest", Run: m.checkIngest},
	}
	if m.cfg.WebhookURL == "" { // a webhook is only called when users write
		checks = append(checks, ops.Check{Name: "updates", Run: m.checkUpdates})
	}
	return checks
}

// checkUpdates fails when the updates loop has not heard from Telegram for
// three long-poll periods: the service runs but serves nobody.
func (m *Main) checkUpdates(context.Context) error {
	last := m.bot.LastContact()
	if last.IsZero() {
		return errors.New("no answer from the Bot API yet")
	}
	if age := time.Since(last); age > 3*time.Minute {
		return fmt.Errorf("last answer from the Bot API %s ago", age.Round(time.Second))
	}
	return nil
}

// checkIngest fails before the first ingest finished and when ingests stop
// finishing (three periods missed).
func (m *Main) checkIngest(context.Context) error {
	ns := m.lastIngest.Load()
	if ns == 0 {
		return errors.New("first ingest not finished yet")
	}
	if age := time.Since(time.Unix(0, ns)); age > 3*m.cfg.IngestEvery {
		return fmt.Errorf("last ingest finished %s ago", age.Round(time.Second))
	}
	return nil
}

// gauges exposes state that lives in the database, read at scrape time.
func (m *Main) gauges() {
	m.reg.MustRegister(stateCollector{m: m,
		pending:     prometheus.NewDesc("newsdigest_outbox_pending", "Delivery records waiting to be sent.", nil, nil),
		failed:      prometheus.NewDesc("newsdigest_outbox_failed", "Delivery records parked after repeated failures.", nil, nil),
		subscribers: prometheus.NewDesc("newsdigest_subscribers", "Subscribers by state.", []string{"state"}, nil),
	})
}

// stateCollector reads the outbox and the subscriber counts once per scrape
// (each is a scan of its bucket) and reports every gauge from that reading.
type stateCollector struct {
	m                            *Main
	pending, failed, subscribers *prometheus.Desc
}

func (c stateCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.pending
	ch <- c.failed
	ch <- c.subscribers
}

func (c stateCollector) Collect(ch chan<- prometheus.Metric) {
	ctx := context.Background()
	if st, err := c.m.delivery.Stats(ctx); err == nil {
		ch <- prometheus.MustNewConstMetric(c.pending, prometheus.GaugeValue, float64(st.Pending))
		ch <- prometheus.MustNewConstMetric(c.failed, prometheus.GaugeValue, float64(st.Failed))
	}
	if st, err := c.m.subs.Stats(ctx); err == nil {
		for state, n := range map[string]int{"active": st.Active, "paused": st.Paused, "inactive": st.Inactive} {
			ch <- prometheus.MustNewConstMetric(c.subscribers, prometheus.GaugeValue, float64(n), state)
		}
	}
}
