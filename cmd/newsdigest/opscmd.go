package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"newsdigest/ops"
)

// runConfig prints the effective configuration, secrets redacted.
func runConfig(_ context.Context, env *cliEnv, args []string) error {
	cfg, rest, err := loadConfig("config", env.environ, args, env.stderr)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("unexpected arguments %q (config takes only flags)", rest)
	}
	for _, o := range options() {
		v := cfg.raw[o.env]
		if o.secret && v != "" {
			v = redactSecret(v)
		}
		fmt.Fprintf(env.stdout, "%s=%s\n", o.env, v)
	}
	return nil
}

// redactSecret hides a secret whole, except the numeric bot ID of a Bot API
// token, which is public (it is the bot's user ID).
func redactSecret(v string) string {
	if tokenPattern.MatchString(v) {
		id, _, _ := strings.Cut(v, ":")
		return id + ":<redacted>"
	}
	return "<redacted>"
}

// runBackup copies the database to FILE: through the running process when
// there is one (bbolt locks the file), else directly.
func runBackup(ctx context.Context, env *cliEnv, args []string) error {
	cfg, rest, err := loadConfig("backup", env.environ, args, env.stderr)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return errors.New("usage: newsdigest backup FILE")
	}
	n, err := backup(ctx, cfg, rest[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "backup written to %s (%d bytes, verified)\n", rest[0], n)
	return nil
}

// backup refuses a target that is the database itself or any open
// database before it fetches anything: renaming a file over the live
// database would leave the bot writing to a deleted file.
func backup(ctx context.Context, cfg Config, dst string) (int64, error) {
	if err := ops.RefuseLive(cfg.DBPath, dst); err != nil {
		return 0, err
	}
	svc, serr := findService(cfg)
	if serr == nil {
		n, ferr := ops.FetchBackup(ctx, svc.url, svc.secret, dst)
		if ferr == nil || !isConnRefused(ferr) {
			return n, ferr
		}
	}
	n, err := ops.CopyDB(ctx, cfg.DBPath, dst)
	if errors.Is(err, ops.ErrHeld) && serr != nil {
		return n, fmt.Errorf("%w, and the running service cannot make the backup: %w", err, serr)
	}
	return n, err
}

// runRestore replaces the database with a backup; the bot must be stopped.
// It works over a damaged database, which it keeps aside.
func runRestore(_ context.Context, env *cliEnv, args []string) error {
	cfg, rest, err := loadConfig("restore", env.environ, args, env.stderr)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return errors.New("usage: newsdigest restore FILE")
	}
	aside, err := ops.Restore(cfg.DBPath, rest[0], time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "restored %s from %s\n", cfg.DBPath, rest[0])
	if aside != "" {
		fmt.Fprintf(env.stdout, "the previous file is kept as %s\n", aside)
	}
	return nil
}

// runHealthcheck asks the running process for /healthz, for the container's
// HEALTHCHECK (the image has no shell or curl).
func runHealthcheck(ctx context.Context, env *cliEnv, args []string) error {
	var path string
	cfg, rest, err := loadConfigWith("healthcheck", env.environ, args, env.stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&path, "path", "/healthz", "endpoint to ask: /healthz or /readyz")
	})
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("unexpected arguments %q", rest)
	}
	path = "/" + strings.TrimPrefix(path, "/")
	if path != "/healthz" && path != "/readyz" {
		return fmt.Errorf("--path %q: want /healthz or /readyz", path)
	}
	base, err := serviceURL(cfg)
	if err != nil {
		return fmt.Errorf("unhealthy: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
	if err != nil {
		return fmt.Errorf("unhealthy: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("unhealthy: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("unhealthy: %s answered %s\n%s", path, resp.Status, body)
	}
	fmt.Fprintln(env.stdout, "healthy")
	return nil
}

// runPush asks the running service to send the digest now, through its
// outbox and rate limits, and shows progress until the queue is drained.
// Pushing to everyone needs --all: a bare ID ("push 1013", --chat
// forgotten) must not reach every subscriber.
func runPush(ctx context.Context, env *cliEnv, args []string) error {
	var chats []int64
	var all bool
	cfg, rest, err := loadConfigWith("push", env.environ, args, env.stderr, func(fs *flag.FlagSet) {
		fs.Func("chat", "chat ID to push to (repeatable)", func(v string) error {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return fmt.Errorf("%q is not a chat ID", v)
			}
			chats = append(chats, id)
			return nil
		})
		fs.BoolVar(&all, "all", false, "push to every active subscriber")
	})
	if err != nil {
		return err
	}
	switch {
	case len(rest) > 0:
		return fmt.Errorf("unexpected arguments %q: use --chat ID (repeatable) or --all", rest)
	case all && len(chats) > 0:
		return errors.New("give --chat ID or --all, not both")
	case !all && len(chats) == 0:
		return errors.New("say who gets the digest: --chat ID (repeatable) or --all for every active subscriber")
	}
	svc, err := findService(cfg)
	if err != nil {
		return fmt.Errorf("push needs the running service: %w", err)
	}
	show := newProgress(env.stderr, "pushing")
	err = ops.RequestPush(ctx, svc.url, svc.secret, chats, func(done, total int) {
		show(done, total, "digests sent")
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(env.stdout, "push done")
	return nil
}

// runVersion prints what the binary was built from.
func runVersion(_ context.Context, env *cliEnv, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected arguments %q", args)
	}
	fmt.Fprintln(env.stdout, versionText())
	return nil
}

func versionText() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "newsdigest (no build information) " + runtime.Version()
	}
	version := cmp.Or(bi.Main.Version, "(devel)")
	line := fmt.Sprintf("newsdigest %s %s", version, bi.GoVersion)
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	if rev := settings["vcs.revision"]; rev != "" {
		line += " commit " + rev
		if t := settings["vcs.time"]; t != "" {
			line += " (" + t + ")"
		}
		if settings["vcs.modified"] == "true" {
			line += " with local changes"
		}
	}
	return line
}

