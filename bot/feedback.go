package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"newsdigest/delivery"
	"newsdigest/digest"
	"newsdigest/subscriptions"
)

// feedbackMark prefixes the label of a feedback button once it was
// pressed: the press shows it was taken, and a second press of the same
// button changes nothing.
const feedbackMark = "✅ "

// cbForget is the settings button that resets what feedback taught.
const cbForget = "forget"

// onFeedback answers a 👍 / 👎 under a digest: it moves the weights of the
// chat the digest was sent to (its topic, and the outlets and headline
// words of the row's story when that can still be found), marks the
// pressed button and says what it did. In groups and channels only
// administrators may press, as for every setting.
//
// The press is answered before the story is looked up: that may build the
// last 14 days' stories (seconds when /search has not just done it), and
// the button's spinner should stop at once. Should storing then fail, the
// update stays unconfirmed and the press is applied when it is retried.
func (b *Bot) onFeedback(ctx context.Context, q *tgbotapi.CallbackQuery) error {
	chat := q.Message.Chat
	f, lang, ok, err := b.admitFeedback(ctx, q)
	if !ok {
		return err
	}
	b.answerCallback(ctx, q.ID, text(lang, pick(f.Up, msgFeedbackUp, msgFeedbackDown), b.topicLabel(f.Topic, lang)))
	deltas := digest.FeedbackWeights(b.feedbackStory(ctx, f.StoryID), f.Topic, f.Up)
	now := b.now()
	_, err = b.subs.Update(ctx, chat.ID, func(s *subscriptions.Subscriber) error {
		s.Learned.Apply(now, deltas)
		return nil
	})
	if err != nil {
		return ignoreNotFound(err) // unsubscribed since admitFeedback looked
	}
	if kb, ok := markPressed(q.Message.ReplyMarkup, q.Data); ok {
		return b.editMarkup(ctx, chat.ID, q.Message.MessageID, kb)
	}
	return nil
}

// admitFeedback reads a feedback press and checks it can be applied: the
// data is a feedback button's, its topic exists, the presser may change
// the chat, the chat is subscribed and the button was not pressed before.
// When not ok it has answered the press with the reason.
func (b *Bot) admitFeedback(ctx context.Context, q *tgbotapi.CallbackQuery) (f delivery.Feedback, lang string, ok bool, err error) {
	chat := q.Message.Chat
	lang = userLang(q.From)
	sub, err := b.subs.Get(ctx, chat.ID)
	switch {
	case err == nil:
		lang = sub.Lang
	case !errors.Is(err, subscriptions.ErrNotFound):
		b.answerCallback(ctx, q.ID, text(lang, msgTryLater))
		return f, lang, false, err
	}
	f, perr := delivery.ParseFeedback(q.Data)
	switch {
	case perr != nil:
		b.answerCallback(ctx, q.ID, text(lang, msgFeedbackBad))
		return f, lang, false, nil
	case b.resolveTopic(f.Topic) != f.Topic:
		b.answerCallback(ctx, q.ID, text(lang, msgFeedbackTopicGone))
		return f, lang, false, nil
	}
	if ok, err := b.authorizeCallback(ctx, callback{q: q, chat: chat, msgID: q.Message.MessageID, lang: lang, target: chat.ID}); !ok {
		return f, lang, false, err
	}
	if err != nil { // ErrNotFound
		b.answerCallback(ctx, q.ID, text(lang, msgNotSubscribed))
		return f, lang, false, nil
	}
	if label, found := pressedLabel(q); found && strings.HasPrefix(label, feedbackMark) {
		b.answerCallback(ctx, q.ID, text(lang, msgFeedbackAlready))
		return f, lang, false, nil
	}
	return f, lang, true, nil
}

// feedbackStory finds the story a button names among the stored stories
// /search reads (same period, so both share one build), or nil: then the
// press still moves the topic.
func (b *Bot) feedbackStory(ctx context.Context, id string) *digest.Story {
	if id == "" || b.search == nil {
		return nil
	}
	stories, err := b.search.RecentStories(ctx, b.now().Add(-searchPeriod))
	if err != nil {
		b.log.WarnContext(ctx, "feedback: stories unavailable; only the topic is weighed", "err", err)
		return nil
	}
	for i := range stories {
		if stories[i].ID == id {
			return &stories[i]
		}
	}
	return nil
}

