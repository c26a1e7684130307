package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"newsdigest/delivery"
	"newsdigest/subscriptions"
)

// Callback data is "<kind>:<arg>:<target chat>", at most 64 bytes: kind is
// one letter, arg a topic ID (≤ 32 bytes) or a short word, the chat ID ≤ 20.
const (
	cbTopic     = "p" // arg: "+ID" (choose the topic), "-ID" (drop it), "*" (all topics) or "." (done)
	cbTopicOld  = "t" // before buttons carried the state: arg "ID" toggled; still on messages out there
	cbSettings  = "s" // arg: topics | pause | resume | lang=ar|en | sl=own|both|auto | al=on|off | stop | forget
	cbStop      = "x" // arg: stopDelete | stopResume | stopKeep
	cbBroadcast = "b" // arg: yes | no; target = pending broadcast ID
	maxCallback = 64
)

// Answers to the /stop confirmation.
const (
	stopDelete = "yes"    // delete the chat's data
	stopResume = "no"     // cancel; digests were on before /stop: resume them
	stopKeep   = "paused" // cancel; digests were already paused: leave them so
)

func cbData(kind, arg string, target int64) string {
	d := kind + ":" + arg + ":" + strconv.FormatInt(target, 10)
	if len(d) > maxCallback { // cannot happen with valid topic IDs; never send what Telegram refuses
		return kind + ":.:" + strconv.FormatInt(target, 10)
	}
	return d
}

func parseCallback(data string) (kind, arg string, target int64, ok bool) {
	parts := strings.SplitN(data, ":", 3)
	if len(parts) != 3 {
		return "", "", 0, false
	}
	target, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return "", "", 0, false
	}
	return parts[0], parts[1], target, true
}

// topicKeyboard lists every topic, two per row, ✅ on the chosen ones.
func (b *Bot) topicKeyboard(lang string, sub subscriptions.Subscriber) *tgbotapi.InlineKeyboardMarkup {
	var rows [][]tgbotapi.InlineKeyboardButton
	var row []tgbotapi.InlineKeyboardButton
	for _, t := range b.cfg.Topics {
		// A button says what pressing it makes true, so a press that
		// arrives twice (a double tap, a replayed update) changes nothing
		// the second time.
		label, arg := b.topicLabel(t.ID, lang), "+"+t.ID
		if slices.Contains(sub.Topics, t.ID) {
			label, arg = "✅ "+label, "-"+t.ID
		}
		row = append(row, tgbotapi.NewInlineKeyboardButtonData(label, cbData(cbTopic, arg, sub.ChatID)))
		if len(row) == 2 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	all := text(lang, msgTopicsAll)
	if len(sub.Topics) == 0 {
		all = "✅ " + all
	}
	rows = append(rows, tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData(all, cbData(cbTopic, "*", sub.ChatID)),
		tgbotapi.NewInlineKeyboardButtonData(text(lang, msgBtnDone), cbData(cbTopic, ".", sub.ChatID)),
	))
	kb := tgbotapi.NewInlineKeyboardMarkup(rows...)
	return &kb
}

func (b *Bot) topicsText(lang string, sub subscriptions.Subscriber) string {
	return text(lang, msgTopicsPrompt) + "\n\n" + b.prefsText(lang, sub)
}

// settings shows a summary of the target's settings with buttons.
func (b *Bot) settings(ctx context.Context, r request) error {
	return b.withSub(ctx, r, func(sub subscriptions.Subscriber) error {
		_, err := b.sendMarkup(ctx, r.chat.ID, b.settingsText(r, sub), b.settingsKeyboard(r.lang, sub))
		return err
	})
}

func (b *Bot) settingsText(r request, sub subscriptions.Subscriber) string {
	lang := r.lang
	title := ""
	if sub.ChatID != r.chat.ID {
		title = " – " + userText(strconv.FormatInt(sub.ChatID, 10))
	}
	state := text(lang, msgOn)
	if sub.Paused {
		state = text(lang, msgOff)
	}
	maxStories := sub.MaxStories
	if maxStories == 0 {
		maxStories = subscriptions.DefaultStories
	}
	return text(lang, msgSettings, title, b.topicsList(lang, sub), userList(lang, sub.Include), userList(lang, sub.Exclude),
		userList(lang, sub.Times), userText(sub.TimeZone), maxStories, state) +
		text(lang, msgStoryLangsLine, text(lang, storyLangsDesc(sub.StoryLangs))) + b.alertsLine(lang, sub) + b.learnedText(lang, sub)
}

