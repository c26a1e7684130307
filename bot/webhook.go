package bot

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// SecretHeader carries the webhook's secret_token on every Telegram request.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// maxUpdateBytes bounds a webhook body; real updates are a few kilobytes.
const maxUpdateBytes = 1 << 20

// ServeWebhook registers WebhookURL with Telegram (with a secret_token) and
// serves updates on WebhookAddr until ctx ends. Telegram counts an update as
// delivered when the handler answers 200, which happens only after the
// update was handled, as with Poll. The webhook stays registered at
// shutdown so Telegram keeps updates for the next start.
func (b *Bot) ServeWebhook(ctx context.Context) error {
	ln, err := net.Listen("tcp", b.cfg.WebhookAddr)
	if err != nil {
		return fmt.Errorf("bot: webhook listen: %w", err)
	}
	return b.serveWebhookOn(ctx, ln)
}

func (b *Bot) serveWebhookOn(ctx context.Context, ln net.Listener) error {
	secret, err := b.webhookSecret()
	if err != nil {
		return err
	}
	u, err := url.Parse(b.cfg.WebhookURL)
	if err != nil {
		return fmt.Errorf("bot: webhook URL: %w", err)
	}
	srv := &http.Server{Handler: onlyPath(cmp.Or(u.Path, "/"), b.WebhookHandler(ctx, secret)), ReadHeaderTimeout: 10 * time.Second, BaseContext: func(net.Listener) context.Context { return ctx }}
	if err := b.setWebhook(ctx, secret); err != nil {
		ln.Close()
		return err
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	err = srv.Shutdown(sctx)
	b.bg.Wait()
	if serr := <-done; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// onlyPath serves h on exactly one path, POST only. (Not a ServeMux
// pattern: an operator's URL path may contain characters patterns reserve.)
func onlyPath(path string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path != path:
			http.NotFound(w, r)
		case r.Method != http.MethodPost:
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		default:
			h.ServeHTTP(w, r)
		}
	})
}

// webhookSecret is the configured secret_token or a fresh random one
// (Telegram allows 1–256 characters of A–Z, a–z, 0–9, _ and -).
func (b *Bot) webhookSecret() (string, error) {
	if b.cfg.WebhookSecret != "" {
		return b.cfg.WebhookSecret, nil
	}
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("bot: webhook secret: %w", err)
	}
	return hex.EncodeToString(buf), nil
}

// setWebhook calls setWebhook with secret_token, which go-telegram-bot-api
// v5.5.1 does not know: the parameters are passed raw.
func (b *Bot) setWebhook(ctx context.Context, secret string) error {
	allowed, err := json.Marshal(allowedUpdates())
	if err != nil {
		return fmt.Errorf("bot: setWebhook: %w", err)
	}
	params := tgbotapi.Params{
		"url":             b.cfg.WebhookURL,
		"secret_token":    secret,
		"allowed_updates": string(allowed),
		"max_connections": "8",
	}
	if _, err := b.apiFor(ctx).MakeRequest("setWebhook", params); err != nil {
		return fmt.Errorf("bot: setWebhook: %w", Redact(err, b.cfg.Token))
	}
	return nil
}

// WebhookHandler serves Telegram's webhook requests: 401 unless the secret
// header matches (compared in constant time), 400 for a body that is not an
// update, otherwise the update is handled and 200 returned.
func (b *Bot) WebhookHandler(ctx context.Context, secret string) http.Handler {
	want := []byte(secret)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get(SecretHeader))
		if len(want) == 0 || subtle.ConstantTimeCompare(got, want) != 1 {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxUpdateBytes))
		if err != nil {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		u, err := decodeUpdate(data)
		if err != nil {
			http.Error(w, "not an update", http.StatusBadRequest)
			return
		}
		b.touch()
		b.handle(ctx, u)
		if ctx.Err() != nil { // cut short by shutdown: let Telegram send it again
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}
