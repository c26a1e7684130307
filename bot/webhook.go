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
	srv := b.webhookServer(ctx, onlyPath(cmp.Or(u.Path, "/"), b.WebhookHandler(ctx, secret)))
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

// webhookServer bounds how long a caller may take to send its request:
// without ReadTimeout a client that sends headers and then the body one byte
// at a time holds a connection (and a goroutine) for as long as it likes.
// There is no WriteTimeout: the answer waits for the update to be handled,
// which may wait for the chat's flood limit.
func (b *Bot) webhookServer(ctx context.Context, h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: positiveOr(b.webhookReadTimeout, 30*time.Second), IdleTimeout: 2 * time.Minute,
		BaseContext: func(net.Listener) context.Context { return ctx }}
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
		"max_connections": "40", // Telegram's default: a chat waiting for its flood limit holds one
	}
	if _, err := b.apiFor(ctx).MakeRequest("setWebhook", params); err != nil {
		return fmt.Errorf("bot: setWebhook: %w", Redact(err, b.cfg.Token))
	}
	return nil
}

// WebhookHandler serves Telegram's webhook requests: 401 unless the secret
// header matches (compared in constant time), 400 for a body that is not an
// update, otherwise the update goes into its chat's queue and the request
// waits for it: 200 once it is handled (or was handled before: Telegram
// repeats a call it got no answer to), 503 when it should come again (a
// storage or temporary Bot API error, shutdown), which Telegram does with
// its own backoff.
func (b *Bot) WebhookHandler(ctx context.Context, secret string) http.Handler {
	want := []byte(secret)
	in := b.newInbox(ctx, false)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get(SecretHeader))
		if len(want) == 0 || subtle.ConstantTimeCompare(got, want) != 1 {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxUpdateBytes))
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		case err != nil: // cut off or too slow (ReadTimeout)
			http.Error(w, "incomplete body", http.StatusBadRequest)
			return
		}
		u, err := decodeUpdate(data)
		if err != nil {
			http.Error(w, "not an update", http.StatusBadRequest)
			return
		}
		b.touch()
		result := make(chan outcome, 1)
		in.accept(u, result)
		if o := <-result; o != finished {
			http.Error(w, "not handled yet; send it again", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}
