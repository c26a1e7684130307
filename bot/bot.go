// Package bot is newsdigest's Telegram side: the updates loop, the command
// router and handlers, and the texts users read. It does not build digests:
// it asks a Digests service for them.
package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	bolt "go.etcd.io/bbolt"

	"newsdigest/digest"
	"newsdigest/metrics"
	"newsdigest/subscriptions"
)

// Digests delivers digests on demand. The delivery service implements it.
type Digests interface {
	// SendNow sends chatID the digest of what is new for it, ahead of any
	// bulk push, and reports how many stories it held (0: nothing new).
	SendNow(ctx context.Context, chatID int64) (int, error)
}

// Ops is what bot admins trigger from Telegram. The delivery service,
// adapted in cmd/newsdigest, implements it; without it /pushnow and
// /broadcast answer that they are not available.
type Ops interface {
	// PushNow sends the digest to the given chats now (every active
	// subscriber when chatIDs is empty), through the same outbox and
	// rate-limited sender as scheduled pushes, calling progress as chats are
	// done. It returns when all are done or ctx ends.
	PushNow(ctx context.Context, chatIDs []int64, progress func(done, total int)) error
	// Broadcast queues one Telegram-HTML message for every active subscriber
	// through the digest sending path and returns how many chats it queued.
	Broadcast(ctx context.Context, html string) (int, error)
	// Status reports delivery figures for /stats.
	Status(ctx context.Context) (OpsStatus, error)
}

// OpsStatus is the delivery part of /stats.
type OpsStatus struct {
	ArticlesToday int
	LastPush      time.Time // zero: never
	Pending       int
	Failed        int
}

// Config holds the bot's settings.
type Config struct {
	Token        string
	PollTimeout  time.Duration // getUpdates long-poll timeout; default 50 s
	DefaultTZ    string        // IANA zone for new subscribers
	DefaultTimes []string      // delivery times "HH:MM" for new subscribers; default subscriptions.New's
	Admins       []int64       // Telegram user IDs of bot admins (NEWSDIGEST_ADMINS)

	WebhookURL    string // public HTTPS URL Telegram posts updates to; empty = long polling
	WebhookAddr   string // listen address of the webhook server; default ":8443"
	WebhookSecret string // secret_token; empty = a random one per start

	Workers       int                // chats whose updates are handled at once; default 16
	UserRate      float64            // commands per second per user; default 1
	UserBurst     int                // commands a user may send at once; default 8
	GroupRate     float64            // commands per minute one group or channel may send, whoever writes; default 20 (Telegram's posting limit there)
	GroupBurst    int                // commands a group may send at once; default 5
	AdminCacheTTL time.Duration      // how long a chat's administrator list is trusted; default 2 min
	Topics        []digest.TopicInfo // the topics offered; default digest.Taxonomy()
	AlertsPerDay  int                // breaking-news alerts a chat gets a day at most (shown by /alerts); default DefaultAlertsPerDay; negative: alerts off
}

func (c Config) withDefaults() Config {
	c.PollTimeout = positiveOr(c.PollTimeout, 50*time.Second)
	c.DefaultTZ = cmp.Or(c.DefaultTZ, "UTC")
	c.WebhookAddr = cmp.Or(c.WebhookAddr, ":8443")
	c.Workers = positiveOr(c.Workers, 16)
	c.UserRate = positiveOr(c.UserRate, 1)
	c.UserBurst = positiveOr(c.UserBurst, 8)
	c.GroupRate = positiveOr(c.GroupRate, 20)
	c.GroupBurst = positiveOr(c.GroupBurst, 5)
	c.AdminCacheTTL = positiveOr(c.AdminCacheTTL, 2*time.Minute)
	if len(c.Topics) == 0 {
		c.Topics = digest.Taxonomy()
	}
	return c
}

// positiveOr is v, or d when v is zero or negative: unlike cmp.Or, it also
// replaces a negative setting, which none of these can mean.
func positiveOr[T int | int64 | float64 | time.Duration](v, d T) T {
	if v <= 0 {
		return d
	}
	return v
}

