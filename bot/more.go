package bot

import (
	"context"
	"errors"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"newsdigest/delivery"
	"newsdigest/digest"
)

// DigestPages serves the pages behind a digest's "More (N)" button. The
// delivery service implements it; without it the button answers that it
// expired.
type DigestPages interface {
	MorePage(ctx context.Context, data string) (delivery.MorePage, error)
}

// WithDigestPages enables the More button of digests.
func WithDigestPages(p DigestPages) Option { return func(b *Bot) { b.pages = p } }

// onDigestMore answers a digest's More press with the next page of that
// digest as new messages, with its own More button until the last page,
// which says so. After delivery.MoreTTL the button answers that it expired.
// Anyone who sees the digest may page it (it holds nothing private).
func (b *Bot) onDigestMore(ctx context.Context, q *tgbotapi.CallbackQuery, lang string) error {
	if b.pages == nil {
		b.answerCallback(ctx, q.ID, text(lang, msgDigestMoreExpired))
		return nil
	}
	page, err := b.pages.MorePage(ctx, q.Data)
	switch {
	case errors.Is(err, delivery.ErrMoreExpired):
		b.answerCallback(ctx, q.ID, text(lang, msgDigestMoreExpired))
		return nil
	case errors.Is(err, delivery.ErrNoMore):
		b.answerCallback(ctx, q.ID, text(lang, msgDigestNoMore))
		return nil
	case errors.Is(err, delivery.ErrNotMore):
		b.answerCallback(ctx, q.ID, "")
		return nil
	case err != nil:
		b.answerCallback(ctx, q.ID, text(lang, msgTryLater))
		return err
	}
	b.answerCallback(ctx, q.ID, "")
	msgs := page.Messages
	if page.Last {
		msgs = appendLine(msgs, text(lang, msgDigestEnd))
	}
	return b.sendParts(ctx, q.Message.Chat.ID, msgs, inlineMarkup(page.Buttons))
}

// appendLine adds a closing line to the last message, or as a message of
// its own when the last one has no room for it.
func appendLine(msgs []string, line string) []string {
	if n := len(msgs); n > 0 && digest.UTF16Len(msgs[n-1])+2+digest.UTF16Len(line) <= digest.MaxMessageUTF16 {
		out := append([]string(nil), msgs...)
		out[n-1] += "\n\n" + line
		return out
	}
	return append(msgs, line)
}

// inlineMarkup is rows of callback buttons as a keyboard to send, nil for
// none.
func inlineMarkup(rows [][]delivery.Button) *tgbotapi.InlineKeyboardMarkup {
	if len(rows) == 0 {
		return nil
	}
	kb := inlineKeyboard(rows)
	return &kb
}
