package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	bolt "go.etcd.io/bbolt"

	"newsdigest/bot"
	"newsdigest/delivery"
	"newsdigest/digest"
	"newsdigest/metrics"
	"newsdigest/news"
	"newsdigest/ops"
	"newsdigest/subscriptions"
)

// errNoToken stops a container or service started without a token: it
// exits non-zero so the failure shows (docker ps, systemctl status) instead
// of a clean exit restarted forever.
var errNoToken = errors.New("TELEGRAM_BOT_TOKEN is not set, so the bot cannot run: set it to the token @BotFather gave you " +
	"(in Docker: in the env file). `newsdigest digest` prints the digest of the built-in seeds without a token")

// runMain runs the bot. Without a token, a newcomer gets the seed digest and
// a hint (exit 0), whether or not a terminal is attached (scripts and CI try
// it too); a deployment that declares it needs the bot
// (NEWSDIGEST_REQUIRE_TOKEN=1, set in the container image) fails with
// errNoToken instead.
func runMain(ctx context.Context, env *cliEnv, args []string) error {
	cfg, rest, err := loadConfig("run", env.environ, args, env.stderr)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("unexpected arguments %q (run takes only flags)", rest)
	}
	if cfg.Token == "" && cfg.RequireToken {
		return errNoToken
	}
	if cfg.Token == "" {
		if err := printSeedDigest(ctx, env.stdout, env.stderr, seedsFS(cfg.SeedsDir), "text", "en"); err != nil {
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

// Main is the running service: one bbolt file shared by the stores, the
// delivery service and the bot.
type Main struct {
	cfg      Config
	log      *slog.Logger
	reg      *prometheus.Registry
	metrics  *metrics.Metrics
	db       *bolt.DB
	articles *news.Store
	subs     *subscriptions.Store
	ingester *news.Ingester
	delivery *delivery.Service
	bot      *bot.Bot
	writes   ops.WriteHealth // the bot's database writes, for /readyz

	lastIngest  atomic.Int64  // unix nanoseconds of the last finished ingest
	firstIngest chan struct{} // closed when the ingest at start finished
}

// NewMain opens the database and connects to the Bot API. ctx bounds every
// Bot API request the service will make.
func NewMain(ctx context.Context, cfg Config, log *slog.Logger) (*Main, error) {
	db, err := openDB(cfg.DBPath)
	if err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := &Main{cfg: cfg, log: log, db: db, reg: reg, metrics: metrics.New(reg), firstIngest: make(chan struct{})}
	if err := m.wire(ctx); err != nil {
		return nil, errors.Join(err, m.closeDelivery(), db.Close())
	}
	return m, nil
}

// openDB opens and checks the database: a damaged file is an error naming
// the file and the fix (newsdigest restore), not a panic or a crash loop.
func openDB(path string) (*bolt.DB, error) {
	return ops.OpenDB(path, false, 5*time.Second)
}

func (m *Main) wire(ctx context.Context) error {
	engine, err := digest.NewEngine(digest.Config{ExtraTopics: m.cfg.ExtraTopics})
	if err != nil {
		return fmt.Errorf("digest engine: %w", err)
	}
	if err := m.stores(ctx, engine); err != nil {
		return err
	}
	// Not cancelled with ctx: at shutdown the delivery service lets sends on
	// the wire finish (up to its deadline), else they would be repeated after
	// a restart. The updates loop and replies carry their own contexts.
	api, err := bot.NewAPI(context.WithoutCancel(ctx), m.cfg.Token, m.cfg.APIEndpoint, 90*time.Second)
	if err != nil {
		return err
	}
	sender := bot.NewSender(api, bot.SenderConfig{Token: m.cfg.Token, PaidBroadcast: m.cfg.PaidBroadcast})
	m.delivery, err = delivery.New(m.db, m.subs, m.articles, engine, meteredSender{sender, m.metrics}, delivery.Config{
		Ingest: m.ingest, IngestEvery: m.cfg.IngestEvery, Log: m.log, Metrics: m.metrics, AlertsPerDay: alertsSetting(m.cfg.AlertsPerDay),
	})
	if err != nil {
		return err
	}
	m.bot = bot.New(api, m.botConfig(), m.subs, m.delivery, m.log,
		bot.WithDB(m.db), bot.WithOps(m.opsAdapter()), bot.WithSearch(m.delivery), bot.WithDigestPages(m.delivery),
		bot.WithFeeds(feedAdmin{Store: m.articles, ingester: m.ingester}), bot.WithPrivateFeeds(m.cfg.AllowPrivate),
		bot.WithFileEndpoint(bot.FileEndpoint(m.cfg.APIEndpoint)), bot.WithMetrics(m.metrics), bot.WithLimiter(sender),
		bot.WithWriteReporter(&m.writes))
	m.gauges()
	return nil
}

func (m *Main) opsAdapter() opsAdapter {
	return opsAdapter{delivery: m.delivery, subs: m.subs, articles: m.articles, now: time.Now}
}

// stores opens the article and subscription stores and the ingester, which
// feeds every article it stores to engine's boilerplate learner and has
// the engine prepare it.
func (m *Main) stores(ctx context.Context, engine *digest.Engine) error {
	var err error
	if m.articles, err = news.NewStore(ctx, m.db); err != nil {
		return err
	}
	if m.subs, err = subscriptions.NewStore(ctx, m.db); err != nil {
		return err
	}
	if _, err := firstStartFeeds(ctx, m.articles, m.cfg); err != nil {
		return err
	}
	o := ingestOptions(m.cfg, m.log)
	o.Stored = func(arts []news.Article) {
		as := articlesOf(arts)
		engine.Learn(as...)
		engine.Prepare(as...) // the next push finds these prepared
	}
	m.ingester = news.NewIngester(m.articles, o)
	return m.refill(ctx, engine)
}

// refill gives a started engine what its memories held before the restart:
// the stored articles of the last digest.BoilerplateMemoryDays are learnt
// and prepared as the ingester did when it stored them, so the first push
// and alert check after a start drop the outlets' repeated paragraphs and
// adapt topics to each site's recent articles, as they would have without
// the restart (and find those articles prepared).
func (m *Main) refill(ctx context.Context, engine *digest.Engine) error {
	start := time.Now()
	stored, err := m.articles.SinceTime(ctx, start.Add(-digest.BoilerplateMemoryDays*24*time.Hour))
	if err != nil {
		return fmt.Errorf("refill the engine's memory: %w", err)
	}
	as := articlesOf(stored)
	engine.Learn(as...)
	engine.Prepare(as...)
	m.log.Info("engine memory refilled from the store", "articles", len(as), "took", time.Since(start).Round(time.Millisecond))
	return nil
}

func (m *Main) botConfig() bot.Config {
	return bot.Config{
		Token: m.cfg.Token, DefaultTZ: m.cfg.TimeZone, DefaultTimes: m.cfg.DefaultTimes, Admins: m.cfg.Admins, Topics: topics(m.cfg.ExtraTopics),
		WebhookURL: m.cfg.WebhookURL, WebhookAddr: m.cfg.WebhookAddr, WebhookSecret: m.cfg.WebhookSecret,
		AlertsPerDay: alertsSetting(m.cfg.AlertsPerDay),
	}
}

// alertsSetting maps NEWSDIGEST_ALERTS_PER_DAY (0 = off) to the packages'
// AlertsPerDay (0 = their default, negative = off).
func alertsSetting(n int) int {
	if n == 0 {
		return -1
	}
	return n
}

// topics is what subscribers can choose: the taxonomy, then the admins'
// topics, labelled by their ID in both languages.
func topics(extra map[string][]string) []digest.TopicInfo {
	all := digest.Taxonomy()
	for _, id := range sortedKeys(extra) {
		all = append(all, digest.TopicInfo{ID: id, Labels: map[string]string{"ar": id, "en": id}})
	}
	return all
}

// ingest fetches feeds and seeds once; the delivery service's cron calls it.
func (m *Main) ingest(ctx context.Context) error {
	_, err := m.ingestPass(ctx)
	return err
}

// ingestPass is one ingest with its report, also for `newsdigest ingest`
// run while the service holds the database.
func (m *Main) ingestPass(ctx context.Context) (news.Report, error) {
	rep, err := m.ingester.Run(ctx)
	for _, f := range rep.Feeds {
		m.metrics.Ingested(f.URL, f.New, f.Err)
	}
	m.metrics.Ingested("seeds", rep.SeedsNew, rep.SeedErr)
	if err != nil {
		return rep, fmt.Errorf("ingest: %w", err)
	}
	// The ingester logs "ingest done" and unreadable seed files itself.
	m.lastIngest.Store(time.Now().UnixNano())
	if len(rep.NewlyDisabled) > 0 {
		m.log.WarnContext(ctx, "feeds disabled after failing for days", "feeds", rep.NewlyDisabled)
		if err := m.bot.NotifyDisabledFeeds(ctx, rep.NewlyDisabled); err != nil {
			m.log.ErrorContext(ctx, "could not tell the admins about disabled feeds", "err", err)
		}
	}
	return rep, nil
}

// Run serves until ctx ends, then stops receiving updates, lets the
// delivery service finish what is on the wire and stops the ops listener.
func (m *Main) Run(ctx context.Context) error {
	m.log.InfoContext(ctx, "newsdigest running", "bot", m.bot.Username())
	opsDone, err := m.serveOps(ctx)
	if err != nil {
		return err
	}
	go m.ingestAtStart(ctx)
	deliveryDone := make(chan error, 1)
	go func() { deliveryDone <- m.delivery.Run(ctx) }()
	m.bot.RegisterCommands(ctx)
	err = m.bot.Run(ctx)
	err = errors.Join(err, <-deliveryDone, <-opsDone)
	m.log.Info("newsdigest stopped")
	return err
}

// ingestAtStart fetches once right away instead of waiting for the first
// cron tick, so a new install has articles within seconds.
func (m *Main) ingestAtStart(ctx context.Context) {
	defer close(m.firstIngest)
	if err := m.ingest(ctx); err != nil && ctx.Err() == nil {
		m.log.ErrorContext(ctx, "ingest at start failed", "err", err)
	}
}

// Close flushes the delivery state and releases the database. Call it after
// Run returned.
func (m *Main) Close() error {
	err := m.closeDelivery()
	if cerr := m.db.Close(); cerr != nil {
		err = errors.Join(err, fmt.Errorf("close database: %w", cerr))
	}
	return err
}

func (m *Main) closeDelivery() error {
	if m.delivery == nil {
		return nil
	}
	return m.delivery.Close()
}

// serveOps starts the operators' HTTP listener; its error arrives on the
// channel once ctx ends. The address it bound is written to addrPath for
// the ops commands (the port may have been picked) and removed at the end.
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
		Gatherer: m.reg,
		Checks:   m.readiness(),
		Secret:   secret,
		Backup:   func(ctx context.Context, w io.Writer) (int64, error) { return ops.WriteBackup(ctx, m.db, w) },
		Push:     m.opsAdapter().PushNow,
		Command:  m.runServiceCommand,
	})
	ready := make(chan string, 1)
	served := make(chan error, 1)
	go func() { served <- ops.Serve(ctx, m.cfg.HTTPAddr, h, ready) }()
	select {
	case addr := <-ready:
		m.log.InfoContext(ctx, "ops endpoints listening", "addr", addr)
		werr := writePrivate(addrPath(m.cfg), []byte(dialAddr(addr)+"\n"))
		go func() {
			err := <-served
			if rerr := os.Remove(addrPath(m.cfg)); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
				err = errors.Join(err, rerr)
			}
			done <- err
		}()
		if werr != nil {
			m.log.WarnContext(ctx, "the ops commands will not find this service", "err", werr)
		}
		return done, nil
	case err := <-served:
		return nil, err
	}
}

// articlesOf is what the engine reads of stored articles.
func articlesOf(arts []news.Article) []digest.Article {
	out := make([]digest.Article, len(arts))
	for i, a := range arts {
		out[i] = a.Article
	}
	return out
}
