package bot

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"newsdigest/subscriptions"
)

// request is one command as a handler sees it.
type request struct {
	chat       *tgbotapi.Chat // where the command was sent; replies go here
	from       *tgbotapi.User
	senderChat *tgbotapi.Chat
	command    string // lower-case, without "/" and "@botname"
	args       string
	addressed  bool   // "/cmd@ourbot": the user meant us
	lang       string // the UI language to answer in
	target     int64  // the chat whose settings the command reads or changes
}

type handler func(ctx context.Context, r request) error

// access says who may run a command.
type access int

const (
	public     access = iota // anyone
	configures               // in groups and channels: the chat's administrators
	botAdmin                 // user IDs in NEWSDIGEST_ADMINS; others get the unknown-command answer
)

type route struct {
	run    handler
	access access
}

// routes builds the command table; New calls it once and keeps the result
// in b.commands, so no update pays for building it.
func (b *Bot) routes() map[string]route {
	return map[string]route{
		"start":       {b.start, configures},
		"help":        {b.help, public},
		"topics":      {b.topics, configures},
		"subscribe":   {b.subscribe, configures},
		"unsubscribe": {b.unsubscribe, configures},
		"keywords":    {b.keywords, configures},
		"time":        {b.setTime, configures},
		"timezone":    {b.setZone, configures},
		"lang":        {b.setLang, configures},
		"settings":    {b.settings, public},
		"stories":     {b.setStories, configures},
		"digest":      {b.digest, public},
		"search":      {b.searchCmd, public},
		"alerts":      {b.alertsCmd, public}, // anyone may read it; alertsCmd checks who may change it
		"pause":       {b.pause, configures},
		"resume":      {b.resume, configures},
		"stop":        {b.stop, configures},
		"channel":     {b.channel, public},
		"stats":       {b.stats, botAdmin},
		"pushnow":     {b.pushNow, botAdmin},
		"broadcast":   {b.broadcast, botAdmin},
		"backup":      {b.backup, botAdmin},
		"addfeed":     {b.addFeed, botAdmin},
		"delfeed":     {b.delFeed, botAdmin},
		"feeds":       {b.listFeeds, botAdmin},
		"exportfeeds": {b.exportFeeds, botAdmin},
	}
}

// admit decides, as an update arrives, what it may cost: the flood guard
// counts commands and button presses here, not when they are handled, since
// handling is paced by the chat's reply limit and a flood would otherwise be
// spread out and answered in full. A sender over their allowance (about one
// command a second) gets one warning and is then ignored until it refills;
// so is a group or channel over its own (Telegram lets a bot post about 20
// messages a minute there), whoever writes.
func (b *Bot) admit(u tgbotapi.Update) *job {
	j := &job{u: u, chat: chatOf(u)}
	sender, counted := b.floodKey(u)
	if !counted {
		return j
	}
	now := b.now()
	if ok, warn := b.limiter.allow(sender, now); !ok {
		j.kind = pick(warn, jobWarnUser, jobDrop)
		return j
	}
	if j.chat < 0 {
		if ok, warn := b.chatLimiter.allow(j.chat, now); !ok {
			j.kind = pick(warn, jobWarnChat, jobDrop)
		}
	}
	return j
}

func pick[T any](cond bool, yes, no T) T {
	if cond {
		return yes
	}
	return no
}

// floodKey is who an update is counted against, and whether it counts: our
// commands, uploads and button presses do; plain messages, commands for
// other bots and membership changes cost nothing.
func (b *Bot) floodKey(u tgbotapi.Update) (int64, bool) {
	switch {
	case u.CallbackQuery != nil && u.CallbackQuery.From != nil:
		return u.CallbackQuery.From.ID, true
	case u.CallbackQuery != nil:
		return 0, false
	case u.Message == nil || u.Message.Chat == nil || u.Message.MigrateToChatID != 0:
		return 0, false
	}
	msg := u.Message
	if msg.Document == nil {
		cmd, _, addressed, ok := parseCommand(msg.Text, b.Username())
		if _, known := b.commands[cmd]; !ok || !(known || addressed || msg.Chat.IsPrivate()) {
			return 0, false
		}
	}
	switch {
	case msg.SenderChat != nil: // anonymous admins share one user ID across all groups
		return msg.SenderChat.ID, true
	case msg.From != nil:
		return msg.From.ID, true
	}
	return msg.Chat.ID, true
}

// run handles one admitted update and returns the handler's error, which
// decides whether the update counts as handled (see classify). A panicking
// handler is logged and the update counted as handled; otherwise it would
// crash the bot again after every restart, since an unconfirmed update
// comes back.
func (b *Bot) run(ctx context.Context, j *job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			b.log.ErrorContext(ctx, "update handler panicked", "update", j.u.UpdateID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = nil
		}
	}()
	b.metrics.UpdateHandled()
	u := j.u
	switch {
	case j.kind == jobDrop:
	case j.kind != jobHandle:
		err = b.warnFlood(ctx, j)
	case u.CallbackQuery != nil:
		err = b.handleCallback(ctx, u.CallbackQuery)
	case u.MyChatMember != nil:
		err = b.handleMembership(ctx, u.MyChatMember)
	case u.Message != nil && u.Message.Chat != nil:
		err = b.handleMessage(ctx, u.Message)
	}
	if b.afterHandle != nil {
		b.afterHandle(u)
	}
	return err
}