// Bot answers Telegram updates.
type Bot struct {
	api     *tgbotapi.BotAPI
	cfg     Config
	subs    *subscriptions.Store
	digests Digests
	ops     Ops         // optional
	db      *bolt.DB    // optional: /backup
	feeds   feedAdmin   // optional: /addfeed, /delfeed, /feeds, /exportfeeds, OPML import
	search  Searcher    // optional: /search
	pages   DigestPages // optional: the digests' More button
	log     *slog.Logger
	now     func() time.Time

	commands           map[string]route // command name → handler; read-only after New
	limiter            *userLimiter     // per sender, counted as updates arrive
	chatLimiter        *userLimiter     // per group or channel, counted as updates arrive
	recent             *recentIDs       // update IDs handled lately
	writes             WriteReporter
	retryPause         time.Duration // tests: the first pause before a failed update is retried; default 1 s
	webhookReadTimeout time.Duration // tests: how long a webhook request may take to arrive; default 30 s
	admins             *adminCache
	pending            *pendingStore         // broadcasts waiting for their confirmation
	editing            *editTargets          // private chat → channel whose settings it edits
	bg                 sync.WaitGroup        // background work (/pushnow) that shutdown waits for
	afterHandle        func(tgbotapi.Update) // tests: runs after each handled update

	metrics     *metrics.Metrics // optional
	limiter429  Limiter          // optional: Telegram's flood limits for replies
	lastContact atomic.Int64     // unix nanoseconds of the last answer from the Bot API (or webhook call)
}

// Option adds an optional part to a Bot.
type Option func(*Bot)

// WithOps enables /pushnow, /broadcast and the delivery part of /stats.
func WithOps(ops Ops) Option { return func(b *Bot) { b.ops = ops } }

// WithDB enables /backup of the given database.
func WithDB(db *bolt.DB) Option { return func(b *Bot) { b.db = db } }

// WithMetrics counts updates and commands.
func WithMetrics(m *metrics.Metrics) Option { return func(b *Bot) { b.metrics = m } }

// LastContact is when Telegram last answered getUpdates or called the
// webhook; zero before the first time. Readiness checks use it.
func (b *Bot) LastContact() time.Time {
	ns := b.lastContact.Load()
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}

func (b *Bot) touch() { b.lastContact.Store(time.Now().UnixNano()) }

// WithFeeds enables the feed-management commands and OPML import.
func WithFeeds(f Feeds) Option { return func(b *Bot) { b.feeds.svc = f } }

// WithClock sets the bot's clock (tests).
func WithClock(now func() time.Time) Option { return func(b *Bot) { b.now = now } }

// New returns a bot over an already connected client (see NewAPI).
func New(api *tgbotapi.BotAPI, cfg Config, subs *subscriptions.Store, digests Digests, log *slog.Logger, opts ...Option) *Bot {
	cfg = cfg.withDefaults()
	b := &Bot{api: api, cfg: cfg, subs: subs, digests: digests, log: log, now: time.Now}
	for _, o := range opts {
		o(b)
	}
	b.touch() // NewAPI's getMe just succeeded
	b.limiter = newUserLimiter(cfg.UserRate, cfg.UserBurst)
	b.chatLimiter = newUserLimiter(cfg.GroupRate/60, cfg.GroupBurst)
	b.recent = newRecentIDs()
	b.admins = newAdminCache(cfg.AdminCacheTTL)
	b.pending = newPendingStore()
	b.editing = newEditTargets()
	b.commands = b.routes()
	return b
}

// ParseAdmins reads NEWSDIGEST_ADMINS: user IDs separated by commas or
// spaces.
func ParseAdmins(s string) ([]int64, error) {
	var ids []int64
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil || id <= 0 {
			return nil, fmt.Errorf("bot: admin ID %q is not a Telegram user ID", f)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func (b *Bot) isBotAdmin(from *tgbotapi.User) bool {
	return from != nil && slices.Contains(b.cfg.Admins, from.ID)
}

// Username is the bot's @name as Telegram reports it.
func (b *Bot) Username() string { return b.api.Self.UserName }

// SendHTML sends one Telegram-HTML message to a chat, without link previews.
// Command replies go through it too (replyErr); sendMarkup serves the
// messages that carry a keyboard or whose ID is needed for later edits.
func (b *Bot) SendHTML(ctx context.Context, chatID int64, html string) error {
	_, err := b.sendMarkup(ctx, chatID, html, nil) // checks ctx first
	return err
}

// RegisterCommands publishes the command menu for the default, Arabic and
// English users. The emulator used in tests and some proxies do not
// implement setMyCommands: a failure is logged, not fatal.
func (b *Bot) RegisterCommands(ctx context.Context) {
	for _, lang := range []string{"", "en", "ar"} {
		cfg := tgbotapi.NewSetMyCommands(commandMenu(lang)...)
		cfg.LanguageCode = lang
		if _, err := b.apiFor(ctx).Request(cfg); err != nil {
			b.log.WarnContext(ctx, "setMyCommands failed; continuing without a command menu",
				"lang", lang, "err", Redact(err, b.cfg.Token))
		}
	}
}

// isCanceled reports whether err only says the bot is shutting down.
func isCanceled(ctx context.Context, err error) bool {
	return ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded))
}
