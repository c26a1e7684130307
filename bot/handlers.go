package bot

import (
	"context"
	"errors"
	"fmt"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"newsdigest/subscriptions"
)

// chatLang is the language to answer a chat in: its stored choice, else the
// user's Telegram language when it is Arabic, else English.
func (b *Bot) chatLang(ctx context.Context, chatID int64, from *tgbotapi.User) string {
	if sub, err := b.subs.Get(ctx, chatID); err == nil && sub.Lang != "" {
		return sub.Lang
	}
	return userLang(from)
}

func userLang(from *tgbotapi.User) string {
	if from != nil && len(from.LanguageCode) >= 2 && from.LanguageCode[:2] == "ar" {
		return "ar"
	}
	return "en"
}

func (b *Bot) start(ctx context.Context, r request) error {
	_, err := b.subs.Get(ctx, r.chat.ID)
	switch {
	case errors.Is(err, subscriptions.ErrNotFound):
		sub := subscriptions.New(r.chat.ID, r.chat.Type, userLang(r.from), b.now())
		sub.TimeZone = b.cfg.DefaultTZ
		if err := b.subs.Put(ctx, sub); err != nil {
			return fmt.Errorf("subscribe chat %d: %w", r.chat.ID, err)
		}
		r.lang = sub.Lang
	case err != nil:
		return fmt.Errorf("look up chat %d: %w", r.chat.ID, err)
	}
	return b.SendHTML(ctx, r.chat.ID, text(r.lang, msgWelcome))
}

func (b *Bot) help(ctx context.Context, r request) error {
	return b.SendHTML(ctx, r.chat.ID, text(r.lang, msgHelp))
}

func (b *Bot) digest(ctx context.Context, r request) error {
	if _, err := b.subs.Get(ctx, r.chat.ID); errors.Is(err, subscriptions.ErrNotFound) {
		return b.SendHTML(ctx, r.chat.ID, text(r.lang, msgNotSubscribed))
	}
	n, err := b.digests.SendNow(ctx, r.chat.ID)
	if err != nil {
		return errors.Join(err, b.SendHTML(ctx, r.chat.ID, text(r.lang, msgTryLater)))
	}
	if n == 0 {
		return b.SendHTML(ctx, r.chat.ID, text(r.lang, msgNothingNew))
	}
	return nil
}

func (b *Bot) stop(ctx context.Context, r request) error {
	if err := b.subs.Delete(ctx, r.chat.ID); err != nil && !errors.Is(err, subscriptions.ErrNotFound) {
		return fmt.Errorf("unsubscribe chat %d: %w", r.chat.ID, err)
	}
	return b.SendHTML(ctx, r.chat.ID, text(r.lang, msgStopped))
}

func (b *Bot) unknown(ctx context.Context, r request) error {
	return b.SendHTML(ctx, r.chat.ID, text(r.lang, msgUnknown))
}
