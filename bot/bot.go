// Package bot is newsdigest's Telegram side: the updates loop, the command
// router and handlers, and the texts users read. It does not build digests:
// it asks a Digests service for them.
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"newsdigest/subscriptions"
)

// Digests delivers digests on demand. The delivery service implements it.
type Digests interface {
	// SendNow sends chatID the digest of what is new for it, ahead of any
	// bulk push, and reports how many stories it held (0: nothing new).
	SendNow(ctx context.Context, chatID int64) (int, error)
}

// Config holds the bot's settings.
type Config struct {
	Token       string
	PollTimeout time.Duration // getUpdates long-poll timeout; default 50 s
	DefaultTZ   string        // IANA zone for new subscribers
}

// Bot answers Telegram updates.
type Bot struct {
	api     *tgbotapi.BotAPI
	cfg     Config
	subs    *subscriptions.Store
	digests Digests
	log     *slog.Logger
	now     func() time.Time
}

// New returns a bot over an already connected client (see NewAPI).
func New(api *tgbotapi.BotAPI, cfg Config, subs *subscriptions.Store, digests Digests, log *slog.Logger) *Bot {
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 50 * time.Second
	}
	if cfg.DefaultTZ == "" {
		cfg.DefaultTZ = "UTC"
	}
	return &Bot{api: api, cfg: cfg, subs: subs, digests: digests, log: log, now: time.Now}
}

// Username is the bot's @name as Telegram reports it.
func (b *Bot) Username() string { return b.api.Self.UserName }

// SendHTML sends one Telegram-HTML message to a chat, without link previews.
func (b *Bot) SendHTML(ctx context.Context, chatID int64, html string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	msg := tgbotapi.NewMessage(chatID, html)
	msg.ParseMode = tgbotapi.ModeHTML
	msg.DisableWebPagePreview = true
	if _, err := b.api.Send(msg); err != nil {
		return fmt.Errorf("bot: send to chat %d: %w", chatID, Redact(err, b.cfg.Token))
	}
	return nil
}

// RegisterCommands publishes the command menu. The emulator used in tests and
// some proxies do not implement setMyCommands: a failure is logged, not fatal.
func (b *Bot) RegisterCommands(ctx context.Context) {
	for _, lang := range []string{"", "en", "ar"} {
		cfg := tgbotapi.NewSetMyCommands(commandMenu(lang)...)
		if lang != "" {
			cfg.LanguageCode = lang
		}
		if _, err := b.api.Request(cfg); err != nil {
			b.log.WarnContext(ctx, "setMyCommands failed; continuing without a command menu",
				"lang", lang, "err", Redact(err, b.cfg.Token))
			return
		}
	}
}

// isCanceled reports whether err only says the bot is shutting down.
func isCanceled(ctx context.Context, err error) bool {
	return ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded))
}
