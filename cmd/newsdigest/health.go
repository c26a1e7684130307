package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	bolt "go.etcd.io/bbolt"

	"newsdigest/metrics"
	"newsdigest/ops"
)

// readiness lists what /readyz checks: the database answers, updates were
// received recently, and articles were ingested recently.
func (m *Main) readiness() []ops.Check {
	checks := []ops.Check{
		{Name: "database", Run: func(context.Context) error { return m.db.View(func(*bolt.Tx) error { return nil }) }},
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
	metrics.GaugeFunc(m.reg, "newsdigest_outbox_pending", "Delivery records waiting to be sent.", nil, func() float64 {
		st, err := m.delivery.Stats(context.Background())
		if err != nil {
			return -1
		}
		return float64(st.Pending)
	})
	metrics.GaugeFunc(m.reg, "newsdigest_outbox_failed", "Delivery records parked after repeated failures.", nil, func() float64 {
		st, err := m.delivery.Stats(context.Background())
		if err != nil {
			return -1
		}
		return float64(st.Failed)
	})
	for _, state := range []string{"active", "paused", "inactive"} {
		metrics.GaugeFunc(m.reg, "newsdigest_subscribers", "Subscribers by state.", prometheus.Labels{"state": state}, func() float64 {
			return m.subscriberCount(state)
		})
	}
}

func (m *Main) subscriberCount(state string) float64 {
	st, err := m.subs.Stats(context.Background())
	if err != nil {
		return -1
	}
	return float64(map[string]int{"active": st.Active, "paused": st.Paused, "inactive": st.Inactive}[state])
}