// storyLangsChoice is one of the settings' story-language buttons: the
// setting it makes true, its callback argument ("sl=<arg>"), its label and
// the settings line describing it.
type storyLangsChoice struct {
	mode, arg string
	btn, desc msgKey
}

// storyLangsChoices are the buttons in the order shown (a function, not a
// package-level table: no package-level mutable state).
func storyLangsChoices() []storyLangsChoice {
	return []storyLangsChoice{
		{subscriptions.StoriesOwn, "sl=own", msgBtnLangsOwn, msgLangsOwnDesc},
		{subscriptions.StoriesBoth, "sl=both", msgBtnLangsBoth, msgLangsBothDesc},
		{subscriptions.StoriesAuto, "sl=auto", msgBtnLangsAuto, msgLangsAutoDesc},
	}
}

// storyLangsDesc describes a setting; an unknown one (written by a newer
// version) reads as the default, as digest treats it.
func storyLangsDesc(mode string) msgKey {
	for _, c := range storyLangsChoices() {
		if c.mode == mode {
			return c.desc
		}
	}
	return msgLangsAutoDesc
}

// parseStoryLangs reads a story-language button's argument.
func parseStoryLangs(arg string) (string, bool) {
	for _, c := range storyLangsChoices() {
		if c.arg == arg {
			return c.mode, true
		}
	}
	return "", false
}

// storyLangsRow is the story-language buttons, ✅ on the current setting.
func storyLangsRow(lang string, sub subscriptions.Subscriber) []tgbotapi.InlineKeyboardButton {
	var row []tgbotapi.InlineKeyboardButton
	for _, c := range storyLangsChoices() {
		label := text(lang, c.btn)
		if c.mode == sub.StoryLangs {
			label = "✅ " + label
		}
		row = append(row, tgbotapi.NewInlineKeyboardButtonData(label, cbData(cbSettings, c.arg, sub.ChatID)))
	}
	return row
}

func (b *Bot) settingsKeyboard(lang string, sub subscriptions.Subscriber) *tgbotapi.InlineKeyboardMarkup {
	pause := tgbotapi.NewInlineKeyboardButtonData(text(lang, msgBtnPause), cbData(cbSettings, "pause", sub.ChatID))
	if sub.Paused {
		pause = tgbotapi.NewInlineKeyboardButtonData(text(lang, msgBtnResume), cbData(cbSettings, "resume", sub.ChatID))
	}
	kb := tgbotapi.NewInlineKeyboardMarkup(
		tgbotapi.NewInlineKeyboardRow(
			tgbotapi.NewInlineKeyboardButtonData(text(lang, msgBtnTopics), cbData(cbSettings, "topics", sub.ChatID)),
			pause,
		),
		tgbotapi.NewInlineKeyboardRow(
			// Named in the language it switches the target's to.
			tgbotapi.NewInlineKeyboardButtonData(text(sub.Lang, msgBtnLang), cbData(cbSettings, "lang="+otherLang(sub.Lang), sub.ChatID)),
			tgbotapi.NewInlineKeyboardButtonData(text(lang, msgBtnStop), cbData(cbSettings, "stop", sub.ChatID)),
		),
		storyLangsRow(lang, sub),
	)
	if row := b.alertsRow(lang, sub); row != nil {
		kb.InlineKeyboard = append(kb.InlineKeyboard, row)
	}
	if row := forgetRow(lang, sub); row != nil {
		kb.InlineKeyboard = append(kb.InlineKeyboard, row)
	}
	return &kb
}

// callback is one button press as a handler sees it.
type callback struct {
	q      *tgbotapi.CallbackQuery
	chat   *tgbotapi.Chat
	msgID  int
	lang   string
	kind   string
	arg    string
	target int64
}

