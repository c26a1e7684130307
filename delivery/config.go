package delivery

import (
	"newsdigest/metrics"

	"context"
	"log/slog"
	"time"
)

// Config tunes the service. Zero values mean the defaults in parentheses.
type Config struct {
	BatchSize     int                             // delivery records written per transaction (500)
	Workers       int                             // records being delivered at once (512)
	InFlight      int                             // messages handed to the Sender and not yet recorded as sent (32): the most a crash can duplicate
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
	Now           func() time.Time
	Log           *slog.Logger
	Metrics       *metrics.Metrics // optional: push and digest-build durations
}

func (c Config) withDefaults() Config {
	c.BatchSize = orInt(c.BatchSize, 500)
	c.Workers = orInt(c.Workers, 512)
	c.InFlight = orInt(c.InFlight, 32)
	c.MaxAttempts = orInt(c.MaxAttempts, 6)
	c.MaxRetryAfter = orDur(c.MaxRetryAfter, time.Hour)
	c.BackoffBase = orDur(c.BackoffBase, time.Second)
	c.BackoffMax = orDur(c.BackoffMax, 5*time.Minute)
	c.Grace = orDur(c.Grace, 6*time.Hour)
	c.NewWindow = orDur(c.NewWindow, 24*time.Hour)
	c.IngestEvery = orDur(c.IngestEvery, 15*time.Minute)
	c.Retention = orDur(c.Retention, 7*24*time.Hour)
	c.Shutdown = orDur(c.Shutdown, 10*time.Second)
	if c.PruneSpec == "" {
		c.PruneSpec = "@daily"
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	return c
}

func orInt(v, d int) int {
	if v <= 0 {
		return d
	}
	return v
}

func orDur(v, d time.Duration) time.Duration {
	if v <= 0 {
		return d
	}
	return v
}
