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
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Config is the effective configuration of the run command.
type Config struct {
	Token        string
	APIEndpoint  string
	DBPath       string
	PushSchedule string
	SeedsDir     string
	TimeZone     string
	LogLevel     slog.Level
	LogFormat    string
	HTTPAddr     string
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
			set: func(c *Config, v string) error { return setToken(c, v) }},
		{env: "TELEGRAM_API_ENDPOINT", flag: "api-endpoint", def: "https://api.telegram.org/bot%s/%s", usage: "Bot API URL pattern (token, method), e.g. http://127.0.0.1:8081/bot%s/%s",
			set: func(c *Config, v string) error { return setEndpoint(c, v) }},
		{env: "NEWSDIGEST_DB", flag: "db", def: "./newsdigest.db", usage: "bbolt database file",
			set: func(c *Config, v string) error { c.DBPath = v; return validDBPath(v) }},
		{env: "NEWSDIGEST_PUSH_SCHEDULE", flag: "push-schedule", def: "0 8 * * *", usage: "cron schedule of the digest push (in NEWSDIGEST_TZ)",
			set: func(c *Config, v string) error { c.PushSchedule = v; return validCron(v) }},
		{env: "NEWSDIGEST_SEEDS_DIR", flag: "seeds", usage: "folder of seed article files (default: the seeds embedded in the binary)",
			set: func(c *Config, v string) error { c.SeedsDir = v; return nil }},
		{env: "NEWSDIGEST_TZ", flag: "tz", def: "UTC", usage: "IANA time zone for the push schedule and new subscribers",
			set: func(c *Config, v string) error { c.TimeZone = v; return validZone(v) }},
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
	if err := fs.Parse(args); err != nil {
		return Config{}, nil, err
	}
	var c Config
	for _, o := range opts {
		if err := o.set(&c, *flagVals[o.env]); err != nil {
			return Config{}, nil, fmt.Errorf("config: %s: %w", o.env, err)
		}
	}
	return c, fs.Args(), nil
}

// A Bot API token is "<bot id>:<secret>"; the value itself never appears in
// an error.
var tokenPattern = regexp.MustCompile(`^[0-9]{1,20}:[A-Za-z0-9_-]{20,}$`)

func setToken(c *Config, v string) error {
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

func validCron(v string) error {
	if _, err := cron.ParseStandard(v); err != nil {
		return fmt.Errorf("bad cron schedule %q: %w", v, err)
	}
	return nil
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