// warnFlood sends the one warning of a flood: a toast on a button press, a
// message otherwise (retried like any reply: the README promises it).
func (b *Bot) warnFlood(ctx context.Context, j *job) error {
	key := pick(j.kind == jobWarnChat, msgChatRateLimited, msgRateLimited)
	if q := j.u.CallbackQuery; q != nil {
		b.answerCallback(ctx, q.ID, text(b.chatLang(ctx, j.chat, q.From), key))
		return nil
	}
	msg := j.u.Message
	r := request{chat: msg.Chat, from: msg.From, lang: b.chatLang(ctx, msg.Chat.ID, msg.From)}
	return b.replyErr(ctx, r, text(r.lang, key))
}

func (b *Bot) handleMessage(ctx context.Context, msg *tgbotapi.Message) error {
	if msg.MigrateToChatID != 0 {
		return b.migrate(ctx, msg.Chat.ID, msg.MigrateToChatID)
	}
	if msg.Document != nil {
		return b.handleDocument(ctx, msg)
	}
	cmd, args, addressed, ok := parseCommand(msg.Text, b.Username())
	if !ok {
		return nil
	}
	r := request{chat: msg.Chat, from: msg.From, senderChat: msg.SenderChat, command: cmd, args: args,
		addressed: addressed || msg.Chat.IsPrivate(), target: msg.Chat.ID}
	r.lang = b.chatLang(ctx, msg.Chat.ID, msg.From)
	return b.dispatch(ctx, r)
}

func (b *Bot) dispatch(ctx context.Context, r request) error {
	rt, known := b.commands[r.command]
	switch {
	case !known, rt.access == botAdmin && !b.isBotAdmin(r.from):
		b.metrics.Command("unknown")
		return b.unknown(ctx, r)
	case rt.access == configures:
		ok, err := b.mayConfigure(ctx, r.chat, r.from, r.senderChat)
		if err != nil {
			b.reply(ctx, r, text(r.lang, msgAdminCheckFailed))
			return err
		}
		if !ok {
			b.reply(ctx, r, text(r.lang, msgAdminsOnly))
			return nil
		}
	}
	b.metrics.Command(r.command)
	if r.chat.IsPrivate() && rt.access != botAdmin {
		r = b.retarget(ctx, r)
	}
	return rt.run(ctx, r)
}

// retarget points a private chat's settings commands at the channel the
// user is configuring, after checking they still administer it.
func (b *Bot) retarget(ctx context.Context, r request) request {
	ch, ok := b.editing.get(r.chat.ID)
	if !ok || r.command == "channel" || r.command == "help" {
		return r
	}
	ids, err := b.chatAdmins(ctx, ch)
	if err != nil || r.from == nil || !ids[r.from.ID] {
		b.editing.set(r.chat.ID, 0)
		return r
	}
	r.target = ch
	return r
}

// parseCommand splits "/cmd@bot args" into its parts. A command addressed to
// another bot ("/start@otherbot") is not ours.
func parseCommand(text, self string) (cmd, args string, addressed, ok bool) {
	if !strings.HasPrefix(text, "/") {
		return "", "", false, false
	}
	head, args, _ := strings.Cut(text[1:], " ")
	if h, a, found := strings.Cut(head, "\n"); found { // "/cmd\nargs"
		head, args = h, a+" "+args
	}
	head, target, addressed := strings.Cut(head, "@")
	if addressed && !strings.EqualFold(target, self) {
		return "", "", false, false
	}
	if head == "" {
		return "", "", false, false
	}
	return strings.ToLower(head), strings.TrimSpace(args), addressed, true
}

func (b *Bot) unknown(ctx context.Context, r request) error {
	if !r.addressed {
		return nil // in a group, "/foo" may be another bot's command
	}
	return b.replyErr(ctx, r, text(r.lang, msgUnknown))
}

// migrate follows a group that became a supergroup.
func (b *Bot) migrate(ctx context.Context, from, to int64) error {
	err := b.subs.Move(ctx, from, to)
	if errors.Is(err, subscriptions.ErrNotFound) {
		return nil
	}
	return err
}

// handleMembership follows the bot's own membership: a user who blocks the
// bot (or a group that removes it) is marked inactive, and active again when
// they come back, so no push is wasted on them meanwhile.
func (b *Bot) handleMembership(ctx context.Context, m *tgbotapi.ChatMemberUpdated) error {
	gone := m.NewChatMember.Status == "kicked" || m.NewChatMember.Status == "left"
	_, err := b.subs.Update(ctx, m.Chat.ID, func(s *subscriptions.Subscriber) error {
		s.Inactive = gone
		return nil
	})
	if errors.Is(err, subscriptions.ErrNotFound) {
		return nil
	}
	return err
}