// handleCallback answers a button press. Callback data can be forged by a
// modified client, so the presser's right to change the target is checked
// every time, exactly as for the typed command.
func (b *Bot) handleCallback(ctx context.Context, q *tgbotapi.CallbackQuery) error {
	if q.Message == nil || q.Message.Chat == nil || q.From == nil {
		b.answerCallback(ctx, q.ID, "")
		return nil
	}
	if strings.HasPrefix(q.Data, cbSearch+":") { // anyone may page a search
		return b.onSearchMore(ctx, q, b.chatLang(ctx, q.Message.Chat.ID, q.From))
	}
	if strings.HasPrefix(q.Data, delivery.FeedbackPrefix) { // 👍 / 👎 under a digest
		return b.onFeedback(ctx, q)
	}
	if delivery.IsMoreData(q.Data) { // anyone who sees a digest may page it
		return b.onDigestMore(ctx, q, b.chatLang(ctx, q.Message.Chat.ID, q.From))
	}
	kind, arg, target, ok := parseCallback(q.Data)
	if !ok {
		b.answerCallback(ctx, q.ID, "")
		return nil
	}
	c := callback{q: q, chat: q.Message.Chat, msgID: q.Message.MessageID, kind: kind, arg: arg, target: target}
	c.lang = b.chatLang(ctx, c.chat.ID, q.From)
	if kind == cbBroadcast {
		return b.onBroadcast(ctx, c)
	}
	if ok, err := b.authorizeCallback(ctx, c); !ok {
		return err
	}
	return b.routeCallback(ctx, c)
}

// authorizeCallback checks the presser may change the target; when not, it
// has already answered the press with the reason.
func (b *Bot) authorizeCallback(ctx context.Context, c callback) (bool, error) {
	var ok bool
	var err error
	switch {
	case c.target == c.chat.ID:
		ok, err = b.mayConfigure(ctx, c.chat, c.q.From, nil)
	case c.chat.IsPrivate():
		var ids map[int64]bool
		ids, err = b.chatAdmins(ctx, c.target)
		ok = ids[c.q.From.ID]
	}
	if err != nil {
		b.answerCallback(ctx, c.q.ID, text(c.lang, msgAdminCheckFailed))
		return false, err
	}
	if !ok {
		b.answerCallback(ctx, c.q.ID, text(c.lang, msgAdminsOnly))
	}
	return ok, nil
}

func (b *Bot) routeCallback(ctx context.Context, c callback) error {
	switch c.kind {
	case cbTopic, cbTopicOld:
		return b.onTopic(ctx, c)
	case cbSettings:
		return b.onSettings(ctx, c)
	case cbStop:
		return b.onStop(ctx, c)
	}
	b.answerCallback(ctx, c.q.ID, "")
	return nil
}

// onTopic sets a topic on or off (or all topics) and redraws the picker in
// place.
func (b *Bot) onTopic(ctx context.Context, c callback) error {
	if c.arg == "." {
		return b.finishPicker(ctx, c)
	}
	id, on, toggle := topicTarget(c)
	if id != "*" && b.resolveTopic(id) != id {
		b.answerCallback(ctx, c.q.ID, "")
		return nil
	}
	sub, err := b.subs.Update(ctx, c.target, func(s *subscriptions.Subscriber) error {
		if toggle {
			on = !slices.Contains(s.Topics, id)
		}
		s.Topics = setTopic(s.Topics, id, on)
		return nil
	})
	if err != nil {
		if errors.Is(err, subscriptions.ErrNotFound) {
			b.answerCallback(ctx, c.q.ID, text(c.lang, msgNotSubscribed))
		}
		return ignoreNotFound(err)
	}
	b.answerCallback(ctx, c.q.ID, text(c.lang, msgSaved))
	return b.edit(ctx, c.chat.ID, c.msgID, b.topicsText(c.lang, sub), b.topicKeyboard(c.lang, sub))
}

// topicTarget reads the topic and the state a press asks for. An old-format
// button ("t:ID") only named the topic; the state it meant is what its
// label showed: ✅ (chosen) means the user wants it off. Without the
// message's keyboard it toggles, as it always did.
func topicTarget(c callback) (id string, on, toggle bool) {
	switch {
	case c.kind == cbTopic && strings.HasPrefix(c.arg, "+"):
		return c.arg[1:], true, false
	case c.kind == cbTopic && strings.HasPrefix(c.arg, "-"):
		return c.arg[1:], false, false
	case c.kind == cbTopic || c.arg == "*":
		return c.arg, false, false
	}
	label, found := pressedLabel(c.q)
	if !found {
		return c.arg, false, true
	}
	return c.arg, !strings.HasPrefix(label, "✅"), false
}

// pressedLabel is the text of the button the user pressed, from the
// keyboard of the message it belongs to.
func pressedLabel(q *tgbotapi.CallbackQuery) (string, bool) {
	if q.Message == nil || q.Message.ReplyMarkup == nil {
		return "", false
	}
	for _, row := range q.Message.ReplyMarkup.InlineKeyboard {
		for _, btn := range row {
			if btn.CallbackData != nil && *btn.CallbackData == q.Data {
				return btn.Text, true
			}
		}
	}
	return "", false
}

