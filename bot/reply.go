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

func (b *Bot) replyErr(ctx context.Context, r request, html string) error {
	_, err := b.sendMarkup(ctx, r.chat.ID, html, nil)
	return err
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
	sent, err := b.apiFor(ctx).Send(msg)
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
	if _, err := b.apiFor(ctx).Request(cfg); err != nil {
		return fmt.Errorf("bot: edit message %d in chat %d: %w", messageID, chatID, Redact(err, b.cfg.Token))
	}
	return nil
}

// answerCallback stops the button's spinner, optionally with a toast.
func (b *Bot) answerCallback(ctx context.Context, id, toast string) {
	if _, err := b.apiFor(ctx).Request(tgbotapi.NewCallback(id, toast)); err != nil && !isCanceled(ctx, err) {
		b.log.WarnContext(ctx, "answerCallbackQuery failed", "err", Redact(err, b.cfg.Token))
	}
}
