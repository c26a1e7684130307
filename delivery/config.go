package delivery

import (
	"cmp"
	"context"
	"log/slog"
	"time"

	"newsdigest/metrics"
)

// Config tunes the service. Zero values mean the defaults in parentheses.
type Config struct {
	BatchSize     int                             // delivery records written per transaction (500)
	Workers       int                             // messages being prepared, sent or recorded at once (512)
	InFlight      int                             // messages handed to the Sender and not yet recorded as sent (DefaultInFlight): the most a crash can duplicate
	CommitEvery   time.Duration                   // at most one outbox commit (fsync) per this interval (30 ms)
	MaxRetryAfter time.Duration                   // a longer 429 wait defers the record instead of blocking (1 h)
	MaxAttempts   int                             // tries on 5xx/network errors before a record is parked as failed (6)
	BackoffBase   time.Duration                   // first backoff after a 5xx/network error, doubled each try, with jitter (1 s)
	BackoffMax    time.Duration                   // backoff ceiling (5 min)
	Grace         time.Duration                   // slots missed while down for longer than this are skipped (6 h)
	NewWindow     time.Duration                   // a new subscriber's first digest covers this much (24 h)
	IngestEvery   time.Duration                   // how often the Ingest job runs (15 min)
	Ingest        func(ctx context.Context) error // fetch feeds and store articles; nil = no ingest job
	PruneSpec     string                          // cron spec of the daily pruning ("@daily")
	Retention     time.Duration                   // failed records are kept this long for /stats (7 days)
	Shutdown      time.Duration                   // how long in-flight sends may finish after Run's context ends (10 s)
	AlertsPerDay  int                             // breaking-news alerts one chat gets a local day at most (DefaultAlertsPerDay); negative: no alerts
	Now           func() time.Time
	Log           *slog.Logger
	Metrics       *metrics.Metrics // optional: push and digest-build durations
}

// DefaultInFlight is the default delivery window: sends handed to the
// Sender and not yet durably marked sent, hence the most a crash can
// repeat. The window must cover rate × (round trip + CommitEvery + fsync),
// since marks are group-committed: at the paid 1,000/s and Telegram's
// ~100 ms round trip that is ~150; 256 leaves room for a slow disk.
const DefaultInFlight = 256

func (c Config) withDefaults() Config {
	c.BatchSize = positiveOr(c.BatchSize, 500)
	c.Workers = positiveOr(c.Workers, 512)
	c.InFlight = positiveOr(c.InFlight, DefaultInFlight)
	c.CommitEvery = positiveOr(c.CommitEvery, 30*time.Millisecond)
	c.MaxAttempts = positiveOr(c.MaxAttempts, 6)
	c.MaxRetryAfter = positiveOr(c.MaxRetryAfter, time.Hour)
	c.BackoffBase = positiveOr(c.BackoffBase, time.Second)
	c.BackoffMax = positiveOr(c.BackoffMax, 5*time.Minute)
	c.Grace = positiveOr(c.Grace, 6*time.Hour)
	c.NewWindow = positiveOr(c.NewWindow, 24*time.Hour)
	c.IngestEvery = positiveOr(c.IngestEvery, 15*time.Minute)
	c.Retention = positiveOr(c.Retention, 7*24*time.Hour)
	c.Shutdown = positiveOr(c.Shutdown, 10*time.Second)
	c.PruneSpec = cmp.Or(c.PruneSpec, "@daily")
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	return c
}

// positiveOr is cmp.Or for settings where a negative value is as unusable
// as zero (a negative pool size or backoff) and also means the default.
func positiveOr[T int | time.Duration](v, d T) T {
	if v <= 0 {
		return d
	}
	return v
}
