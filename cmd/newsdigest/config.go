package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"newsdigest/bot"
	"newsdigest/digest"
	"newsdigest/subscriptions"
)

// Config is the effective configuration of the service and its commands.
type Config struct {
	Token         string
	APIEndpoint   string
	DBPath        string
	SeedsDir      string
	TimeZone      string
	DefaultTimes  []string
	HTTPAddr      string
	Admins        []int64
	WebhookURL    string
	WebhookAddr   string
	WebhookSecret string
	Feeds         string // first-start feed list: "URL [topic…]" separated by commas or lines
	FeedsFile     string
	AllowPrivate  bool
	RequireToken  bool
	IngestEvery   time.Duration
	Retention     time.Duration
	PaidBroadcast bool
	AlertsPerDay  int                 // breaking-news alerts a chat gets a day at most; 0 = alerts off
	ExtraTopics   map[string][]string // admin topics: ID → keywords
	LogLevel      slog.Level
	LogFormat     string

	raw map[string]string // effective values by variable, for `newsdigest config`
}

// option is one setting: an environment variable, the flag that overrides
// it, its default and how to apply it. The README's configuration table lists
// exactly these.
type option struct {
	env, flag, def, usage string
	secret                bool
	set                   func(c *Config, v string) error
}

func options() []option {
	return []option{
		{env: "TELEGRAM_BOT_TOKEN", flag: "token", secret: true, usage: "Bot API token from @BotFather; without one, print the seed digest and exit",
			set: setToken},
		{env: "TELEGRAM_API_ENDPOINT", flag: "api-endpoint", def: "https://api.telegram.org/bot%s/%s", usage: "Bot API URL pattern (token, method), e.g. http://127.0.0.1:8081/bot%s/%s",
			set: setEndpoint},
		{env: "NEWSDIGEST_DB", flag: "db", def: "./newsdigest.db", usage: "bbolt database file",
			set: func(c *Config, v string) error { c.DBPath = v; return validDBPath(v) }},
		{env: "NEWSDIGEST_SEEDS_DIR", flag: "seeds", usage: "folder of seed article files, re-read at every ingest (default: the seeds embedded in the binary)",
			set: func(c *Config, v string) error { c.SeedsDir = v; return nil }},
		{env: "NEWSDIGEST_TZ", flag: "tz", def: "UTC", usage: "IANA time zone of new subscribers (their digests come at 08:00 there)",
			set: func(c *Config, v string) error { c.TimeZone = v; return validZone(v) }},
		{env: "NEWSDIGEST_DEFAULT_TIMES", flag: "default-times", def: "08:00", usage: "delivery times of new subscribers, local to their zone, comma-separated HH:MM",
			set: func(c *Config, v string) (err error) { c.DefaultTimes, err = parseTimes(v); return err }},
		{env: "NEWSDIGEST_ADMINS", flag: "admins", usage: "Telegram user IDs of the bot's admins, separated by commas",
			set: func(c *Config, v string) (err error) { c.Admins, err = bot.ParseAdmins(v); return err }},
		{env: "NEWSDIGEST_EXTRA_TOPICS", flag: "extra-topics", usage: "admin topics as keyword sets: \"id=word|word; id2=word\" (Arabic or English words)",
			set: func(c *Config, v string) (err error) { c.ExtraTopics, err = parseExtraTopics(v); return err }},
		{env: "NEWSDIGEST_FEEDS", flag: "feeds", usage: "feeds to subscribe to on first start: \"URL [topic…]\" separated by commas",
			set: func(c *Config, v string) error { c.Feeds = v; return nil }},
		{env: "NEWSDIGEST_FEEDS_FILE", flag: "feeds-file", usage: "file of feeds for first start: one \"URL [topic…]\" per line, or OPML",
			set: func(c *Config, v string) error { c.FeedsFile = v; return readable(v) }},
		{env: "NEWSDIGEST_ALLOW_PRIVATE_FEEDS", flag: "allow-private-feeds", def: "0", usage: "1 allows feeds on loopback/private addresses (intranets, tests)",
			set: func(c *Config, v string) (err error) { c.AllowPrivate, err = boolFlag(v); return err }},
		{env: "NEWSDIGEST_REQUIRE_TOKEN", flag: "require-token", def: "0", usage: "1 makes run fail without a token instead of printing the seed digest (set in the container image)",
			set: func(c *Config, v string) (err error) { c.RequireToken, err = boolFlag(v); return err }},
		{env: "NEWSDIGEST_INGEST_EVERY", flag: "ingest-every", def: "15m", usage: "how often feeds and seeds are fetched",
			set: func(c *Config, v string) (err error) { c.IngestEvery, err = duration(v, time.Minute); return err }},
		{env: "NEWSDIGEST_RETENTION", flag: "retention", def: "336h", usage: "how long articles are kept (default 14 days)",
			set: func(c *Config, v string) (err error) { c.Retention, err = duration(v, time.Hour); return err }},
		{env: "NEWSDIGEST_PAID_BROADCAST", flag: "paid-broadcast", def: "0", usage: "1 sends with allow_paid_broadcast (costs Telegram Stars) at up to 1000 messages/s",
			set: func(c *Config, v string) (err error) { c.PaidBroadcast, err = boolFlag(v); return err }},
		{env: "NEWSDIGEST_ALERTS_PER_DAY", flag: "alerts-per-day", def: "3", usage: "breaking-news alerts one chat gets a day at most (0-24); 0 turns /alerts off for everyone",
			set: func(c *Config, v string) (err error) { c.AlertsPerDay, err = intIn(v, 0, 24); return err }},
		{env: "NEWSDIGEST_WEBHOOK_URL", flag: "webhook-url", usage: "public HTTPS URL for Telegram's webhook; empty = long polling",
			set: setWebhookURL},
		{env: "NEWSDIGEST_WEBHOOK_ADDR", flag: "webhook-addr", def: ":8443", usage: "listen address of the webhook server",
			set: func(c *Config, v string) error { c.WebhookAddr = v; return validAddr(v) }},
		{env: "NEWSDIGEST_WEBHOOK_SECRET", flag: "webhook-secret", secret: true, usage: "secret_token Telegram sends with every webhook call (default: random per start)",
			set: func(c *Config, v string) error { c.WebhookSecret = v; return nil }},
		{env: "NEWSDIGEST_HTTP_ADDR", flag: "http-addr", def: "127.0.0.1:8080", usage: "listen address of /healthz, /readyz, /metrics and /backup; \"off\" disables it",
			set: func(c *Config, v string) error { c.HTTPAddr = v; return validAddr(v) }},
		{env: "NEWSDIGEST_LOG_LEVEL", flag: "log-level", def: "info", usage: "debug, info, warn or error",
			set: func(c *Config, v string) error { return c.LogLevel.UnmarshalText([]byte(v)) }},
		{env: "NEWSDIGEST_LOG_FORMAT", flag: "log-format", def: "text", usage: "text or json",
			set: func(c *Config, v string) error { c.LogFormat = v; return oneOf(v, "text", "json") }},
	}
}