func setTopic(topics []string, id string, on bool) []string {
	switch {
	case id == "*":
		return nil
	case !on:
		return slices.DeleteFunc(slices.Clone(topics), func(t string) bool { return t == id })
	case slices.Contains(topics, id):
		return topics
	}
	return append(slices.Clone(topics), id)
}

func (b *Bot) finishPicker(ctx context.Context, c callback) error {
	sub, err := b.subs.Get(ctx, c.target)
	if err != nil {
		b.answerCallback(ctx, c.q.ID, "")
		return ignoreNotFound(err)
	}
	b.answerCallback(ctx, c.q.ID, text(c.lang, msgSaved))
	return b.edit(ctx, c.chat.ID, c.msgID, b.prefsText(c.lang, sub), nil)
}

func (b *Bot) onSettings(ctx context.Context, c callback) error {
	sub, err := b.subs.Get(ctx, c.target)
	if err != nil {
		b.answerCallback(ctx, c.q.ID, text(c.lang, msgNotSubscribed))
		return ignoreNotFound(err)
	}
	switch c.arg {
	case "topics":
		b.answerCallback(ctx, c.q.ID, "")
		return b.edit(ctx, c.chat.ID, c.msgID, b.topicsText(c.lang, sub), b.topicKeyboard(c.lang, sub))
	case "stop":
		b.answerCallback(ctx, c.q.ID, "")
		kb, err := b.pauseForStop(ctx, c.lang, sub)
		if err != nil {
			return ignoreNotFound(err)
		}
		return b.edit(ctx, c.chat.ID, c.msgID, text(c.lang, msgStopConfirm), kb)
	}
	return b.changeFromSettings(ctx, c)
}

// changeFromSettings applies pause/resume/lang and redraws the summary.
func (b *Bot) changeFromSettings(ctx context.Context, c callback) error {
	sub, err := b.subs.Update(ctx, c.target, func(s *subscriptions.Subscriber) error {
		switch c.arg {
		case "pause":
			s.Paused = true
		case "resume":
			s.Paused = false
		case "lang=ar", "lang=en": // the button names the language it switches to
			s.Lang = strings.TrimPrefix(c.arg, "lang=")
		case "lang": // the old button toggled; only on messages sent before
			s.Lang = otherLang(s.Lang)
		case cbForget:
			s.Learned = subscriptions.Learned{}
		default:
			if mode, ok := parseStoryLangs(c.arg); ok {
				s.StoryLangs = mode
			}
			if on, ok := alertsArg(c.arg); ok {
				s.Alerts = on
			}
		}
		return nil
	})
	if err != nil {
		b.answerCallback(ctx, c.q.ID, "")
		return ignoreNotFound(err)
	}
	if c.target == c.chat.ID {
		c.lang = sub.Lang
	}
	b.answerCallback(ctx, c.q.ID, text(c.lang, pick(c.arg == cbForget, msgForgotten, msgSaved)))
	r := request{chat: c.chat, lang: c.lang, target: c.target}
	return b.edit(ctx, c.chat.ID, c.msgID, b.settingsText(r, sub), b.settingsKeyboard(c.lang, sub))
}

// onStop deletes the chat's data once the user confirmed, or undoes the
// pause /stop made.
func (b *Bot) onStop(ctx context.Context, c callback) error {
	b.answerCallback(ctx, c.q.ID, "")
	if c.arg != stopDelete {
		_, err := b.subs.Update(ctx, c.target, func(s *subscriptions.Subscriber) error {
			s.Paused = c.arg == stopKeep
			return nil
		})
		if err != nil {
			return ignoreNotFound(err)
		}
		return b.edit(ctx, c.chat.ID, c.msgID, text(c.lang, msgStopCancelled), nil)
	}
	if err := b.subs.Delete(ctx, c.target); err != nil {
		return fmt.Errorf("unsubscribe chat %d: %w", c.target, err)
	}
	b.editing.forget(c.target)
	return b.edit(ctx, c.chat.ID, c.msgID, text(c.lang, msgStopped), nil)
}

// otherLang is the language a language button switches to.
func otherLang(lang string) string { return pick(lang == "ar", "en", "ar") }

func ignoreNotFound(err error) error {
	if errors.Is(err, subscriptions.ErrNotFound) {
		return nil
	}
	return err
}
