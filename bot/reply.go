package bot

import (
	"context"
	"fmt"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// reply answers a command in its chat; a failure is only logged, for
// answers whose loss leaves nothing inconsistent (warnings, refusals).
func (b *Bot) reply(ctx context.Context, r request, html string) {
	if err := b.replyErr(ctx, r, html); err != nil && !isCanceled(ctx, err) {
		b.log.WarnContext(ctx, "reply failed", "chat", r.chat.ID, "err", err)
	}
}

// replyErr answers a command in its chat and returns the failure, for
// answers the handler's outcome depends on.
func (b *Bot) replyErr(ctx context.Context, r request, html string) error {
	return b.SendHTML(ctx, r.chat.ID, html)
}

// sendMarkup sends an HTML message, with an inline keyboard when kb is not
// nil, and returns its message ID.
func (b *Bot) sendMarkup(ctx context.Context, chatID int64, html string, kb *tgbotapi.InlineKeyboardMarkup) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	msg := tgbotapi.NewMessage(chatID, html)
	msg.ParseMode = tgbotapi.ModeHTML
	msg.DisableWebPagePreview = true
	if kb != nil {
		msg.ReplyMarkup = *kb
	}
	var sent tgbotapi.Message
	err := b.limited(ctx, chatID, func() (err error) {
		sent, err = b.apiFor(ctx).Send(msg)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("bot: send to chat %d: %w", chatID, Redact(err, b.cfg.Token))
	}
	return sent.MessageID, nil
}

// edit replaces a message's text and keyboard in place. It uses Request, not
// Send: some servers answer an edit with `true` or null, not a Message.
func (b *Bot) edit(ctx context.Context, chatID int64, messageID int, html string, kb *tgbotapi.InlineKeyboardMarkup) error {
	cfg := tgbotapi.NewEditMessageText(chatID, messageID, html)
	cfg.ParseMode = tgbotapi.ModeHTML
	cfg.DisableWebPagePreview = true
	cfg.ReplyMarkup = kb
	err := b.limited(ctx, chatID, func() error {
		_, err := b.apiFor(ctx).Request(cfg)
		return err
	})
	if err != nil {
		return fmt.Errorf("bot: edit message %d in chat %d: %w", messageID, chatID, Redact(err, b.cfg.Token))
	}
	return nil
}

// Limiter paces the bot's own sends with the digests' (see Sender.Do).
type Limiter interface {
	Do(ctx context.Context, chatID int64, call func() error) error
}

var _ Limiter = (*Sender)(nil)

// WithLimiter makes command replies and edits wait for Telegram's flood
// limits; without it they go out at once (tests of the conversation alone).
func WithLimiter(l Limiter) Option { return func(b *Bot) { b.limiter429 = l } }

func (b *Bot) limited(ctx context.Context, chatID int64, call func() error) error {
	if b.limiter429 == nil {
		return call()
	}
	return b.limiter429.Do(ctx, chatID, call)
}

// answerCallback stops the button's spinner, optionally with a toast.
func (b *Bot) answerCallback(ctx context.Context, id, toast string) {
	if _, err := b.apiFor(ctx).Request(tgbotapi.NewCallback(id, toast)); err != nil && !isCanceled(ctx, err) {
		b.log.WarnContext(ctx, "answerCallbackQuery failed", "err", Redact(err, b.cfg.Token))
	}
}
