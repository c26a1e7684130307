package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

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
	if from == nil {
		return "en"
	}
	return subscriptions.NormalizeLang(from.LanguageCode)
}

// targetType is the chat type to store for a new subscriber.
func targetType(r request) string {
	if r.target != r.chat.ID {
		return subscriptions.ChatChannel
	}
	return r.chat.Type
}

// newSubscriber is a chat's subscription with the operator's defaults: the
// time zone and delivery times of NEWSDIGEST_TZ and NEWSDIGEST_DEFAULT_TIMES.
func (b *Bot) newSubscriber(chatID int64, chatType, lang string) subscriptions.Subscriber {
	sub := subscriptions.New(chatID, chatType, lang, b.now())
	sub.TimeZone = b.cfg.DefaultTZ
	if len(b.cfg.DefaultTimes) > 0 {
		sub.Times = slices.Clone(b.cfg.DefaultTimes)
	}
	return sub
}

// start subscribes the chat (or re-activates it) and shows the topic picker.
// A deep-link payload ("/start politics", "/start politics_sport") selects
// those topics.
func (b *Bot) start(ctx context.Context, r request) error {
	topics := b.payloadTopics(r.args)
	sub, err := b.subs.Get(ctx, r.target)
	if errors.Is(err, subscriptions.ErrNotFound) {
		sub = b.newSubscriber(r.target, targetType(r), userLang(r.from))
	} else if err != nil {
		return fmt.Errorf("look up chat %d: %w", r.target, err)
	}
	sub.Paused, sub.Inactive = false, false
	for _, t := range topics {
		if !slices.Contains(sub.Topics, t) {
			sub.Topics = append(sub.Topics, t)
		}
	}
	if err := b.subs.Put(ctx, sub); err != nil {
		return fmt.Errorf("subscribe chat %d: %w", r.target, err)
	}
	lang := r.lang
	if r.target == r.chat.ID {
		lang = sub.Lang
	}
	html := text(lang, msgWelcome, userList(lang, sub.Times), userText(sub.TimeZone))
	_, err = b.sendMarkup(ctx, r.chat.ID, html, b.topicKeyboard(lang, sub))
	return err
}

// payloadTopics reads the topic IDs of a deep link; unknown words are
// ignored (a link may be older than the topic list).
func (b *Bot) payloadTopics(args string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(args, func(r rune) bool { return r == '_' || r == ' ' || r == ',' }) {
		if id := b.resolveTopic(f); id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// resolveTopic maps a topic ID or its label in either language
// ("politics", "Politics", "سياسة") to the ID; "" if it is none.
func (b *Bot) resolveTopic(word string) string {
	for _, t := range b.cfg.Topics {
		if strings.EqualFold(word, t.ID) {
			return t.ID
		}
		for _, l := range t.Labels {
			if strings.EqualFold(word, l) {
				return t.ID
			}
		}
	}
	return ""
}

func (b *Bot) topicLabel(id, lang string) string {
	for _, t := range b.cfg.Topics {
		if t.ID == id {
			if l := t.Labels[lang]; l != "" {
				return l
			}
		}
	}
	return id
}

func (b *Bot) help(ctx context.Context, r request) error {
	h := text(r.lang, msgHelp)
	if b.isBotAdmin(r.from) && r.chat.IsPrivate() {
		h += text(r.lang, msgHelpAdmin)
	}
	return b.replyErr(ctx, r, h)
}

// withSub runs fn on the target's subscriber, or tells the user to /start.
func (b *Bot) withSub(ctx context.Context, r request, fn func(subscriptions.Subscriber) error) error {
	sub, err := b.subs.Get(ctx, r.target)
	if errors.Is(err, subscriptions.ErrNotFound) {
		return b.replyErr(ctx, r, text(r.lang, msgNotSubscribed))
	}
	if err != nil {
		return err
	}
	return fn(sub)
}

func (b *Bot) digest(ctx context.Context, r request) error {
	return b.withSub(ctx, r, func(subscriptions.Subscriber) error {
		n, err := b.digests.SendNow(ctx, r.target)
		if err != nil {
			return errors.Join(err, b.replyErr(ctx, r, text(r.lang, msgTryLater)))
		}
		if n == 0 {
			return b.replyErr(ctx, r, text(r.lang, msgNothingNew))
		}
		return nil
	})
}

// stop pauses the digests at once (the user wants them to stop, whatever
// they answer next) and asks whether to delete the chat's data too; the
// buttons are handled by onStop. Cancel restores the digests if /stop was
// what paused them.
func (b *Bot) stop(ctx context.Context, r request) error {
	return b.withSub(ctx, r, func(sub subscriptions.Subscriber) error {
		kb, err := b.pauseForStop(ctx, r.lang, sub)
		if err != nil {
			return err
		}
		_, err = b.sendMarkup(ctx, r.chat.ID, text(r.lang, msgStopConfirm), kb)
		return err
	})
}

// pauseForStop pauses sub and returns the confirmation keyboard; the cancel
// button remembers whether sub was active before.
func (b *Bot) pauseForStop(ctx context.Context, lang string, sub subscriptions.Subscriber) (*tgbotapi.InlineKeyboardMarkup, error) {
	cancel := stopResume
	if sub.Paused {
		cancel = stopKeep
	}
	if _, err := b.subs.Update(ctx, sub.ChatID, func(s *subscriptions.Subscriber) error {
		s.Paused = true
		return nil
	}); err != nil {
		return nil, err
	}
	kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData(text(lang, msgYesDelete), cbData(cbStop, stopDelete, sub.ChatID)),
		tgbotapi.NewInlineKeyboardButtonData(text(lang, msgCancel), cbData(cbStop, cancel, sub.ChatID)),
	))
	return &kb, nil
}

func (b *Bot) topics(ctx context.Context, r request) error {
	return b.withSub(ctx, r, func(sub subscriptions.Subscriber) error {
		_, err := b.sendMarkup(ctx, r.chat.ID, b.topicsText(r.lang, sub), b.topicKeyboard(r.lang, sub))
		return err
	})
}

func (b *Bot) pause(ctx context.Context, r request) error {
	return b.setPaused(ctx, r, true)
}

func (b *Bot) resume(ctx context.Context, r request) error {
	return b.setPaused(ctx, r, false)
}

func (b *Bot) setPaused(ctx context.Context, r request, paused bool) error {
	return b.withSub(ctx, r, func(subscriptions.Subscriber) error {
		sub, err := b.subs.Update(ctx, r.target, func(s *subscriptions.Subscriber) error {
			s.Paused = paused
			return nil
		})
		if err != nil {
			return err
		}
		return b.replyErr(ctx, r, pausedText(r.lang, sub))
	})
}

func pausedText(lang string, sub subscriptions.Subscriber) string {
	if sub.Paused {
		return text(lang, msgPaused)
	}
	return text(lang, msgResumed, userList(lang, sub.Times), userText(sub.TimeZone))
}