// dialAddr turns a listen address into one a local client can dial.
func dialAddr(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

func isConnRefused(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// secretPath holds the secret that authorises /backup. It sits beside the
// database, readable only by the service's user, so whoever may read the
// database may also back it up, and nobody else.
func secretPath(cfg Config) string { return cfg.DBPath + ".ops-secret" }

// addrPath holds the address the running service's ops listener actually
// bound (NEWSDIGEST_HTTP_ADDR may be ":0"); it is removed at shutdown.
func addrPath(cfg Config) string { return cfg.DBPath + ".ops-addr" }

func writeSecret(cfg Config) (string, error) {
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return "", err
	}
	secret := hex.EncodeToString(buf)
	if err := writePrivate(secretPath(cfg), []byte(secret)); err != nil {
		return "", err
	}
	return secret, nil
}

// writePrivate replaces path with a new 0600 file holding data. It writes a
// temporary file and renames it over path, so a file left with a wider mode
// keeps nothing of it, and a symlink at path is replaced, never followed.
func writePrivate(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*") // created 0600
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(0o600) // in case of an unusual umask or filesystem
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// service is how a command reaches the running newsdigest.
type service struct {
	url    string // http://host:port
	secret string
}

// errOpsOff says why a command cannot reach the service at all.
var errOpsOff = errors.New("NEWSDIGEST_HTTP_ADDR is off, so the running service has no ops endpoints: " +
	"set it (e.g. 127.0.0.1:8080) and restart the service, or stop the service and run the command again")

// serviceURL is the base URL of the running service's ops listener: the
// address it wrote at start, else the configured one.
func serviceURL(cfg Config) (string, error) {
	if b, err := os.ReadFile(addrPath(cfg)); err == nil && strings.TrimSpace(string(b)) != "" {
		return "http://" + strings.TrimSpace(string(b)), nil
	}
	if cfg.HTTPAddr == "off" {
		return "", errOpsOff
	}
	if _, port, err := net.SplitHostPort(cfg.HTTPAddr); err == nil && port == "0" {
		return "", fmt.Errorf("NEWSDIGEST_HTTP_ADDR %s picks a free port at start and %s, where the service writes it, is missing: is the service running?",
			cfg.HTTPAddr, addrPath(cfg))
	}
	return "http://" + dialAddr(cfg.HTTPAddr), nil
}

// findService reads the ops secret and address of the service that runs on
// cfg's database.
func findService(cfg Config) (service, error) {
	u, err := serviceURL(cfg)
	if err != nil {
		return service{}, err
	}
	secret, err := os.ReadFile(secretPath(cfg))
	if err != nil {
		return service{}, fmt.Errorf("no ops secret (%w); is the service running on %s?", err, cfg.DBPath)
	}
	return service{url: u, secret: strings.TrimSpace(string(secret))}, nil
}
