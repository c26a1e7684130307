package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/robfig/cron/v3"
	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"newsdigest/bot"
	"newsdigest/digest"
	"newsdigest/metrics"
	"newsdigest/news"
	"newsdigest/ops"
	"newsdigest/subscriptions"
)

// runMain runs the bot, or without a token prints the seed digest.
func runMain(ctx context.Context, env *cliEnv, args []string) error {
	cfg, _, err := loadConfig("run", env.environ, args, env.stderr)
	if err != nil {
		return err
	}
	if cfg.Token == "" {
		if err := printSeedDigest(ctx, env.stdout, seedsFS(cfg.SeedsDir), "text", "en"); err != nil {
			return err
		}
		fmt.Fprintln(env.stderr, "\nThis is the digest of the built-in seed articles. To run the Telegram bot, set\n"+
			"TELEGRAM_BOT_TOKEN to the token @BotFather gave you and run the same command again.")
		return nil
	}
	log := newLogger(cfg, env.stderr)
	m, err := NewMain(ctx, cfg, log)
	if err != nil {
		return err
	}
	runErr := m.Run(ctx)
	return errors.Join(runErr, m.Close())
}

// Main is the running service: one bbolt file shared by the stores, the bot
// and the cron scheduler.
type Main struct {
	cfg      Config
	log      *slog.Logger
	reg      *prometheus.Registry
	metrics  *metrics.Metrics
	db       *bolt.DB
	articles *news.Store
	subs     *subscriptions.Store
	pusher   *pusher
	bot      *bot.Bot
	cron     *cron.Cron
}

// NewMain opens the database, ingests the seeds and connects to the Bot API.
// ctx bounds every Bot API request the service will make.
func NewMain(ctx context.Context, cfg Config, log *slog.Logger) (*Main, error) {
	db, err := openDB(cfg.DBPath)
	if err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := &Main{cfg: cfg, log: log, db: db, reg: reg, metrics: metrics.New(reg)}
	if err := m.wire(ctx); err != nil {
		return nil, errors.Join(err, db.Close())
	}
	return m, nil
}

func openDB(path string) (*bolt.DB, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("open %s: another newsdigest process holds the database: %w", path, err)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

func (m *Main) wire(ctx context.Context) error {
	var err error
	if m.articles, err = news.NewStore(ctx, m.db); err != nil {
		return err
	}
	if m.subs, err = subscriptions.NewStore(ctx, m.db); err != nil {
		return err
	}
	engine, err := digest.NewEngine(digest.Config{})
	if err != nil {
		return fmt.Errorf("digest engine: %w", err)
	}
	api, err := bot.NewAPI(ctx, m.cfg.Token, m.cfg.APIEndpoint, 90*time.Second)
	if err != nil {
		return err
	}
	m.pusher = &pusher{articles: m.articles, subs: m.subs, engine: engine, seeds: seedsFS(m.cfg.SeedsDir), log: m.log, now: time.Now}
	m.bot = bot.New(api, bot.Config{Token: m.cfg.Token, DefaultTZ: m.cfg.TimeZone}, m.subs, m.pusher, m.log)
	m.pusher.send = m.bot.SendHTML
	if err := m.pusher.ingest(ctx); err != nil {
		return err
	}
	return m.schedule(ctx)
}

func (m *Main) schedule(ctx context.Context) error {
	loc, err := time.LoadLocation(m.cfg.TimeZone)
	if err != nil {
		return err
	}
	logger := cronLogger{m.log}
	m.cron = cron.New(cron.WithLocation(loc), cron.WithLogger(logger),
		cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)))
	_, err = m.cron.AddFunc(m.cfg.PushSchedule, func() {
		if err := m.pusher.PushAll(ctx); err != nil {
			m.log.ErrorContext(ctx, "push failed", "err", err)
		}
	})
	return err
}

// Run serves until ctx ends, then stops polling and waits for a running
// push to finish.
func (m *Main) Run(ctx context.Context) error {
	m.log.InfoContext(ctx, "newsdigest running", "bot", m.bot.Username(), "push_schedule", m.cfg.PushSchedule)
	m.bot.RegisterCommands(ctx)
	opsDone, err := m.serveOps(ctx)
	if err != nil {
		return err
	}
	m.cron.Start()
	err = m.bot.Poll(ctx)
	<-m.cron.Stop().Done()
	err = errors.Join(err, <-opsDone)
	m.log.Info("newsdigest stopped")
	return err
}

// serveOps starts the operators' HTTP listener; its error arrives on the
// channel once ctx ends.
func (m *Main) serveOps(ctx context.Context) (<-chan error, error) {
	done := make(chan error, 1)
	if m.cfg.HTTPAddr == "off" {
		done <- nil
		return done, nil
	}
	secret, err := writeSecret(m.cfg)
	if err != nil {
		return nil, err
	}
	h := ops.Handler(ops.Options{
		Gatherer:     m.reg,
		Checks:       []ops.Check{{Name: "database", Run: m.checkDB}},
		BackupSecret: secret,
		Backup:       func(ctx context.Context, w io.Writer) (int64, error) { return ops.WriteBackup(ctx, m.db, w) },
	})
	ready := make(chan string, 1)
	go func() { done <- ops.Serve(ctx, m.cfg.HTTPAddr, h, ready) }()
	select {
	case addr := <-ready:
		m.log.InfoContext(ctx, "ops endpoints listening", "addr", addr)
		return done, nil
	case err := <-done:
		return nil, err
	}
}

func (m *Main) checkDB(context.Context) error {
	return m.db.View(func(*bolt.Tx) error { return nil })
}

// Close releases the database.
func (m *Main) Close() error {
	if err := m.db.Close(); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	return nil
}

// cronLogger sends robfig/cron's log lines to slog.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
