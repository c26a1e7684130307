package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"newsdigest/ops"
)

// runConfig prints the effective configuration, token redacted.
func runConfig(_ context.Context, env *cliEnv, args []string) error {
	cfg, _, err := loadConfig("config", env.environ, args, env.stderr)
	if err != nil {
		return err
	}
	for _, o := range options() {
		v := cfg.raw[o.env]
		if o.secret && v != "" {
			v = redactToken(v)
		}
		fmt.Fprintf(env.stdout, "%s=%s\n", o.env, v)
	}
	return nil
}

// redactToken keeps the bot's numeric ID, which is public, and hides the secret.
func redactToken(token string) string {
	id, _, _ := strings.Cut(token, ":")
	return id + ":<redacted>"
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

func backup(ctx context.Context, cfg Config, dst string) (int64, error) {
	secret, err := os.ReadFile(secretPath(cfg))
	if err == nil && cfg.HTTPAddr != "off" {
		n, ferr := ops.FetchBackup(ctx, "http://"+dialAddr(cfg.HTTPAddr), string(secret), dst)
		if ferr == nil || !isConnRefused(ferr) {
			return n, ferr
		}
	}
	return ops.CopyDB(ctx, cfg.DBPath, dst)
}

// runRestore replaces the database with a backup; the bot must be stopped.
func runRestore(_ context.Context, env *cliEnv, args []string) error {
	cfg, rest, err := loadConfig("restore", env.environ, args, env.stderr)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return errors.New("usage: newsdigest restore FILE")
	}
	if err := ops.Restore(cfg.DBPath, rest[0]); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "restored %s from %s (the previous file is kept as %s.before-restore)\n", cfg.DBPath, rest[0], cfg.DBPath)
	return nil
}

// runHealthcheck asks the running process for /healthz, for the container's
// HEALTHCHECK (the image has no shell or curl).
func runHealthcheck(ctx context.Context, env *cliEnv, args []string) error {
	fl := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fl.SetOutput(env.stderr)
	cfg, _, err := loadConfig("healthcheck", env.environ, nil, env.stderr)
	if err != nil {
		return err
	}
	path := fl.String("path", "/healthz", "endpoint to ask: /healthz or /readyz")
	if err := fl.Parse(args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+dialAddr(cfg.HTTPAddr)+*path, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("unhealthy: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("unhealthy: %s answered %s", *path, resp.Status)
	}
	fmt.Fprintln(env.stdout, "healthy")
	return nil
}

// runPush asks the running service to send the digest now, through its
// outbox and rate limits, and shows progress until the queue is drained.
func runPush(ctx context.Context, env *cliEnv, args []string) error {
	fl := flag.NewFlagSet("push", flag.ContinueOnError)
	fl.SetOutput(env.stderr)
	var chats []int64
	fl.Func("chat", "chat ID to push to (repeatable; default: every active subscriber)", func(v string) error {
		id, err := strconv.ParseInt(v, 10, 64)
		chats = append(chats, id)
		return err
	})
	if err := fl.Parse(args); err != nil {
		return err
	}
	cfg, _, err := loadConfig("push", env.environ, nil, env.stderr)
	if err != nil {
		return err
	}
	secret, err := os.ReadFile(secretPath(cfg))
	if err != nil {
		return fmt.Errorf("push needs the running service (its secret %s): %w", secretPath(cfg), err)
	}
	show := newProgress(env.stderr, "pushing")
	err = ops.RequestPush(ctx, "http://"+dialAddr(cfg.HTTPAddr), string(secret), chats, func(done, total int) {
		show(done, total, "digests sent")
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(env.stdout, "push done")
	return nil
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

func writeSecret(cfg Config) (string, error) {
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return "", err
	}
	secret := hex.EncodeToString(buf)
	if err := os.WriteFile(secretPath(cfg), []byte(secret), 0o600); err != nil {
		return "", fmt.Errorf("write %s: %w", secretPath(cfg), err)
	}
	return secret, nil
}