// markPressed returns the keyboard with the pressed button marked and the
// other button of its row unmarked (👍 then 👎 on one topic: the last
// press shows); ok is false when the button is not in it.
func markPressed(kb *tgbotapi.InlineKeyboardMarkup, data string) (tgbotapi.InlineKeyboardMarkup, bool) {
	if kb == nil {
		return tgbotapi.InlineKeyboardMarkup{}, false
	}
	out := tgbotapi.InlineKeyboardMarkup{InlineKeyboard: make([][]tgbotapi.InlineKeyboardButton, len(kb.InlineKeyboard))}
	found := false
	for i, row := range kb.InlineKeyboard {
		out.InlineKeyboard[i] = slices.Clone(row)
		if !slices.ContainsFunc(row, func(btn tgbotapi.InlineKeyboardButton) bool { return isData(btn, data) }) {
			continue
		}
		found = true
		for j, btn := range row {
			label := strings.TrimPrefix(btn.Text, feedbackMark)
			if isData(btn, data) {
				label = feedbackMark + label
			}
			out.InlineKeyboard[i][j].Text = label
		}
	}
	return out, found
}

func isData(btn tgbotapi.InlineKeyboardButton, data string) bool {
	return btn.CallbackData != nil && *btn.CallbackData == data
}

// editMarkup replaces a message's keyboard, leaving its text.
func (b *Bot) editMarkup(ctx context.Context, chatID int64, messageID int, kb tgbotapi.InlineKeyboardMarkup) error {
	cfg := tgbotapi.NewEditMessageReplyMarkup(chatID, messageID, kb)
	err := b.limited(ctx, chatID, func() error {
		_, err := b.apiFor(ctx).Request(cfg)
		return err
	})
	if err != nil {
		return fmt.Errorf("bot: edit keyboard of message %d in chat %d: %w", messageID, chatID, Redact(err, b.cfg.Token))
	}
	return nil
}

// learnedText is the settings line saying what feedback taught: the
// topics and outlets it ranks higher and lower, strongest first.
func (b *Bot) learnedText(lang string, sub subscriptions.Subscriber) string {
	w := sub.Learned.WeightsAt(b.now())
	if len(w) == 0 {
		return text(lang, msgLearnedNone)
	}
	var more, less []string
	for _, k := range strongestFirst(w) {
		name, ok := b.weightName(k, lang)
		switch {
		case !ok:
		case w[k] > 0 && len(more) < 3:
			more = append(more, name)
		case w[k] < 0 && len(less) < 3:
			less = append(less, name)
		}
	}
	var parts []string
	if len(more) > 0 {
		parts = append(parts, text(lang, msgLearnedMore, userList(lang, more)))
	}
	if len(less) > 0 {
		parts = append(parts, text(lang, msgLearnedLess, userList(lang, less)))
	}
	if len(parts) == 0 {
		parts = append(parts, text(lang, msgLearnedWords))
	}
	return text(lang, msgLearnedLine, strings.Join(parts, listSep(lang)))
}

// weightName is how the settings name a weight key: a topic's label, an
// outlet's name; headline words are not listed (stems read badly).
func (b *Bot) weightName(key, lang string) (string, bool) {
	switch {
	case strings.HasPrefix(key, digest.WeightTopic):
		return b.topicLabel(strings.TrimPrefix(key, digest.WeightTopic), lang), true
	case strings.HasPrefix(key, digest.WeightSource):
		return strings.TrimPrefix(key, digest.WeightSource), true
	}
	return "", false
}

func strongestFirst(w map[string]float64) []string {
	keys := slices.Collect(maps.Keys(w))
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(math.Abs(w[b]), math.Abs(w[a])), cmp.Compare(a, b))
	})
	return keys
}

// forgetRow is the settings button that resets what was learned, shown
// only when something was.
func forgetRow(lang string, sub subscriptions.Subscriber) []tgbotapi.InlineKeyboardButton {
	if sub.Learned.Empty() {
		return nil
	}
	return tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData(text(lang, msgBtnForget), cbData(cbSettings, cbForget, sub.ChatID)))
}
