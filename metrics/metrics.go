// Package metrics defines newsdigest's Prometheus metrics. Every method is
// safe on a nil *Metrics, so packages can take metrics as an optional
// dependency and tests can leave it out.
package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics holds the service's collectors, registered on one registry (no
// package-level state: each service instance has its own).
type Metrics struct {
	updates      prometheus.Counter
	commands     *prometheus.CounterVec
	sent         prometheus.Counter
	failed       *prometheus.CounterVec
	rateLimited  prometheus.Counter
	retryAfter   prometheus.Counter
	pushDuration prometheus.Histogram
	ingestItems  *prometheus.CounterVec
	ingestErrors *prometheus.CounterVec
	digestBuild  prometheus.Histogram
	breaking     prometheus.Counter
	alerts       prometheus.Counter
}

// New creates the collectors and registers them on reg.
func New(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		updates: prometheus.NewCounter(prometheus.CounterOpts{Name: "newsdigest_updates_handled_total",
			Help: "Telegram updates handled."}),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "newsdigest_commands_total",
			Help: "Bot commands handled, by command (unknown commands count as \"unknown\")."}, []string{"command"}),
		sent: prometheus.NewCounter(prometheus.CounterOpts{Name: "newsdigest_messages_sent_total",
			Help: "Messages Telegram accepted."}),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "newsdigest_messages_failed_total",
			Help: "Message sends that failed, by reason."}, []string{"reason"}),
		rateLimited: prometheus.NewCounter(prometheus.CounterOpts{Name: "newsdigest_telegram_429_total",
			Help: "429 Too Many Requests answers from Telegram."}),
		retryAfter: prometheus.NewCounter(prometheus.CounterOpts{Name: "newsdigest_telegram_retry_after_seconds_total",
			Help: "Sum of retry_after seconds Telegram asked for."}),
		pushDuration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "newsdigest_push_duration_seconds",
			Help:    "Time to compose a push's digests and write them to the outbox (sending then drains newsdigest_outbox_pending).",
			Buckets: prometheus.ExponentialBuckets(0.01, 2, 16)}),
		ingestItems: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "newsdigest_ingest_items_total",
			Help: "New articles stored, by feed."}, []string{"feed"}),
		ingestErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "newsdigest_ingest_errors_total",
			Help: "Feed fetches that failed, by feed."}, []string{"feed"}),
		digestBuild: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "newsdigest_digest_build_seconds",
			Help: "Time to build the stories of a push or an on-demand digest.", Buckets: prometheus.ExponentialBuckets(0.001, 2, 16)}),
		breaking: prometheus.NewCounter(prometheus.CounterOpts{Name: "newsdigest_breaking_stories_total",
			Help: "Breaking stories found (3 outlets within the hour), each counted once."}),
		alerts: prometheus.NewCounter(prometheus.CounterOpts{Name: "newsdigest_alerts_queued_total",
			Help: "Breaking-news alerts written to the outbox (sending counts in newsdigest_messages_sent_total)."}),
	}
	reg.MustRegister(m.updates, m.commands, m.sent, m.failed, m.rateLimited, m.retryAfter,
		m.pushDuration, m.ingestItems, m.ingestErrors, m.digestBuild, m.breaking, m.alerts)
	return m
}

// UpdateHandled counts one Telegram update.
func (m *Metrics) UpdateHandled() {
	if m != nil {
		m.updates.Inc()
	}
}

// Command counts one command by name.
func (m *Metrics) Command(name string) {
	if m != nil {
		m.commands.WithLabelValues(name).Inc()
	}
}

// Sent counts a message Telegram accepted.
func (m *Metrics) Sent() {
	if m != nil {
		m.sent.Inc()
	}
}

// Failed counts a failed send; reason is a short fixed word such as
// "blocked", "chat_not_found", "rate_limited", "server", "network".
func (m *Metrics) Failed(reason string) {
	if m != nil {
		m.failed.WithLabelValues(reason).Inc()
	}
}

// RateLimited counts a 429 and the wait Telegram asked for.
func (m *Metrics) RateLimited(retryAfter time.Duration) {
	if m != nil {
		m.rateLimited.Inc()
		m.retryAfter.Add(retryAfter.Seconds())
	}
}

// PushDone records how long composing and queueing a push took.
func (m *Metrics) PushDone(d time.Duration) {
	if m != nil {
		m.pushDuration.Observe(d.Seconds())
	}
}

// Ingested records a feed fetch: n new items, or an error.
func (m *Metrics) Ingested(feed string, n int, err error) {
	if m == nil {
		return
	}
	if err != nil {
		m.ingestErrors.WithLabelValues(feed).Inc()
		return
	}
	m.ingestItems.WithLabelValues(feed).Add(float64(n))
}

// DigestBuilt records how long building stories took.
func (m *Metrics) DigestBuilt(d time.Duration) {
	if m != nil {
		m.digestBuild.Observe(d.Seconds())
	}
}

// Alerted records an alert check that sent stories (found breaking
// now, or resumed) and queued alerts.
func (m *Metrics) Alerted(stories, queued int) {
	if m != nil {
		m.breaking.Add(float64(stories))
		m.alerts.Add(float64(queued))
	}
}