// loadConfig applies defaults, then the environment (a list of KEY=value
// lines, so tests never touch the real environment), then flags.
func loadConfig(name string, env, args []string, stderr io.Writer) (Config, []string, error) {
	return loadConfigWith(name, env, args, stderr, nil)
}

// loadConfigWith is loadConfig for a command with flags of its own, which
// extra defines on the same flag set. Flags may come before, between or
// after the positional arguments (returned in order); "--" ends the flags.
func loadConfigWith(name string, env, args []string, stderr io.Writer, extra func(*flag.FlagSet)) (Config, []string, error) {
	opts := options()
	values := map[string]string{}
	for _, o := range opts {
		values[o.env] = o.def
	}
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			if _, known := values[k]; known && v != "" {
				values[k] = v
			}
		}
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	flagVals := map[string]*string{}
	for _, o := range opts {
		flagVals[o.env] = fs.String(o.flag, values[o.env], o.usage+" ($"+o.env+")")
	}
	if extra != nil {
		extra(fs)
	}
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return Config{}, nil, err
	}
	c := Config{raw: map[string]string{}}
	for _, o := range opts {
		v := *flagVals[o.env]
		if err := o.set(&c, v); err != nil {
			return Config{}, nil, fmt.Errorf("config: %s: %w", o.env, err)
		}
		c.raw[o.env] = v
	}
	return c, rest, nil
}

// parseInterspersed parses flags wherever they stand among the arguments
// and returns the positional ones ("feeds add URL --db x" honours --db).
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		left := fs.Args()
		if consumed := len(args) - len(left); consumed > 0 && args[consumed-1] == "--" {
			return append(rest, left...), nil
		}
		if len(left) == 0 {
			return rest, nil
		}
		rest, args = append(rest, left[0]), left[1:]
	}
}

// A Bot API token is "<bot id>:<secret>"; the value itself never appears in
// an error.
var tokenPattern = regexp.MustCompile(`^[0-9]{1,20}:[A-Za-z0-9_-]{20,}$`)

func setToken(c *Config, v string) error {
	v = strings.TrimSpace(v)
	if v != "" && !tokenPattern.MatchString(v) {
		return errors.New("not a Bot API token (expected 123456789:AA... as @BotFather gives it)")
	}
	c.Token = v
	return nil
}

func setEndpoint(c *Config, v string) error {
	if strings.Count(v, "%s") != 2 || !(strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://")) {
		return fmt.Errorf("%q must be an http(s) URL with two %%s (token, method)", v)
	}
	c.APIEndpoint = v
	return nil
}

// validDBPath catches the usual deployment mistake (a volume not mounted)
// at start, with the variable's name, rather than at the first write.
func validDBPath(v string) error {
	if v == "" {
		return errors.New("must not be empty")
	}
	dir := filepath.Dir(v)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("folder %s of %s does not exist (mount the data volume or create it)", dir, v)
	}
	return nil
}

func setWebhookURL(c *Config, v string) error {
	if v != "" && !strings.HasPrefix(v, "https://") {
		return fmt.Errorf("%q must be an https:// URL (Telegram only calls HTTPS webhooks)", v)
	}
	c.WebhookURL = v
	return nil
}

func readable(path string) error {
	if path == "" {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	return f.Close()
}

// parseExtraTopics reads "id=word|word; id2=word". IDs take the shape of
// the taxonomy's and must not shadow one of its topics.
func parseExtraTopics(v string) (map[string][]string, error) {
	if strings.TrimSpace(v) == "" {
		return nil, nil
	}
	known := map[string]bool{}
	for _, t := range digest.Taxonomy() {
		known[t.ID] = true
	}
	topics := map[string][]string{}
	for _, part := range strings.Split(v, ";") {
		id, words, ok := strings.Cut(strings.TrimSpace(part), "=")
		id = strings.TrimSpace(id)
		if !ok || !digest.IsTopicID(id) || known[id] {
			return nil, fmt.Errorf("%q is not id=word|word with a new lowercase topic ID", part)
		}
		for _, w := range strings.Split(words, "|") {
			if w = strings.TrimSpace(w); w != "" {
				topics[id] = append(topics[id], w)
			}
		}
		if len(topics[id]) == 0 {
			return nil, fmt.Errorf("topic %q has no keywords", id)
		}
	}
	return topics, nil
}

func parseTimes(v string) ([]string, error) {
	var times []string
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
		t, err := subscriptions.ParseTime(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not a time of day (HH:MM): %w", f, err)
		}
		times = append(times, t)
	}
	if len(times) == 0 {
		return nil, errors.New("at least one time is needed")
	}
	return times, nil
}

func boolFlag(v string) (bool, error) {
	switch v {
	case "1", "true":
		return true, nil
	case "0", "false", "":
		return false, nil
	}
	return false, fmt.Errorf("%q is not 0 or 1", v)
}

// intIn parses a whole number from lo to hi.
func intIn(v string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%q is not a whole number from %d to %d", v, lo, hi)
	}
	return n, nil
}

// duration parses a Go duration of at least min.
func duration(v string, min time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration such as 15m or 336h: %w", v, err)
	}
	if d < min {
		return 0, fmt.Errorf("%s is shorter than %s", d, min)
	}
	return d, nil
}

func validAddr(v string) error {
	if v == "off" {
		return nil
	}
	if _, _, err := net.SplitHostPort(v); err != nil {
		return fmt.Errorf("%q is not host:port: %w", v, err)
	}
	return nil
}

func validZone(v string) error {
	if _, err := time.LoadLocation(v); err != nil {
		return fmt.Errorf("unknown time zone %q: %w", v, err)
	}
	return nil
}

func oneOf(v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return fmt.Errorf("%q is not one of %s", v, strings.Join(allowed, ", "))
}

func newLogger(c Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
